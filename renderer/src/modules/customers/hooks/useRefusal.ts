import { useEffect, useState } from 'react';
import type { InboxItem } from '../../../../../shared/api/contract';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { inboxCount } from '../../sync/utils/syncView';
import { refusalFor } from '../../sync/utils/inboxView';

/**
 * The server's refusal of a record this device wrote (a customer whose create was refused as a
 * duplicate), while it waits in the inbox: `undefined` while unknown, null when there is none. Asked
 * only when the inbox has entries at all, and again whenever it or the data changes.
 */
export function useRefusal(recordId: string, always = false): InboxItem | null | undefined {
  const count = useAppStore((s) => inboxCount(s.syncStatus));
  const dataVersion = useAppStore((s) => s.dataVersion);
  const [refusal, setRefusal] = useState<{ id: string; item: InboxItem | null } | null>(null);
  const ask = always || count > 0;
  useEffect(() => {
    if (!ask) return;
    let live = true;
    getApi()
      .call('inbox.list', {})
      .then(
        (items) => live && setRefusal({ id: recordId, item: refusalFor(items, recordId) }),
        () => live && setRefusal({ id: recordId, item: null }),
      );
    return () => {
      live = false;
    };
  }, [recordId, ask, count, dataVersion]);
  if (!ask) return null;
  return refusal?.id === recordId ? refusal.item : undefined;
}
