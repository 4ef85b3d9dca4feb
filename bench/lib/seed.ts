import type pg from 'pg';
import { DEFAULT_SETTINGS } from '../../shared/domain/settings';
import { hashPassword } from '../../server/src/auth/passwords';
import { DEMO_PASSWORD } from '../../server/src/seed/demo';

/** Every bench user's password (the demo's, so a bench database can be explored with the app). */
export const BENCH_PASSWORD = DEMO_PASSWORD;
const DAY = 24 * 60 * 60 * 1000;

export type BenchRep = { id: string; username: string };
export type BenchOrg = {
  orgId: string;
  teamId: string;
  manager: BenchRep;
  reps: BenchRep[];
  customers: number;
  contacts: number;
  followUps: number;
};

export type BenchOrgShape = {
  reps: number;
  customersPerRep: number;
  contactsPerCustomer: number;
  followUpsPerCustomer: number;
  now?: number;
};

/**
 * Seeds one org for a benchmark straight in SQL (`generate_series`, one INSERT … SELECT per table), which
 * PostgreSQL runs at its own bulk speed: 650k rows in seconds, where the demo seeder's JSON batches would
 * take minutes. Shape: one team; a manager `manager` and reps `rep0001…` in it, all with BENCH_PASSWORD;
 * every rep owns `customersPerRep` private-sea customers, each with its contacts and follow-ups and an
 * ownership-history row, all at version 1 like the demo seed; the org has the default settings. Rows are
 * synthetic but valid for the shared row schemas (a pull checks every row it receives).
 *
 * Columns that only some server schemas have are filled when present (the server's migrations decide):
 * `phone_norm` (protocol 3's phone uniqueness key) and the `settings` table. Everything else new is
 * nullable or has a default (`customers.kind` = 'customer').
 */
