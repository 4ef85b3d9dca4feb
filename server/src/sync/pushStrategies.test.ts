import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../../../shared/sync/protocol';
import { PROTOCOL_VERSION, type PushResponse } from '../../../shared/sync/protocol';
import type { ServerDb } from '../db/database';
import { clearDatabase, seedDemo } from '../seed/demo';
import { openTestDatabase, type TestDatabase } from '../testing';
import { handlePush, type PushStrategy } from './push';

/**
 * The batched push (sync/batch.ts) must decide exactly what the one-savepoint-per-mutation reference
 * decides: same acknowledgements, same rejections, same rows. Random mutation streams from three devices
 * (a rep, their manager, an admin) with duplicate ids, duplicate names, other reps' customers, invalid
 * args and dangling references — and the working day's opportunities, stage moves, tasks completed by
 * follow-ups, claims from the public sea, leads and their conversion, follow-up deletions and settings
 * edits (a config row the fast path leaves to the slow one), and business attributes with a unique field
 * whose values collide within and across pushes — are pushed to two identically seeded databases, one
 * per strategy. Transfers and claims move the customers' open work with them.
 */
const NOW = Date.UTC(2026, 2, 1, 3, 0, 0);
const CLIENTS = {
  zhangwei: '01900000-0000-7000-8000-00000000000a',
  wangfang: '01900000-0000-7000-8000-00000000000b',
  admin: '01900000-0000-7000-8000-00000000000c',
};
type DeviceName = keyof typeof CLIENTS;
const uuid = (n: number) => `01900000-0000-7000-8000-${n.toString(16).padStart(12, '0')}`;

let a: TestDatabase;
let b: TestDatabase;
beforeAll(async () => {
  [a, b] = await Promise.all([openTestDatabase(), openTestDatabase()]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
});

type World = {
  customers: string[];
  names: string[];
  /** Seeded opportunities and tasks (with their customer), then ids the stream creates. */
  opportunities: { id: string; customerId: string }[];
  tasks: { id: string; customerId: string }[];
  users: Record<string, SessionUser>;
  userIds: Record<string, string>;
  /** Published template versions by entity (the demo's default ones). */
  versions: Record<string, string>;
};

async function reset(db: ServerDb): Promise<World> {
  await clearDatabase(db);
  await seedDemo(db, { customers: 8, now: NOW });
  // One customer waits in the public sea, to be claimed (8 seeded customers are all private).
  await db.query(`UPDATE customers SET owner_id = NULL, pool_state = 'public', claimed_at = NULL
    WHERE id = (SELECT id FROM customers WHERE kind = 'customer' ORDER BY id DESC LIMIT 1)`);
  const customers = (await db.query('SELECT id, name FROM customers ORDER BY id')) as {
    id: string;
    name: string;
  }[];
  const children = async (table: string) =>
    (await db.query(`SELECT id, customer_id AS "customerId" FROM ${table} ORDER BY id`)) as {
      id: string;
      customerId: string;
    }[];
  const users =
    await db.query(`SELECT id, org_id AS "orgId", team_id AS "teamId", username, display_name AS "displayName", role
    FROM users WHERE username IN ('zhangwei', 'wangfang', 'admin')`);
  return {
    customers: customers.map((c) => c.id),
    names: customers.map((c) => c.name),
    opportunities: await children('opportunities'),
    tasks: await children('tasks'),
    users: Object.fromEntries(users.map((u) => [String(u.username), u as SessionUser])),
    userIds: Object.fromEntries(
      (await db.query('SELECT id, username FROM users')).map((u) => [String(u.username), String(u.id)]),
    ),
    versions: Object.fromEntries(
      (await db.query('SELECT id, entity FROM template_versions WHERE category IS NULL')).map((v) => [
        String(v.entity),
        String(v.id),
      ]),
    ),
  };
}

async function dump(db: ServerDb) {
  const tables = {
    customers: 'SELECT * FROM customers ORDER BY id',
    contacts: 'SELECT * FROM contacts ORDER BY id',
    followUps: 'SELECT * FROM follow_ups ORDER BY id',
    rejections:
      'SELECT client_id, mutation_id, name, args, error FROM mutation_rejections ORDER BY client_id, mutation_id',
    clients: 'SELECT client_id, last_mutation_id FROM sync_clients ORDER BY client_id',
    org: 'SELECT version FROM orgs',
    // History ids are fresh UUIDs on each side; everything else must match.
    history: `SELECT customer_id, from_owner_id, to_owner_id, from_pool_state, to_pool_state, actor_type,
      actor_id, reason, at, version FROM ownership_history ORDER BY version, customer_id`,
    conflicts: 'SELECT * FROM sync_conflicts ORDER BY client_id, mutation_id, field',
    settings: 'SELECT * FROM settings',
    opportunities: 'SELECT * FROM opportunities ORDER BY id',
    stageChanges: 'SELECT * FROM stage_changes ORDER BY id',
    tasks: 'SELECT * FROM tasks ORDER BY id',
  };
  const out: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(tables)) out[name] = await db.query(text);
  return out;
}

