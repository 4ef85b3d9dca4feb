import { describe, expect, it } from 'vitest';
import type { SyncStatus } from '../../../../../shared/api/contract';
import { inboxCount, initialProgressView, syncHealth } from './syncView';

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
