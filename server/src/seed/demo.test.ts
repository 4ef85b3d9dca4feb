import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FOLLOW_UP_TYPES,
  opportunityRowSchema,
  stageChangeRowSchema,
  taskRowSchema,
} from '../../../shared/domain/rows';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import {
  catalogRowSchema,
  templateVersionRowSchema,
  validateAttrs,
  type TemplateVersionRow,
} from '../../../shared/templates';
import { isValidCreditCode, isValidPhone, normalizeCompanyName } from '../../../shared/domain/validators';
import { poolForCustomer, recycleDue, type RecycleFacts } from '../../../shared/pools';
import { loadPools } from '../pools/claim';
import { openTestDatabase, type TestDatabase } from '../testing';
import { clearDatabase, isDatabaseEmpty, seedDemo, type DemoSummary } from './demo';

let test: TestDatabase;
let summary: DemoSummary;
let seedMs = 0;
const now = Date.UTC(2026, 5, 1, 4, 0, 0);

beforeAll(async () => {
  test = await openTestDatabase();
  expect(await isDatabaseEmpty(test.db)).toBe(true);
  const started = performance.now();
  summary = await seedDemo(test.db, { customers: 2000, now });
  seedMs = performance.now() - started;
});
afterAll(async () => {
  await test?.close();
});

const q = (text: string, params?: unknown[]) => test.db.query(text, params);