/** A mutation described by indexes into small pools, so collisions are frequent. */
const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), id: fc.nat(5), name: fc.nat(9) }),
  fc.record({
    kind: fc.constant('log' as const),
    id: fc.nat(12),
    customer: fc.nat(13),
    content: fc.constantFrom('电话沟通报价', '上门拜访', '', '  '),
    contact: fc.constantFrom('none', 'dangling'),
    minutesAgo: fc.integer({ min: -3000, max: 500 }),
  }),
  fc.record({
    kind: fc.constant('update' as const),
    customer: fc.nat(13),
    set: fc.constantFrom<Record<string, unknown>>(
      { level: 'A' },
      { status: 'dormant' },
      { status: 'gone' },
      {},
      { phone: '021-68881234' },
      { phone: '12345' },
      { ownerId: uuid(1) },
      { name: 'N0' },
      { name: 'N3' },
    ),
  }),
  fc.record({
    kind: fc.constant('merge' as const),
    customer: fc.nat(13),
    field: fc.constantFrom('industry', 'region'),
    value: fc.constantFrom('化工', '机械制造', null),
    base: fc.constantFrom('化工', '机械制造', null),
  }),
  fc.record({
    kind: fc.constant('transfer' as const),
    customer: fc.nat(13),
    to: fc.constantFrom('zhangwei', 'lina', 'wangfang', 'admin'),
  }),
  fc.constant({ kind: 'unknown' as const }),
  // Protocol 3: the working day.
  fc.record({
    kind: fc.constant('opportunity' as const),
    id: fc.nat(4),
    customer: fc.nat(13),
    stage: fc.constantFrom('discovery', 'won', 'nope'),
  }),
  fc.record({
    kind: fc.constant('stage' as const),
    opportunity: fc.nat(9),
    to: fc.constantFrom('needs', 'won', 'lost', 'nope'),
    reason: fc.constantFrom(null, 'price'),
    change: fc.nat(6),
  }),
  fc.record({
    kind: fc.constant('task' as const),
    id: fc.nat(4),
    customer: fc.nat(13),
    assignee: fc.constantFrom('zhangwei', 'lina'),
  }),
  fc.record({
    kind: fc.constant('logTask' as const),
    id: fc.nat(12),
    task: fc.nat(12),
    next: fc.nat(4),
  }),
  fc.record({ kind: fc.constant('claim' as const), customer: fc.nat(13) }),
  fc.record({ kind: fc.constant('lead' as const), id: fc.nat(5), name: fc.nat(9) }),
  fc.record({ kind: fc.constant('convert' as const), customer: fc.nat(13) }),
  fc.record({ kind: fc.constant('deleteFollowUp' as const), id: fc.nat(12), customer: fc.nat(13) }),
  fc.record({ kind: fc.constant('settings' as const), hours: fc.constantFrom(0, 48) }),
  // Protocol 4: business attributes, with a unique field (上市代码) whose values collide often.
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('attrs' as const),
      customer: fc.nat(13),
      code: fc.constantFrom('600001', '600002', '000003', 'bad'),
      listed: fc.boolean(),
      version: fc.constantFrom('customer', 'customer', 'contact', 'missing'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('createWithAttrs' as const),
      id: fc.nat(5),
      name: fc.nat(9),
      code: fc.constantFrom('600001', '600002'),
    }),
  },
);

const streamArb = fc.array(
  fc.record({
    device: fc.constantFrom<DeviceName>('zhangwei', 'wangfang', 'zhangwei', 'wangfang', 'admin'),
    mutation: mutationArb,
    cut: fc.boolean(),
  }),
  { minLength: 1, maxLength: 30 },
);

type MutationSpec = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never;
type Stream = typeof streamArb extends fc.Arbitrary<infer T> ? T : never;

