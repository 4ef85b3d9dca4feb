import { useCallback, useEffect, useState } from 'react';
import type { OpportunityItem } from '../../../../../shared/api/contract';
import type { Stage } from '../../../../../shared/domain/settings';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { applyStageMove } from '../utils/pipeline';

/**
 * Every opportunity in scope (open and closed: the board ends with won and lost), optionally one rep's,
 * reloaded on every data change. `moveLocally` shows a move at once, before the core's reload confirms it.
 */
export function usePipeline(ownerId: string | null) {
  const dataVersion = useAppStore((s) => s.dataVersion);
  const [items, setItems] = useState<{ key: string; list: OpportunityItem[] } | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [reloads, setReloads] = useState(0);
  const key = ownerId ?? '';

  useEffect(() => {
    let live = true;
    getApi()
      .call('opportunities.list', { status: 'all', ...(ownerId ? { ownerId } : {}) })
      .then(
        (list) => {
          if (!live) return;
          setItems({ key: ownerId ?? '', list });
          setError(null);
        },
        (err: unknown) => live && setError(toAppErrorData(err)),
      );
    return () => {
      live = false;
    };
  }, [ownerId, dataVersion, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const moveLocally = useCallback((id: string, stage: Stage) => {
    setItems((cur) => (cur ? { ...cur, list: applyStageMove(cur.list, id, stage, Date.now()) } : cur));
  }, []);
  // The board of another rep is not shown while the chosen rep's is on its way.
  const current = items && items.key === key ? items.list : null;
  return { opportunities: current, error, reload, moveLocally };
}
