import type { AppErrorData } from '../../../../../shared/errors';

/**
 * How the designer words a failed server operation (docs/templates.md "Admin API"): the designer works
 * online only, so `offline` says plainly that nothing was saved; a 409 with `params.count` says how many
 * records hold what the admin tried to remove; other errors fall back to the app's generic sentence.
 */
export type AdminErrorText = { key: string; params?: Record<string, string | number> } | null;

export function adminErrorText(
  error: AppErrorData,
  valueLabel?: (key: string) => string | undefined,
): AdminErrorText {
  if (error.code === 'offline') return { key: 'designer.errors.offline' };
  const count = error.params?.['count'];
  if (error.code === 'conflict' && typeof count === 'number') {
    const value = error.params?.['value'] ?? error.params?.['key'];
    return value !== undefined
      ? {
          key: 'designer.errors.inUseValue',
          params: { count, value: valueLabel?.(String(value)) ?? String(value) },
        }
      : { key: 'designer.errors.inUse', params: { count } };
  }
  if (error.code === 'forbidden') return { key: 'designer.errors.forbidden' };
  return null;
}