export async function seedBenchOrg(pool: pg.Pool, shape: BenchOrgShape): Promise<BenchOrg> {
  const now = shape.now ?? Date.now();
  const since = now - 400 * DAY;
  // One scrypt hash for everyone: the salt is per hash, not per user, and 200 hashes would take seconds.
  const hash = await hashPassword(BENCH_PASSWORD);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const [org] = (
      await client.query<{ id: string }>(
        `INSERT INTO orgs (id, name, version, created_at) VALUES (gen_random_uuid(), '潮汐基准测试公司', 1, $1) RETURNING id`,
        [since],
      )
    ).rows;
    const orgId = org!.id;
    const [team] = (
      await client.query<{ id: string }>(
        `INSERT INTO teams (id, org_id, parent_id, name, created_at) VALUES (gen_random_uuid(), $1, NULL, '销售部', $2) RETURNING id`,
        [orgId, since],
      )
    ).rows;
    const teamId = team!.id;
    await client.query(
      `INSERT INTO users (id, org_id, team_id, username, display_name, role, password_hash, active, created_at, updated_at, version)
       SELECT gen_random_uuid(), $1, $2, u.username, u.display_name, u.role, $3, true, $4, $4, 1
       FROM (SELECT 'manager' AS username, '王经理' AS display_name, 'manager' AS role
             UNION ALL
             SELECT 'rep' || lpad(g::text, 4, '0'), '销售' || g, 'rep' FROM generate_series(1, $5::int) g) u`,
      [orgId, teamId, hash, since, shape.reps],
    );
    const customerColumns = new Set(
      (
        await client.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_name = 'customers'`,
        )
      ).rows.map((r) => r.column_name),
    );
    const hasSettings =
      (await client.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'settings'`))
        .rowCount === 1;
    if (hasSettings) {
      await client.query(
        `INSERT INTO settings (id, org_id, stages, follow_up_types, lost_reasons, follow_up_edit_window_hours,
           updated_at, version)
         VALUES ($1, $1, $2, $3, $4, $5, $6, 1)`,
        [
          orgId,
          JSON.stringify(DEFAULT_SETTINGS.stages),
          JSON.stringify(DEFAULT_SETTINGS.followUpTypes),
          JSON.stringify(DEFAULT_SETTINGS.lostReasons),
          DEFAULT_SETTINGS.followUpEditWindowHours,
          since,
        ],
      );
    }
    await client.query(
      `INSERT INTO customers (id, org_id, name, name_norm, short_name, credit_code, industry, region, address, phone,
         website, source, status, level, owner_id, pool_state, claimed_at, last_follow_up_at, last_deal_at, attrs,
         created_at, updated_at, version, deleted_at)
       SELECT gen_random_uuid(), $1, '上海' || r.username || '精密机械' || g || '有限公司', r.username || '精密机械' || g,
         '精密' || g, NULL, (ARRAY['机械制造','电子元器件','新能源','医疗器械','食品饮料'])[g % 5 + 1], '上海',
         '上海市浦东新区张江路' || g || '号', '138' || lpad(((r.i * $2 + g) % 100000000)::text, 8, '0'),
         NULL, '展会', 'active', (ARRAY['A','B','C','D'])[g % 4 + 1], r.id, 'private', $3::bigint + g::bigint * 1000,
         $4::bigint - (g % 90)::bigint * ${DAY}, NULL, '{}'::jsonb, $3::bigint + g::bigint * 1000, $4, 1, NULL
       FROM (SELECT id, username, row_number() OVER (ORDER BY username) - 1 AS i
             FROM users WHERE org_id = $1 AND role = 'rep') r
       CROSS JOIN generate_series(1, $2::int) g`,
      [orgId, shape.customersPerRep, since, now],
    );
    // The phones above are already normalised (11 digits), so the uniqueness key is the phone itself.
    if (customerColumns.has('phone_norm'))
      await client.query(`UPDATE customers SET phone_norm = phone WHERE org_id = $1`, [orgId]);
    await client.query(
      `INSERT INTO contacts (id, org_id, customer_id, name, title, phone, email, wechat, is_primary, created_at,
         updated_at, version, deleted_at)
       SELECT gen_random_uuid(), c.org_id, c.id, (ARRAY['张','李','王','赵','陈'])[k % 5 + 1] || '经理' || k, '采购经理',
         '139' || lpad(((hashtext(c.id::text) & 2147483647) % 100000000)::text, 8, '0'),
         'buyer' || k || '@example.com.cn', NULL, k = 1, c.created_at, c.created_at, 1, NULL
       FROM customers c CROSS JOIN generate_series(1, $2::int) k WHERE c.org_id = $1`,
      [orgId, shape.contactsPerCustomer],
    );
    await client.query(
      `INSERT INTO follow_ups (id, org_id, customer_id, contact_id, author_id, type, content, outcome, occurred_at,
         next_follow_up_at, created_at, updated_at, version, deleted_at)
       SELECT gen_random_uuid(), c.org_id, c.id, NULL, c.owner_id,
         (ARRAY['visit','call','wechat','email','meeting'])[k % 5 + 1],
         '第' || k || '次跟进：与客户沟通年度采购计划，对方要求下周提供正式报价单。', '客户有意向',
         $2::bigint - k::bigint * ${DAY}, NULL, $2::bigint - k::bigint * ${DAY}, $2::bigint - k::bigint * ${DAY}, 1, NULL
       FROM customers c CROSS JOIN generate_series(1, $3::int) k WHERE c.org_id = $1`,
      [orgId, now, shape.followUpsPerCustomer],
    );
    await client.query(
      `INSERT INTO ownership_history (id, org_id, customer_id, from_owner_id, to_owner_id, from_pool_state,
         to_pool_state, actor_type, actor_id, reason, at, version)
       SELECT gen_random_uuid(), c.org_id, c.id, NULL, c.owner_id, NULL, 'private', 'user', c.owner_id, '新建客户',
         c.claimed_at, 1
       FROM customers c WHERE c.org_id = $1`,
      [orgId],
    );
    await client.query('COMMIT');
    // Fresh planner statistics, as the demo seeder does: the pull's joins are planned for empty tables
    // otherwise.
    await client.query('ANALYZE');
    const users = (
      await client.query<{ id: string; username: string; role: string }>(
        `SELECT id, username, role FROM users WHERE org_id = $1 ORDER BY username`,
        [orgId],
      )
    ).rows;
    const manager = users.find((u) => u.role === 'manager');
    if (!manager) throw new Error('seed: no manager');
    const customers = shape.reps * shape.customersPerRep;
    return {
      orgId,
      teamId,
      manager: { id: manager.id, username: manager.username },
      reps: users.filter((u) => u.role === 'rep').map((u) => ({ id: u.id, username: u.username })),
      customers,
      contacts: customers * shape.contactsPerCustomer,
      followUps: customers * shape.followUpsPerCustomer,
    };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** The customers of the org by owner, ordered by id (what a rep's device would list). */
export async function customersByOwner(pool: pg.Pool, orgId: string): Promise<Map<string, string[]>> {
  const { rows } = await pool.query<{ id: string; owner_id: string }>(
    `SELECT id, owner_id FROM customers WHERE org_id = $1 AND deleted_at IS NULL ORDER BY id`,
    [orgId],
  );
  const byOwner = new Map<string, string[]>();
  for (const r of rows) {
    const list = byOwner.get(r.owner_id) ?? [];
    list.push(r.id);
    byOwner.set(r.owner_id, list);
  }
  return byOwner;
}
