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
 * Row counts of a user's device database (docs/client.md: `<dataDir>/users/<userId>.db`) by SQLite table
 * name (`follow_ups`, `outbox`, …), read-only, after the core is closed: how the bench checks a sync
 * really delivered every row.
 */
export function countDeviceRows(dataDir: string, userId: string): Record<string, number> {
  const db = new Database(join(dataDir, 'users', `${userId}.db`), { readonly: true });
  try {
    const count = (table: string) =>
      (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%search%' AND name NOT LIKE '__drizzle%'`,
      )
      .pluck()
      .all() as string[];
    return Object.fromEntries(tables.map((t) => [t, count(`"${t}"`)]));
  } finally {
    db.close();
  }
}
