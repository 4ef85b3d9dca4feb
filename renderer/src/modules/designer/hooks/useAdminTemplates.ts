import { useCallback, useEffect, useState } from 'react';
import type { TemplateDraft } from '../../../../../shared/templates/admin';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';

/**
 * The org's templates as the designer sees them (`admin.templates.list`): drafts live on the server
 * only, so this needs the network; `error` is `offline` when there is none.
 */
export function useAdminTemplates(): {
  templates: TemplateDraft[] | null;
  error: AppErrorData | null;
  loading: boolean;
  reload: () => Promise<TemplateDraft[] | null>;
} {
  const [templates, setTemplates] = useState<TemplateDraft[] | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [loading, setLoading] = useState(true);
  const fetchList = useCallback(async () => {
    try {
      const { templates: list } = await getApi().call('admin.templates.list', {});
      setTemplates(list);
      setError(null);
      return list;
    } catch (err) {
      setError(toAppErrorData(err));
      return null;
    } finally {
      setLoading(false);
    }
  }, []);
  const reload = useCallback(() => {
    setLoading(true);
    return fetchList();
  }, [fetchList]);
  useEffect(() => {
    let live = true;
    getApi()
      .call('admin.templates.list', {})
      .then(
        ({ templates: list }) => {
          if (!live) return;
          setTemplates(list);
          setError(null);
        },
        (err: unknown) => {
          if (live) setError(toAppErrorData(err));
        },
      )
      .finally(() => {
        if (live) setLoading(false);
      });
    return () => {
      live = false;
    };
  }, []);
  return { templates, error, loading, reload };
}