function toArgs(world: World, m: MutationSpec) {
  // Pools: seeded customers (own, the other rep's, public) and customers created by the stream.
  const customer = (i: number) => world.customers[i] ?? uuid(100 + (i - world.customers.length));
  const name = (i: number) => (i < 3 ? (world.names[i] ?? 'X') : `苏州测试${i}号精密机械有限公司`);
  switch (m.kind) {
    case 'create':
      return { name: 'createCustomer', args: { id: uuid(100 + m.id), name: name(m.name) } };
    case 'log':
      return {
        name: 'logFollowUp',
        args: {
          id: uuid(500 + m.id),
          customerId: customer(m.customer),
          type: 'call',
          content: m.content,
          occurredAt: NOW - m.minutesAgo * 60_000,
          ...(m.contact === 'dangling' ? { contactId: uuid(999) } : {}),
        },
      };
    case 'update': {
      const set = { ...m.set };
      if (typeof set.name === 'string') set.name = name(Number(set.name.slice(1)));
      return { name: 'updateCustomer', args: { id: customer(m.customer), set } };
    }
    case 'merge':
      return {
        name: 'updateCustomer',
        args: { id: customer(m.customer), set: { [m.field]: m.value }, base: { [m.field]: m.base } },
      };
    case 'transfer':
      return {
        name: 'transferCustomer',
        args: { customerId: customer(m.customer), toUserId: world.userIds[m.to] ?? uuid(7), reason: '调整' },
      };
    case 'opportunity':
      return {
        name: 'createOpportunity',
        args: {
          id: uuid(300 + m.id),
          customerId: customer(m.customer),
          stageChangeId: uuid(320 + m.id),
          name: '扩产项目',
          amountMinor: 100_000_00,
          stageKey: m.stage,
        },
      };
    case 'stage': {
      const seeded = world.opportunities[m.opportunity];
      const created = m.opportunity - world.opportunities.length;
      return {
        name: 'moveOpportunityStage',
        args: {
          id: seeded?.id ?? uuid(300 + created),
          customerId: seeded?.customerId ?? customer(created),
          toStage: m.to,
          lostReason: m.reason,
          stageChangeId: uuid(340 + m.change),
        },
      };
    }
    case 'task':
      return {
        name: 'createTask',
        args: {
          id: uuid(600 + m.id),
          customerId: customer(m.customer),
          assigneeId: world.userIds[m.assignee] ?? uuid(7),
          title: '回访',
          type: 'call',
          dueAt: NOW + 86_400_000,
        },
      };
    case 'logTask': {
      const task = world.tasks[m.task];
      return {
        name: 'logFollowUp',
        args: {
          id: uuid(500 + m.id),
          customerId: task?.customerId ?? customer(m.task),
          type: 'visit',
          content: '按计划拜访',
          occurredAt: NOW - 60_000,
          completesTaskId: task?.id ?? uuid(600 + (m.task % 5)),
          nextFollowUpAt: NOW + 3 * 86_400_000,
          nextTaskId: uuid(620 + m.next),
        },
      };
    }
    case 'claim':
      return { name: 'claimCustomer', args: { customerId: customer(m.customer), reason: '重新跟进' } };
    case 'lead':
      return { name: 'createLead', args: { id: uuid(100 + m.id), name: name(m.name) } };
    case 'convert':
      return { name: 'convertLead', args: { id: customer(m.customer) } };
    case 'deleteFollowUp':
      return { name: 'deleteFollowUp', args: { id: uuid(500 + m.id), customerId: customer(m.customer) } };
    case 'settings':
      return { name: 'updateSettings', args: { set: { followUpEditWindowHours: m.hours } } };
    case 'attrs':
      return {
        name: 'updateCustomer',
        args: {
          id: customer(m.customer),
          set: { attrs: { is_listed: m.listed, stock_code: m.code } },
          templateVersionId: world.versions[m.version] ?? uuid(998),
        },
      };
    case 'createWithAttrs':
      return {
        name: 'createCustomer',
        args: {
          id: uuid(100 + m.id),
          name: name(m.name),
          attrs: { company_size: 'small', is_listed: true, stock_code: m.code },
          templateVersionId: world.versions.customer,
        },
      };
    default:
      return { name: 'teleport', args: {} };
  }
}

async function run(db: ServerDb, strategy: PushStrategy, stream: Stream) {
  const world = await reset(db);
  const next: Record<string, number> = { zhangwei: 0, wangfang: 0, admin: 0 };
  const queued: Record<string, { id: number; name: string; args: unknown; createdAt: number }[]> = {
    zhangwei: [],
    wangfang: [],
    admin: [],
  };
  const responses: PushResponse[] = [];
  const flush = async (device: DeviceName) => {
    const mutations = queued[device] ?? [];
    if (mutations.length === 0) return;
    const user = world.users[device] as SessionUser;
    const body = { protocolVersion: PROTOCOL_VERSION, clientId: CLIENTS[device], mutations };
    responses.push(await handlePush(db, user, body, NOW, { strategy }));
    queued[device] = [];
  };
  for (const step of stream) {
    const device = step.device;
    next[device] = (next[device] ?? 0) + 1;
    queued[device]?.push({ id: next[device] ?? 0, createdAt: NOW, ...toArgs(world, step.mutation) });
    if (step.cut) await flush(device);
  }
  await flush('zhangwei');
  await flush('wangfang');
  await flush('admin');
  return { responses, state: await dump(db) };
}

describe('push strategies', () => {
  it('batched push decides exactly like one savepoint per mutation', async () => {
    await fc.assert(
      fc.asyncProperty(streamArb, async (stream) => {
        const [batch, reference] = await Promise.all([
          run(a.db, 'batch', stream),
          run(b.db, 'one-by-one', stream),
        ]);
        expect(batch.responses).toEqual(reference.responses);
        expect(batch.state).toEqual(reference.state);
      }),
      { numRuns: Number(process.env.TIDEPOOL_PROPERTY_RUNS ?? 18) },
    );
  });
});