describe('demo seed', () => {
  it('seeds 2,000 customers with contacts and follow-ups in a few seconds', () => {
    expect(summary.customers).toBe(2000);
    expect(summary.contacts).toBeGreaterThanOrEqual(2000);
    expect(summary.contacts).toBeLessThanOrEqual(6000);
    expect(summary.followUps).toBeGreaterThan(3000);
    expect(seedMs).toBeLessThan(15_000);
    console.info(`seeded ${JSON.stringify(summary)} in ${Math.round(seedMs)} ms (${test.db.kind})`);
  });

  it('creates the demo org, teams and users of the brief', async () => {
    expect(await q('SELECT name, version::int AS version FROM orgs')).toEqual([
      { name: '潮汐贸易演示公司 / Tidepool Demo Co.', version: 1 },
    ]);
    const users = await q(`SELECT u.username, u.display_name, u.role, t.name AS team FROM users u
      LEFT JOIN teams t ON t.id = u.team_id ORDER BY u.username`);
    expect(users).toEqual([
      { username: 'admin', display_name: '系统管理员', role: 'admin', team: null },
      { username: 'lina', display_name: '李娜', role: 'rep', team: '华东一组' },
      { username: 'wangfang', display_name: '王芳', role: 'manager', team: '华东一组' },
      { username: 'zhangwei', display_name: '张伟', role: 'rep', team: '华东一组' },
    ]);
  });

  it('writes realistic, valid customers split between the two reps and the public sea', async () => {
    const customers =
      await q(`SELECT name, name_norm, credit_code, phone, level, region, owner_id, pool_state,
      last_follow_up_at::float8 AS last FROM customers WHERE kind = 'customer'`);
    const byOwner = new Map<unknown, number>();
    for (const c of customers) {
      expect(c.name).toMatch(/^(上海|苏州|昆山|无锡|南京|常州|杭州|宁波|嘉兴|绍兴|温州).+(股份)?有限公司$/);
      expect(c.name_norm).toBe(normalizeCompanyName(String(c.name)));
      expect(isValidCreditCode(String(c.credit_code)), String(c.credit_code)).toBe(true);
      expect(isValidPhone(String(c.phone)), String(c.phone)).toBe(true);
      expect(['A', 'B', 'C', 'D']).toContain(c.level);
      expect(c.region).toMatch(/^(上海市|江苏省|浙江省)/);
      byOwner.set(c.owner_id, (byOwner.get(c.owner_id) ?? 0) + 1);
    }
    expect(byOwner.get(summary.users.zhangwei)).toBeGreaterThan(800);
    expect(byOwner.get(summary.users.lina)).toBeGreaterThan(800);
    expect(byOwner.get(null)).toBeGreaterThan(50);
    expect(byOwner.get(null)).toBeLessThan(250);
    expect(byOwner.get(null)).toBe(summary.publicCustomers);
  });

  it('keeps lastFollowUpAt equal to the latest follow-up, within the last 120 days', async () => {
    const mismatches = await q(`SELECT c.id FROM customers c
      LEFT JOIN (SELECT customer_id, max(occurred_at) AS m FROM follow_ups GROUP BY customer_id) f ON f.customer_id = c.id
      WHERE c.last_follow_up_at IS DISTINCT FROM f.m`);
    expect(mismatches).toEqual([]);
    const [range] = await q(`SELECT min(occurred_at)::float8 AS lo, max(occurred_at)::float8 AS hi,
      count(DISTINCT type)::int AS types FROM follow_ups`);
    expect(Number(range?.lo)).toBeGreaterThan(now - 121 * 24 * 3600 * 1000);
    expect(Number(range?.hi)).toBeLessThanOrEqual(now);
    expect(range?.types).toBe(FOLLOW_UP_TYPES.length - 1);
  });

  it('gives every customer 1–3 contacts with Chinese names and a valid mobile, one primary', async () => {
    const perCustomer = await q(`SELECT count(*)::int AS n, count(*) FILTER (WHERE x.is_primary)::int AS p
      FROM contacts x JOIN customers c ON c.id = x.customer_id WHERE c.kind = 'customer' GROUP BY x.customer_id`);
    expect(perCustomer).toHaveLength(2000);
    for (const row of perCustomer) {
      expect(Number(row.n)).toBeGreaterThanOrEqual(1);
      expect(Number(row.n)).toBeLessThanOrEqual(3);
      expect(row.p).toBe(1);
    }
    for (const c of await q('SELECT name, phone FROM contacts LIMIT 200')) {
      expect(c.name).toMatch(/^[\u4e00-\u9fa5]{2,3}$/);
      expect(isValidPhone(String(c.phone))).toBe(true);
    }
  });

  it('gives the org its default settings', async () => {
    const [row] = await q(`SELECT id, org_id, stages, follow_up_types, lost_reasons,
      follow_up_edit_window_hours AS hours FROM settings`);
    expect(row).toEqual({
      id: summary.orgId,
      org_id: summary.orgId,
      stages: DEFAULT_SETTINGS.stages,
      follow_up_types: DEFAULT_SETTINGS.followUpTypes,
      lost_reasons: DEFAULT_SETTINGS.lostReasons,
      hours: DEFAULT_SETTINGS.followUpEditWindowHours,
    });
  });

  it('keeps phone numbers unique among customers, as the unique index demands', async () => {
    const [dupes] = await q(`SELECT count(*)::int AS n FROM (SELECT phone_norm FROM customers
      WHERE kind = 'customer' GROUP BY phone_norm HAVING count(*) > 1) d`);
    expect(dupes?.n).toBe(0);
    const [missing] = await q(
      `SELECT count(*)::int AS n FROM customers WHERE phone IS NOT NULL AND phone_norm IS NULL`,
    );
    expect(missing?.n).toBe(0);
  });

  it('seeds ~400 opportunities in every stage, on the reps’ private customers, with their stage history', async () => {
    const opportunities = await q(`SELECT o.id, o.org_id AS "orgId", o.customer_id AS "customerId",
        o.owner_id AS "ownerId", o.name, o.amount_minor::float8 AS "amountMinor", o.currency,
        o.stage_key AS "stageKey", o.status, o.expected_close_at::float8 AS "expectedCloseAt",
        o.lost_reason AS "lostReason", o.closed_at::float8 AS "closedAt", o.created_at::float8 AS "createdAt",
        o.updated_at::float8 AS "updatedAt", o.version::float8 AS version, o.attrs,
        o.template_version_id AS "templateVersionId",
        c.owner_id AS "customerOwner", c.pool_state AS pool, c.kind
      FROM opportunities o JOIN customers c ON c.id = o.customer_id`);
    expect(opportunities.length).toBe(summary.opportunities);
    expect(opportunities.length).toBeGreaterThan(340);
    expect(opportunities.length).toBeLessThan(460);
    const stages = new Set(opportunities.map((o) => o.stageKey));
    expect([...stages].sort()).toEqual(DEFAULT_SETTINGS.stages.map((s) => s.key).sort());
    for (const { customerOwner, pool, kind, ...o } of opportunities) {
      opportunityRowSchema.strict().parse(o);
      expect(o.ownerId).toBe(customerOwner);
      expect(pool).toBe('private');
      expect(kind).toBe('customer');
      expect(o.currency).toBe('CNY');
      expect(Number(o.amountMinor) % 100).toBe(0);
      const stage = DEFAULT_SETTINGS.stages.find((s) => s.key === o.stageKey);
      expect(o.status).toBe(stage?.kind);
      expect(o.closedAt === null).toBe(o.status === 'open');
      expect(o.lostReason !== null).toBe(o.status === 'lost');
    }
    // The history starts from nothing, ends in the current stage, and moves forward in time.
    const changes = await q(`SELECT s.id, s.org_id AS "orgId", s.customer_id AS "customerId",
        s.opportunity_id AS "opportunityId", s.from_stage AS "fromStage", s.to_stage AS "toStage",
        s.changed_by AS "changedBy", s.changed_at::float8 AS "changedAt", s.created_at::float8 AS "createdAt",
        s.updated_at::float8 AS "updatedAt", s.version::float8 AS version
      FROM stage_changes s ORDER BY s.opportunity_id, s.changed_at`);
    const byOpportunity = new Map<unknown, Record<string, unknown>[]>();
    for (const change of changes) {
      stageChangeRowSchema.strict().parse(change);
      byOpportunity.set(change.opportunityId, [...(byOpportunity.get(change.opportunityId) ?? []), change]);
    }
    for (const o of opportunities) {
      const path = byOpportunity.get(o.id) ?? [];
      expect(path[0]?.fromStage).toBeNull();
      expect(path.at(-1)?.toStage).toBe(o.stageKey);
      for (let i = 1; i < path.length; i++) {
        expect(path[i]?.fromStage).toBe(path[i - 1]?.toStage);
        expect(Number(path[i]?.changedAt)).toBeGreaterThan(Number(path[i - 1]?.changedAt));
      }
      expect(Number(path.at(-1)?.changedAt)).toBeLessThanOrEqual(now);
    }
    // A follow-up that names an opportunity names one of its own customer.
    const [stray] =
      await q(`SELECT count(*)::int AS n FROM follow_ups f JOIN opportunities o ON o.id = f.opportunity_id
      WHERE o.customer_id <> f.customer_id`);
    expect(stray?.n).toBe(0);
  });

  it('plans open tasks for each rep around the seed clock: overdue, due today, this week', async () => {
    const startOfToday = new Date(now).setHours(0, 0, 0, 0);
    const day = 24 * 3600 * 1000;
    for (const rep of [summary.users.zhangwei, summary.users.lina]) {
      const tasks = await q(
        `SELECT t.id, t.org_id AS "orgId", t.customer_id AS "customerId", t.assignee_id AS "assigneeId", t.title,
          t.type, t.due_at::float8 AS "dueAt", t.origin, t.status, t.source_follow_up_id AS "sourceFollowUpId",
          t.done_follow_up_id AS "doneFollowUpId", t.done_at::float8 AS "doneAt", t.created_by AS "createdBy",
          t.created_at::float8 AS "createdAt", t.updated_at::float8 AS "updatedAt", t.version::float8 AS version,
          c.owner_id AS "customerOwner"
        FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE t.assignee_id = $1`,
        [rep],
      );
      const due = (from: number, to: number) =>
        tasks.filter((t) => Number(t.dueAt) >= from && Number(t.dueAt) < to).length;
      expect(due(0, startOfToday)).toBeGreaterThanOrEqual(3);
      expect(due(startOfToday, startOfToday + day)).toBeGreaterThanOrEqual(3);
      expect(due(startOfToday + day, startOfToday + 8 * day)).toBeGreaterThanOrEqual(5);
      for (const { customerOwner, ...task } of tasks) {
        taskRowSchema.strict().parse(task);
        expect(task.status).toBe('open');
        expect(customerOwner).toBe(rep);
        expect(Number(task.createdAt)).toBeLessThanOrEqual(now);
      }
    }
  });

  it('seeds ~120 leads with a primary contact, various statuses and some follow-ups', async () => {
    const leads = await q(`SELECT c.id, c.lead_status, c.credit_code, c.owner_id, c.pool_state,
        (SELECT count(*)::int FROM contacts x WHERE x.customer_id = c.id AND x.is_primary) AS primaries,
        (SELECT count(*)::int FROM follow_ups f WHERE f.customer_id = c.id) AS follow_ups
      FROM customers c WHERE c.kind = 'lead'`);
    expect(leads).toHaveLength(120);
    expect(summary.leads).toBe(120);
    expect(new Set(leads.map((l) => l.lead_status))).toEqual(
      new Set(['new', 'contacted', 'qualified', 'disqualified']),
    );
    for (const lead of leads) {
      expect(lead.primaries).toBe(1);
      expect(lead.credit_code).toBeNull();
      expect(lead.pool_state).toBe('private');
      expect([summary.users.zhangwei, summary.users.lina]).toContain(lead.owner_id);
      if (lead.lead_status === 'new') expect(lead.follow_ups).toBe(0);
      else expect(Number(lead.follow_ups)).toBeGreaterThan(0);
    }
  });

  it('records how every customer got where it is: an initial assignment, and a release for the public sea', async () => {
    const history = await q(`SELECT c.pool_state, c.owner_id,
        array_agg(h.reason ORDER BY h.at) AS reasons, array_agg(h.actor_type ORDER BY h.at) AS actors,
        (array_agg(h.to_owner_id ORDER BY h.at DESC))[1] AS last_to,
        (array_agg(h.to_pool_state ORDER BY h.at DESC))[1] AS last_pool
      FROM customers c JOIN ownership_history h ON h.customer_id = c.id GROUP BY c.id`);
    expect(history).toHaveLength(2120);
    for (const h of history) {
      const reasons = h.reasons as string[];
      expect(reasons[0]).toBe('初始分配');
      expect(['user', 'rule']).toContain((h.actors as string[])[0]);
      expect(h.last_to).toBe(h.owner_id);
      expect(h.last_pool).toBe(h.pool_state);
      expect(reasons).toHaveLength(h.pool_state === 'public' ? 2 : 1);
    }
  });

  it('publishes a template per entity over a bilingual catalog, and every record’s values are valid under its version', async () => {
    const [catalogRow] = await q(`SELECT id, org_id AS "orgId", option_lists AS "optionLists", fields,
      updated_at::float8 AS "updatedAt", version::float8 AS version FROM catalogs`);
    const catalog = catalogRowSchema.parse(catalogRow);
    expect(catalog.id).toBe(summary.orgId);
    expect(catalog.optionLists.length).toBeGreaterThanOrEqual(5);
    expect(catalog.fields.length).toBeGreaterThanOrEqual(12);
    // Many types, each label in both languages.
    expect(new Set(catalog.fields.map((f) => f.type)).size).toBeGreaterThanOrEqual(12);
    for (const f of catalog.fields) expect(f.labelZh).toMatch(/\p{Script=Han}/u);

    const versions = (
      await q(`SELECT id, org_id AS "orgId", template_id AS "templateId", entity, category, number,
        name_zh AS "nameZh", name_en AS "nameEn", sections, fields, published_at::float8 AS "publishedAt",
        published_by AS "publishedBy", created_at::float8 AS "createdAt", updated_at::float8 AS "updatedAt",
        version::float8 AS version FROM template_versions`)
    ).map((v) => templateVersionRowSchema.parse(v));
    expect(versions.map((v) => `${v.entity}/${v.category ?? ''}`).sort()).toEqual([
      'contact/',
      'customer/',
      'customer/机械制造',
      'followUp/',
      'lead/',
      'opportunity/',
    ]);
    const customer = versions.find((v) => v.entity === 'customer' && v.category === null);
    expect(customer?.sections.length).toBeGreaterThanOrEqual(2);
    // 上市代码 shows only for a listed company, inside its section.
    const stockCode = customer?.sections.flatMap((s) => s.fields).find((f) => f.field === 'stock_code');
    expect(stockCode?.visibleWhen).toEqual({ field: 'is_listed', op: 'eq', value: true });
    expect(await q(`SELECT count(*)::int AS n FROM templates WHERE published_number = 1`)).toEqual([
      { n: 6 },
    ]);

    const byId = new Map<string, TemplateVersionRow>(versions.map((v) => [v.id, v]));
    const users = new Set(Object.values(summary.users));
    let checked = 0;
    let valued = 0;
    for (const table of ['customers', 'contacts', 'follow_ups', 'opportunities']) {
      const rows = await q(`SELECT attrs, template_version_id AS v FROM ${table}`);
      for (const row of rows) {
        const version = byId.get(String(row.v));
        expect(version, `${table} names a published version`).toBeDefined();
        const attrs = row.attrs as Record<string, unknown>;
        const verdict = validateAttrs(version as TemplateVersionRow, attrs, {
          optionLists: catalog.optionLists,
          userExists: (id) => users.has(id),
        });
        expect(verdict, JSON.stringify(attrs)).toMatchObject({ ok: true, values: attrs });
        checked++;
        if (Object.keys(attrs).length > 0) valued++;
      }
    }
    expect(valued / checked).toBeGreaterThan(0.6);
    // Listed companies have distinct stock codes (a unique field).
    const codes = await q(`SELECT attrs->>'stock_code' AS code FROM customers WHERE attrs ? 'stock_code'`);
    expect(codes.length).toBeGreaterThan(20);
    expect(new Set(codes.map((c) => c.code)).size).toBe(codes.length);
  });

  it('gives the org its pools, with rules every device can parse: a default per kind and a second region', async () => {
    const pools = await loadPools(test.db, summary.orgId);
    expect(pools.map((p) => [p.kind, p.nameZh, p.nameEn, p.isDefault, p.active])).toEqual([
      ['customer', '华东公海', 'East China public sea', true, true],
      ['customer', '华南公海', 'South China public sea', false, true],
      ['lead', '线索池', 'Lead pool', true, true],
    ]);
    const teams = await q(`SELECT id, name FROM teams`);
    const eastTeams = teams.filter((t) => String(t.name).startsWith('华东')).map((t) => t.id);
    const [east, south] = pools;
    expect(east?.teamIds.sort()).toEqual(eastTeams.sort());
    expect(south?.teamIds).toEqual([]);
    expect(east?.recycle.rules.map((r) => r.kind)).toEqual(['noFollowUp', 'deregistered']);
    // Claims of the seeded public sea are possible: no protection, limits above what the reps hold.
    expect(east?.claim).toMatchObject({ protectNewDays: 0, maxClaimsPerDay: 20, reclaimCooldownDays: 7 });
    const [held] = await q(`SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM customers
      WHERE pool_state = 'private' AND kind = 'customer' GROUP BY owner_id) x`);
    expect(Number(held?.n)).toBeLessThan(east?.claim.maxPerUser ?? 0);
    // Public customers sit in the East China pool since they were released, with who had them.
    const publics =
      await q(`SELECT c.pool_id, c.entered_pool_at::float8 AS entered, c.previous_owner_id AS previous,
        h.at::float8 AS at, h.from_owner_id AS from_owner, h.action, h.pool_id AS history_pool
      FROM customers c JOIN ownership_history h ON h.customer_id = c.id AND h.to_pool_state = 'public'
      WHERE c.pool_state = 'public'`);
    expect(publics).toHaveLength(summary.publicCustomers);
    for (const p of publics) {
      expect(p.pool_id).toBe(summary.pools.eastChina);
      expect(p.history_pool).toBe(summary.pools.eastChina);
      expect(p.entered).toBe(p.at);
      expect(p.previous).toBe(p.from_owner);
      expect(['release', 'recycle']).toContain(p.action);
    }
  });

  it('leaves only a handful of each rep’s records due to recycle, and a few inside the warning window', async () => {
    const pools = await loadPools(test.db, summary.orgId);
    const rows = await q(
      `SELECT c.id, c.kind, c.owner_id AS owner, u.team_id AS team, c.level, c.status,
        c.claimed_at::float8 AS "claimedAt", c.last_follow_up_at::float8 AS "lastFollowUpAt",
        c.last_deal_at::float8 AS "lastDealAt", c.locked, c.deregistered_at::float8 AS "deregisteredAt",
        (SELECT min(o.created_at)::float8 FROM opportunities o WHERE o.customer_id = c.id AND o.created_at >= c.claimed_at) AS "firstOpportunityAfterClaimAt",
        (SELECT min(o.closed_at)::float8 FROM opportunities o WHERE o.customer_id = c.id AND o.status = 'won' AND o.closed_at >= c.claimed_at) AS "firstWinAfterClaimAt",
        (SELECT max(array_position($1::text[], o.stage_key)) - 1 FROM opportunities o WHERE o.customer_id = c.id AND o.status = 'open') AS "maxOpenStageOrder"
      FROM customers c JOIN users u ON u.id = c.owner_id WHERE c.pool_state = 'private'`,
      [DEFAULT_SETTINGS.stages.map((s) => s.key)],
    );
    const tally = new Map<string, number>();
    const add = (key: string) => tally.set(key, (tally.get(key) ?? 0) + 1);
    for (const { id: _id, kind, owner, team, ...facts } of rows) {
      const pool = poolForCustomer(pools, { kind: kind as 'customer', poolId: null }, team as string);
      expect(pool?.kind).toBe(kind);
      const stage = pool?.recycle.exemptions.openOpportunityFromStage ?? null;
      const order = stage === null ? null : DEFAULT_SETTINGS.stages.findIndex((s) => s.key === stage);
      const verdict = recycleDue(pool!.recycle, facts as unknown as RecycleFacts, order);
      if (verdict.exempt) add(`${kind}:exempt`);
      else if (verdict.dueAt !== null && verdict.dueAt <= now) add(`${owner}:${kind}:due`);
      else if (verdict.warnAt !== null && verdict.warnAt <= now) add(`${owner}:${kind}:warned`);
    }
    console.info(
      `recycling after seeding: ${JSON.stringify(Object.fromEntries(tally))}, ${summary.keptAlive} kept alive`,
    );
    for (const rep of [summary.users.zhangwei, summary.users.lina]) {
      expect(tally.get(`${rep}:customer:due`)).toBeGreaterThanOrEqual(1);
      expect(tally.get(`${rep}:customer:due`)).toBeLessThanOrEqual(5);
      expect(tally.get(`${rep}:customer:warned`)).toBeGreaterThanOrEqual(2);
      expect(tally.get(`${rep}:customer:warned`)).toBeLessThanOrEqual(8);
      expect(tally.get(`${rep}:lead:due`) ?? 0).toBeLessThanOrEqual(4);
    }
    // Exemptions keep many: bought from, or a deal in negotiation.
    expect(tally.get('customer:exempt')).toBeGreaterThan(300);
    // Deregistered companies are dated, inside the 30-day rule.
    const [deregistered] = await q(`SELECT count(*)::int AS n, min(deregistered_at)::float8 AS lo,
      count(*) FILTER (WHERE deregistered_at IS NULL)::int AS undated FROM customers WHERE status = 'deregistered'`);
    expect(Number(deregistered?.n)).toBeGreaterThan(20);
    expect(deregistered?.undated).toBe(0);
    expect(Number(deregistered?.lo)).toBeGreaterThan(now - 21 * 24 * 3600 * 1000);
    // The demo ERP's key is there (reactivation events).
    expect(await q(`SELECT name FROM org_api_keys WHERE org_id = $1`, [summary.orgId])).toHaveLength(1);
  });

  it('is deterministic and can be reset', async () => {
    const before = await q('SELECT name FROM customers ORDER BY name LIMIT 5');
    await clearDatabase(test.db);
    expect(await isDatabaseEmpty(test.db)).toBe(true);
    await seedDemo(test.db, { customers: 2000, now });
    expect(await q('SELECT name FROM customers ORDER BY name LIMIT 5')).toEqual(before);
  });
});
