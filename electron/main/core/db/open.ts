import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { newId } from '../../../../shared/ids';
import { registerAttrFunctions } from './attrIndex';
import { restoreSecondaryIndexes } from './bulkLoad';
import { ensureLocalIndex } from './localIndex';
import { getMeta, setMeta } from './meta';

export type ClientDatabase = Database.Database;

export type OpenClientDatabaseOptions = {
  /** `drizzle/client` (the generated migrations). */
  migrationsFolder: string;
  /** A better-sqlite3 addon built for another ABI (Electron's), see scripts/start-desktop.mjs. */
  nativeBinding?: string | undefined;
};

/**
 * Opens (creating if needed) a device database file: private to the OS user (0600, SPEC §6), WAL so the
 * sync agent's writes never block reads, synchronous=NORMAL (durable at each WAL checkpoint, safe against
 * application crashes, the usual WAL trade-off), foreign keys on, migrations applied, local index built.
 */
export function openClientDatabase(file: string, opts: OpenClientDatabaseOptions): ClientDatabase {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Create the file ourselves so it never exists with the umask's wider mode, even for a moment.
  if (!existsSync(file)) writeFileSync(file, '', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  const db = new Database(file, opts.nativeBinding ? { nativeBinding: opts.nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // The customer list's attribute filters (db/attrIndex.ts).
    registerAttrFunctions(db);
    // Indexes a full round deferred and did not get to build (the app stopped mid-round): back before the
    // migrations, which expect the schema they left.
    if (db.prepare(`SELECT 1 FROM "sqlite_master" WHERE "name" = 'meta'`).get()) {
      db.transaction(() => restoreSecondaryIndexes(db))();
    }
    migrate(drizzle(db), { migrationsFolder: opts.migrationsFolder });
    // Derived local data (search index, unique keys, counts) that SQL migrations cannot compute.
    ensureLocalIndex(db);
    if (getMeta(db, 'client_id') === undefined) setMeta(db, 'client_id', newId());
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** The per-user database file: one per user so two reps sharing a laptop never see each other's data. */
export function userDatabaseFile(dataDir: string, userId: string): string {
  return join(dataDir, 'users', `${userId}.db`);
}

/**
 * Finds `drizzle/client` by walking up from this module: the repo root under tsx and vitest. The Electron
 * build passes its own path (inside the app bundle) instead.
 */
export function defaultMigrationsFolder(): string {
  let dir = import.meta.dirname;
  for (;;) {
    const candidate = join(dir, 'drizzle', 'client');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return resolve('drizzle', 'client');
    dir = parent;
  }
}
