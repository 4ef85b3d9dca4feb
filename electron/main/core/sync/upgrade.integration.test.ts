import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../shared/ids';
import type { LoginResponse } from '../../../../shared/sync/protocol';
import { postJson, startTestServer, type TestServer } from '../../../../server/src/testing';
import { defaultMigrationsFolder, openClientDatabase, userDatabaseFile } from '../db/open';
import { createClientCore } from '../index';
import { writeSession } from '../session';
import { makeTempDir } from '../testing';

/**
 * SPEC §5.7 with a REAL migration: a device database made by the round-1 app (migration 0000 only, the
 * protocol-1 outbox without `base`) holding pending work is opened by the current app. Its migrations
 * (0001+) apply, and the pending entries still push, apply once, and the old rejection shows in the inbox.
 */

/** A copy of `drizzle/client` that stops after its first migration: what the round-1 app shipped. */
function round1Migrations(dir: string): string {
  const src = defaultMigrationsFolder();
  const out = join(dir, 'round1-migrations');
  mkdirSync(join(out, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(src, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const first = journal.entries[0]!;
  expect(first.tag).toBe('0000_init');
  writeFileSync(join(out, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: [first] }));
  copyFileSync(join(src, `${first.tag}.sql`), join(out, `${first.tag}.sql`));
  copyFileSync(join(src, 'meta', '0000_snapshot.json'), join(out, 'meta', '0000_snapshot.json'));
  return out;
}

describe('upgrading a device with pending work', () => {
  let server: TestServer;
  const temp = makeTempDir();
  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 20 });
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('migrates a round-1 database and still syncs its outbox exactly once', async () => {
    const login = await postJson<LoginResponse>(`${server.url}/auth/login`, {
      username: 'zhangwei',
      password: 'tidepool123',
    });
    expect(login.status).toBe(200);
    const { user } = login.body;
    const dataDir = join(temp.dir, 'device');
    writeSession(dataDir, {
      serverUrl: server.url,
      token: login.body.token,
      expiresAt: login.body.expiresAt,
      user,
    });
    const [customer] = await server.query(
      `SELECT id, name, level FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL
        ORDER BY id LIMIT 1`,
      [user.id],
    );
    const customerId = String(customer?.id);
    const newLevel = customer?.level === 'D' ? 'C' : 'D';

    // The round-1 app: schema 0000, two pending mutations (protocol 1: the update has no base), and a
    // rejection it had received.
    const file = userDatabaseFile(dataDir, user.id);
    const old = openClientDatabase(file, { migrationsFolder: round1Migrations(temp.dir) });
    expect(old.prepare(`SELECT name FROM sqlite_master WHERE name = 'conflicts'`).get()).toBeUndefined();
    const followUpId = newId();
    const now = Date.now();
    const followUp = {
      id: followUpId,
      customerId,
      contactId: null,
      type: 'visit',
      content: '升级前离线记下的拜访',
      outcome: null,
      occurredAt: now - 3_600_000,
      nextFollowUpAt: null,
    };
    // Mutation 1 was refused long ago (its rejection is below); 2 and 3 wait in the outbox.
    const insertOutbox = old.prepare(
      'INSERT INTO outbox (seq, name, args, effects, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    insertOutbox.run(
      2,
      'logFollowUp',
      JSON.stringify(followUp),
      JSON.stringify([
        {
          kind: 'insert',
          table: 'followUps',
          row: { ...followUp, orgId: user.orgId, authorId: user.id, createdAt: now, updatedAt: now },
        },
      ]),
      now,
    );
    insertOutbox.run(
      3,
      'updateCustomer',
      JSON.stringify({ id: customerId, set: { level: newLevel } }),
      JSON.stringify([{ kind: 'update', table: 'customers', id: customerId, set: { level: newLevel } }]),
      now,
    );
    old
      .prepare(
        'INSERT INTO rejections (mutation_id, name, args, error, created_at, rejected_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        1,
        'createCustomer',
        JSON.stringify({ id: newId(), name: '旧版本被拒绝的客户' }),
        JSON.stringify({ code: 'conflict', message: 'name: 已有同名客户' }),
        now,
        now,
      );
    old.close();

    // The current app opens it: migrations apply, the session restores, the agent syncs.
    const core = await createClientCore({ dataDir, syncIntervalMs: 600_000, pokes: false });
    try {
      const status = await core.syncNow();
      expect(status).toMatchObject({ online: true, pending: 0, rejected: 1, conflicts: 0, lastError: null });
      const migrated = openClientDatabase(file, { migrationsFolder: defaultMigrationsFolder() });
      const applied = migrated.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get();
      migrated.close();
      const journal = JSON.parse(
        readFileSync(join(defaultMigrationsFolder(), 'meta', '_journal.json'), 'utf8'),
      ) as { entries: unknown[] };
      expect(applied).toBe(journal.entries.length);
      expect(journal.entries.length).toBeGreaterThan(1);

      await core.syncNow();
      expect(await server.query('SELECT content FROM follow_ups WHERE id = $1', [followUpId])).toEqual([
        { content: '升级前离线记下的拜访' },
      ]);
      const [after] = await server.query('SELECT level FROM customers WHERE id = $1', [customerId]);
      expect(after?.level).toBe(newLevel);
      const [client] = await server.query(
        'SELECT last_mutation_id::int AS n FROM sync_clients WHERE user_id = $1',
        [user.id],
      );
      expect(client?.n).toBe(3);
      const inbox = await core.handlers['inbox.list']({});
      expect(inbox).toMatchObject([{ kind: 'rejection', rowLabel: '旧版本被拒绝的客户' }]);
      const detail = await core.handlers['customers.get']({ id: customerId });
      expect(detail.followUps.find((f) => f.id === followUpId)).toMatchObject({ pending: false });
    } finally {
      await core.close();
    }
  });
});
