import type { SyncStatus } from '../../../../../shared/api/contract';

/** How the indicator reads a status: a calm state, or "stalled" when the last attempt failed. */
export type SyncHealth = 'unknown' | 'syncing' | 'stalled' | 'offline' | 'synced' | 'pending';

export function syncHealth(status: SyncStatus | null): SyncHealth {
  if (!status) return 'unknown';
  if (status.syncing) return 'syncing';
  if (status.lastError && status.lastError.code !== 'offline') return 'stalled';
  if (!status.online) return 'offline';
  return status.pending > 0 ? 'pending' : 'synced';
}
