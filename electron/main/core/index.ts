import type { ApiEvent, ApiHandlers, SyncStatus } from '../../../shared/api/contract';
import { AppError } from '../../../shared/errors';
import { createAccount } from './account';
import { defaultMigrationsFolder } from './db/open';
import { createHandlers } from './handlers';

export { dispatch, isChannel } from './dispatch';

export type ClientCoreOptions = {
  /** Where the device keeps its data: `session.json` and `users/<userId>.db`. */
  dataDir: string;
  /** `drizzle/client`; found from the repo root when omitted. */
  migrationsFolder?: string;
  fetch?: typeof fetch;
  now?: () => number;
  syncIntervalMs?: number;
  maxBackoffMs?: number;
  /** Path of a better-sqlite3 addon built for Electron's ABI (scripts/start-desktop.mjs). */
  sqliteNativeBinding?: string;
  /**
   * Listen to the server's poke stream (`GET /sync/events`) and pull at once on a poke (default true).
   * Tests that count requests or inject faults into every request turn it off.
   */
  pokes?: boolean;
  /** Quiet time after a local write before pushing (default 150 ms); tests that sync explicitly raise it. */
  debounceMs?: number;
};

/** The device side of Tidepool, with no Electron in it: hosted by Electron's main process, tests and the Node host. */
export type ClientCore = {
  handlers: ApiHandlers;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  syncNow(): Promise<SyncStatus>;
  close(): Promise<void>;
};

/**
 * Builds the client core and reopens the saved session, if any, so the app starts on the last user's
 * local data with no network (the sync agent starts and retries in the background).
 */
export async function createClientCore(opts: ClientCoreOptions): Promise<ClientCore> {
  const listeners = new Set<(event: ApiEvent) => void>();
  const emit = (event: ApiEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        console.error('tidepool: event listener failed', err);
      }
    }
  };
  const now = opts.now ?? Date.now;
  const account = createAccount({
    dataDir: opts.dataDir,
    migrationsFolder: opts.migrationsFolder ?? defaultMigrationsFolder(),
    fetch: opts.fetch ?? globalThis.fetch,
    now,
    emit,
    syncIntervalMs: opts.syncIntervalMs,
    maxBackoffMs: opts.maxBackoffMs,
    sqliteNativeBinding: opts.sqliteNativeBinding,
    pokes: opts.pokes,
    debounceMs: opts.debounceMs,
  });
  account.restore();
  const handlers = createHandlers({
    account,
    now,
    changed: (tables) => {
      const list = [...tables];
      if (list.length > 0) emit({ type: 'data.changed', tables: list });
    },
  });
  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async syncNow() {
      const ws = account.current();
      if (!ws) throw new AppError('unauthorized', 'Not signed in');
      return ws.agent.syncNow();
    },
    async close() {
      await account.close();
      listeners.clear();
    },
  };
}
