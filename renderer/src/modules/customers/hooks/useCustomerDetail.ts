import { useCallback, useEffect, useState } from 'react';
import type { ApiOutput, FollowUpItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';

export type CustomerDetail = ApiOutput<'customers.get'>;

/**
 * One customer with contacts and follow-ups, reloaded whenever the core reports changed data (a pull
 * brought a colleague's follow-up, a push was acknowledged and the "pending" tag must go).
 */
export function useCustomerDetail(id: string) {
  const dataVersion = useAppStore((s) => s.dataVersion);
  const [detail, setDetail] = useState<CustomerDetail | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    let live = true;
    getApi()
      .call('customers.get', { id })
      .then(
        (data) => {
          if (!live) return;
          setDetail(data);
          setError(null);
        },
        (err: unknown) => {
          if (live) setError(toAppErrorData(err));
        },
      )
      .finally(() => {
        if (live) setLoaded(true);
      });
    return () => {
      live = false;
    };
  }, [id, dataVersion, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);

  /** Shows a just-saved follow-up at once, before the reload confirms it. */
  const addOptimistic = useCallback((item: FollowUpItem) => {
    setDetail((d) =>
      d && !d.followUps.some((f) => f.id === item.id) ? { ...d, followUps: [item, ...d.followUps] } : d,
    );
  }, []);

  return { detail, error, loading: !loaded, reload, addOptimistic };
}
