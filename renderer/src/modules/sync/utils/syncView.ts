import type { SyncStatus } from '../../../../../shared/api/contract';

/** How the indicator reads a status: a calm state, or "stalled" when work is stuck behind a failure. */
export type SyncHealth = 'unknown' | 'syncing' | 'stalled' | 'offline' | 'synced' | 'pending';

/**
 * Stalled = the last attempt failed and something is stuck behind it: local changes waiting to go up
 * (even when the cause is just "offline": the user must see their queue is not moving and when it will
 * try again), or any failure that is not the network (a server error, an old version) since those do not
 * heal by walking to a window.
 */
export function syncHealth(status: SyncStatus | null): SyncHealth {
  if (!status) return 'unknown';
  if (status.syncing) return 'syncing';
  if (status.lastError && (status.pending > 0 || status.lastError.code !== 'offline')) return 'stalled';
  if (!status.online) return 'offline';
  return status.pending > 0 ? 'pending' : 'synced';
}

/** Entries in the conflicts-and-rejections inbox waiting for the user. */
export function inboxCount(status: SyncStatus | null): number {
  return (status?.conflicts ?? 0) + (status?.rejected ?? 0);
}

/** The Sync page's one-line status: what the sync is doing, or what waits, as a translation key. */
export type SyncStatusLine = {
  key:
    | 'sync.syncing'
    | 'sync.statusOffline'
    | 'sync.statusOfflinePending'
    | 'sync.statusInbox'
    | 'sync.statusPending'
    | 'sync.allSynced';
  count: number;
  tone: 'neutral' | 'warning' | 'success';
};

/**
 * What the status card says besides the last error (shown on its own row, only when there is one):
 * syncing; offline (with what waits); entries in the inbox waiting for a decision (never "all synced"
 * while the inbox holds refused changes); changes waiting to go up; else all synced.
 */
export function syncStatusLine(status: SyncStatus | null): SyncStatusLine | null {
  if (!status) return null;
  const inbox = inboxCount(status);
  if (status.syncing) return { key: 'sync.syncing', count: status.pending, tone: 'neutral' };
  if (!status.online) {
    return status.pending > 0
      ? { key: 'sync.statusOfflinePending', count: status.pending, tone: 'neutral' }
      : { key: 'sync.statusOffline', count: 0, tone: 'neutral' };
  }
  if (inbox > 0) return { key: 'sync.statusInbox', count: inbox, tone: 'warning' };
  if (status.pending > 0) return { key: 'sync.statusPending', count: status.pending, tone: 'neutral' };
  return { key: 'sync.allSynced', count: 0, tone: 'success' };
}

/** A first sync as a progress bar shows it: `fraction` is null while the server has not said the total. */
export type InitialProgressView = { received: number; total: number | null; fraction: number | null };

export function initialProgressView(status: SyncStatus | null): InitialProgressView | null {
  const p = status?.initialProgress;
  if (!p) return null;
  const total = p.total !== null && p.total > 0 ? p.total : null;
  // A total is an estimate taken when the round began: rows written meanwhile can push `received` past
  // it, and a bar must never run backwards or overflow.
  const fraction = total === null ? null : Math.min(1, Math.max(0, p.received / total));
  return { received: p.received, total, fraction };
}
