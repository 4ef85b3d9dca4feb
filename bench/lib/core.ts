import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createClientCore, dispatch, type ClientCore } from '../../electron/main/core/index';

/**
 * Calls a channel of the client core the way both transports do (`dispatch`: contract validation, then
 * the handler), so a timed call includes the validation the renderer's request really goes through.
 */
export async function callCore(core: ClientCore, channel: string, input: unknown): Promise<unknown> {
  const result = await dispatch(core.handlers, channel, input);
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.data;
}

/** A fetch that can be switched off, to keep a core's sync agent from touching the network while timed. */
export function switchableFetch(): { fetch: typeof fetch; offline: boolean } {
  const state = {
    offline: false,
    fetch: ((input: string | URL | Request, init?: RequestInit) => {
      if (state.offline) return Promise.reject(new TypeError('fetch failed: bench switched the network off'));
      return fetch(input, init);
    }) as typeof fetch,
  };
  return state;
}

/** Starts a client core on a fresh data folder, with periodic sync effectively off (the bench drives it). */
export async function startCore(dataDir: string, fetchImpl?: typeof fetch): Promise<ClientCore> {
  return createClientCore({
    dataDir,
    syncIntervalMs: 3_600_000,
    maxBackoffMs: 3_600_000,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
}

/**
 * Row counts of a user's device database (docs/client.md: `<dataDir>/users/<userId>.db`), read-only,
 * after the core is closed: how the bench checks a sync really delivered every row.
 */
export function countDeviceRows(dataDir: string, userId: string): Record<string, number> {
  const db = new Database(join(dataDir, 'users', `${userId}.db`), { readonly: true });
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      users: count('users'),
      customers: count('customers'),
      contacts: count('contacts'),
      followUps: count('follow_ups'),
      outbox: count('outbox'),
    };
  } finally {
    db.close();
  }
}
