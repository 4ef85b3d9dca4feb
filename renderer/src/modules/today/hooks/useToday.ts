import { useCallback, useEffect, useState } from 'react';
import type { Today } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';

/** The rep's day from the core (`today.get`), reloaded on every data change (a pull, a logged visit). */
export function useToday(): { today: Today | null; error: AppErrorData | null; reload: () => void } {
  const dataVersion = useAppStore((s) => s.dataVersion);
  const [today, setToday] = useState<Today | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    let live = true;
    getApi()
      .call('today.get', {})
      .then(
        (data) => {
          if (!live) return;
          setToday(data);
          setError(null);
        },
        (err: unknown) => live && setError(toAppErrorData(err)),
      );
    return () => {
      live = false;
    };
  }, [dataVersion, reloads]);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { today, error, reload };
}
