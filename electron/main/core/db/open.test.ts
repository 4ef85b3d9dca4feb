import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, openTestDatabase } from '../testing';
import { getMeta } from './meta';
import { defaultMigrationsFolder, openClientDatabase, userDatabaseFile } from './open';

describe('openClientDatabase', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it('applies the migrations to an empty file, in WAL mode with foreign keys on', () => {
    const db = openTestDatabase(temp.dir);
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
        name: string;
      }[]
    ).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining([
        'contacts',
        'customers',
        'follow_ups',
        'meta',
        'outbox',
        'rejections',
        'users',
      ]),
    );
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    const indexes = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]
    ).map((i) => i.name);
    expect(indexes).toEqual(
      expect.arrayContaining([
        'customers_owner_idx',
        'customers_last_follow_up_idx',
        'customers_name_idx',
        'customers_updated_idx',
        'follow_ups_timeline_idx',
      ]),
    );
    db.close();
  });

  it('makes the file private to the OS user and keeps one client id per database', () => {
    const file = userDatabaseFile(temp.dir, '01900000-0000-7000-8000-0000000000aa');
    const first = openClientDatabase(file, { migrationsFolder: defaultMigrationsFolder() });
    const clientId = getMeta(first, 'client_id');
    first.close();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    const again = openClientDatabase(file, { migrationsFolder: defaultMigrationsFolder() });
    expect(getMeta(again, 'client_id')).toBe(clientId);
    again.close();
    expect(file).toBe(join(temp.dir, 'users', '01900000-0000-7000-8000-0000000000aa.db'));
  });
});
