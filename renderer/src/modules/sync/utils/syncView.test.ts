import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../../shared/api/contract';
import { inboxCount, initialProgressView, syncHealth, syncStatusLine } from './syncView';

const calm: SyncStatus = {
  online: true,
  syncing: false,
  pending: 0,
  rejected: 0,
  conflicts: 0,
  lastSyncAt: 1,
  lastError: null,
  nextRetryAt: null,
  initialProgress: null,
};

describe('syncHealth', () => {
  it('is stalled when changes wait behind a failure, even a plain network one', () => {
    const offline = { code: 'offline', message: 'fetch failed' };
    expect(syncHealth({ ...calm, online: false, pending: 3, lastError: offline, nextRetryAt: 5 })).toBe(
      'stalled',
    );
    expect(syncHealth({ ...calm, online: false, pending: 0, lastError: offline })).toBe('offline');
  });

  it('is stalled on a server-side failure with nothing pending, and calm otherwise', () => {
    expect(syncHealth({ ...calm, lastError: { code: 'upgrade_required', message: 'please update' } })).toBe(
      'stalled',
    );
    expect(syncHealth({ ...calm, pending: 2 })).toBe('pending');
    expect(syncHealth(calm)).toBe('synced');
    expect(syncHealth({ ...calm, syncing: true, lastError: { code: 'server_error', message: 'x' } })).toBe(
      'syncing',
    );
    expect(syncHealth(null)).toBe('unknown');
  });
});

describe('inboxCount', () => {
  it('adds conflicts and rejections', () => {
    expect(inboxCount({ ...calm, conflicts: 2, rejected: 1 })).toBe(3);
    expect(inboxCount(null)).toBe(0);
  });
});

describe('syncStatusLine', () => {
  it('never says "all synced" while the inbox holds conflicts or refused changes', () => {
    expect(syncStatusLine({ ...calm, rejected: 2 })).toEqual({
      key: 'sync.statusInbox',
      count: 2,
      tone: 'warning',
    });
    expect(syncStatusLine({ ...calm, conflicts: 1, rejected: 1 })?.count).toBe(2);
  });

  it('says what waits, or that everything is synced', () => {
    expect(syncStatusLine(calm)).toEqual({ key: 'sync.allSynced', count: 0, tone: 'success' });
    expect(syncStatusLine({ ...calm, pending: 3 })?.key).toBe('sync.statusPending');
    expect(syncStatusLine({ ...calm, online: false, pending: 3 })?.key).toBe('sync.statusOfflinePending');
    expect(syncStatusLine({ ...calm, online: false })?.key).toBe('sync.statusOffline');
    expect(syncStatusLine({ ...calm, syncing: true, rejected: 1 })?.key).toBe('sync.syncing');
    expect(syncStatusLine(null)).toBeNull();
  });
});

describe('initialProgressView', () => {
  it('is a fraction of the announced total, never past the end', () => {
    expect(
      initialProgressView({ ...calm, initialProgress: { received: 250, pages: 1, total: 1000 } }),
    ).toEqual({
      received: 250,
      total: 1000,
      fraction: 0.25,
    });
    expect(
      initialProgressView({ ...calm, initialProgress: { received: 1200, pages: 3, total: 1000 } })?.fraction,
    ).toBe(1);
  });

  it('is indeterminate until the server says the total, and absent outside a first sync', () => {
    expect(
      initialProgressView({ ...calm, initialProgress: { received: 300, pages: 1, total: null } })?.fraction,
    ).toBeNull();
    expect(
      initialProgressView({ ...calm, initialProgress: { received: 0, pages: 0, total: 0 } })?.fraction,
    ).toBeNull();
    expect(initialProgressView(calm)).toBeNull();
  });
});
