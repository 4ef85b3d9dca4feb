import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import { PROTOCOL_VERSION } from '../../../shared/sync/protocol';
import { loginAs, postJson, startTestServer, type TestServer } from '../testing';
import { encodeCursor } from './pull';

/**
 * Garbage in, clean answers out: random push and pull payloads (wrong types, huge values, unknown
 * mutation names, ids of another org's rows, negative or fractional ids, junk cursors) get a 4xx JSON
 * error or, for well-formed pushes of refused mutations, recorded rejections — never a 500 — and the
 * data of every org stays exactly as it was. TIDEPOOL_FUZZ_RUNS raises the number of cases.
 */
const RUNS = Number(process.env.TIDEPOOL_FUZZ_RUNS ?? 150);

let server: TestServer;
let token: string;
const linaClientId = newId();
const other = {
  orgId: newId(),
  userId: newId(),
  customerId: newId(),
  templateId: newId(),
  versionId: newId(),
};

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 10 });
  token = await loginAs(server, 'zhangwei');
  // Another org with a user and a customer, whose ids the fuzzer throws at the demo org's endpoints.
  const t = Date.now();
  await server.query('INSERT INTO orgs (id, name, version, created_at) VALUES ($1, $2, 1, $3)', [
    other.orgId,
    '别家公司',
    t,
  ]);
  await server.query(
    `INSERT INTO users (id, org_id, username, display_name, role, password_hash, active, created_at, updated_at, version)
     VALUES ($1, $2, 'other_rep', '别人', 'rep', 'x', true, $3, $3, 1)`,
    [other.userId, other.orgId, t],
  );
  await server.query(
    `INSERT INTO customers (id, org_id, name, name_norm, status, owner_id, pool_state, attrs, created_at, updated_at, version)
     VALUES ($1, $2, '别家客户有限公司', '别家客户', 'active', $3, 'private', '{}', $4, $4, 1)`,
    [other.customerId, other.orgId, other.userId, t],
  );
  // And a published follow-up template whose version the fuzzer names in zhangwei's writes.
  await server.query(
    `INSERT INTO templates (id, org_id, entity, name_zh, name_en, layout, published_number, created_at, updated_at)
     VALUES ($1, $2, 'followUp', '跟进', 'Follow-up', '{"sections":[]}', 1, $3, $3)`,
    [other.templateId, other.orgId, t],
  );
  await server.query(
    `INSERT INTO template_versions (id, org_id, template_id, entity, number, name_zh, name_en, sections, fields,
       published_at, published_by, created_at, updated_at, version)
     VALUES ($1, $2, $3, 'followUp', 1, '跟进', 'Follow-up', '[]', '[]', $4, $5, $4, $4, 1)`,
    [other.versionId, other.orgId, other.templateId, t, other.userId],
  );
  // A device of another user of the same org, whose clientId zhangwei must not use.

  const lina = await loginAs(server, 'lina');
  await postJson(
    `${server.url}/sync/pull`,
    { protocolVersion: PROTOCOL_VERSION, clientId: linaClientId, cursor: null, limit: 1 },
    lina,
  );
  await postJson(
    `${server.url}/sync/push`,
    {
      protocolVersion: PROTOCOL_VERSION,
      clientId: linaClientId,
      mutations: [{ id: 1, name: 'teleport', args: {}, createdAt: t }],
    },
    lina,
  );
});
afterAll(async () => {
  await server?.close();
});

/** A digest of every org's data (not the bookkeeping of refused pushes: clients, rejections, versions). */
async function digest(): Promise<string> {
  const tables = [
    'users',
    'teams',
    'customers',
    'contacts',
    'follow_ups',
    'ownership_history',
    'sync_conflicts',
    'settings',
    'catalogs',
    'templates',
    'template_versions',
    'opportunities',
    'stage_changes',
    'tasks',
  ];
  const parts = await Promise.all(
    tables.map(async (t) => {
      const [row] = await server.query(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) AS h FROM ${t} x`,
      );
      return `${t}:${String(row?.n)}:${String(row?.h)}`;
    }),
  );
  return parts.join(' ');
}

const junk = fc.oneof(
  fc.anything({ maxDepth: 2 }),
  fc.string({ maxLength: 300 }),
  fc.integer(),
  fc.double(),
  fc.constant(null),
);
const foreignId = fc.oneof(
  fc.constant(other.customerId),
  fc.constant(other.userId),
  fc.constant(other.versionId),
  fc.uuid(),
  fc.constant('not-a-uuid'),
);
/** Mostly well-formed (so the mutations reach the mutators), sometimes anything. */
const mostly = <T>(good: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]) =>
  fc.oneof(
    { arbitrary: good as fc.Arbitrary<unknown>, weight: 6 },
    ...bad.map((b) => ({ arbitrary: b, weight: 1 })),
  );

const mutationId = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 5 }), weight: 10 },
  fc.integer({ min: -5, max: 0 }),
  fc.double({ min: 0.1, max: 9.9, noInteger: true }),
  fc.constant(2 ** 31),
  fc.constant(Number.MAX_SAFE_INTEGER),
  fc.string({ maxLength: 5 }),
);

/**
 * Arguments that can never succeed for zhangwei: every target is another org's row or a random id, a
 * transfer needs a manager and a settings change an admin. createCustomer and createLead reuse the other
 * org's customer id (a primary-key clash).
 */
const argsFor = (name: string) => {
  switch (name) {
    case 'createCustomer':
      return fc.record(
        {
          id: fc.constant(other.customerId),
          name: fc.oneof(fc.string({ maxLength: 300 }), junk),
          attrs: fc.oneof(fc.dictionary(fc.string({ maxLength: 12 }), junk), junk),
          templateVersionId: fc.oneof(foreignId, junk),
        },
        { requiredKeys: ['id', 'name'] },
      );
    case 'updateContact':
      return fc.record(
        {
          id: foreignId,
          customerId: foreignId,
          set: fc.oneof(fc.record({ attrs: fc.dictionary(fc.string({ maxLength: 12 }), junk) }), junk),
          templateVersionId: fc.oneof(foreignId, junk),
        },
        { requiredKeys: ['id', 'customerId', 'set'] },
      );
    case 'updateCustomer':
      return fc.record(
        { id: foreignId, set: fc.oneof(fc.dictionary(fc.string({ maxLength: 12 }), junk), junk), base: junk },
        { requiredKeys: ['id', 'set'] },
      );
    case 'logFollowUp':
      return fc.record({
        id: fc.uuid(),
        customerId: foreignId,
        type: fc.oneof(fc.constant('call'), junk),
        content: fc.oneof(fc.string({ maxLength: 300 }), junk),
        occurredAt: fc.oneof(fc.integer(), junk),
        contactId: fc.oneof(foreignId, junk),
        opportunityId: fc.oneof(foreignId, junk),
        completesTaskId: fc.oneof(foreignId, junk),
        nextTaskId: fc.oneof(fc.uuid(), junk),
        nextFollowUpAt: fc.oneof(fc.integer(), junk),
        attrs: fc.oneof(fc.dictionary(fc.string({ maxLength: 12 }), junk), junk),
        templateVersionId: fc.oneof(foreignId, junk),
      });
    case 'transferCustomer':
      return fc.record({ customerId: foreignId, toUserId: foreignId, reason: fc.oneof(fc.string(), junk) });
    case 'claimCustomer':
      return fc.record({ customerId: foreignId, reason: fc.oneof(fc.string(), junk) });
    case 'createLead':
      return fc.record({
        id: fc.constant(other.customerId),
        name: fc.oneof(fc.string({ maxLength: 300 }), junk),
        contact: fc.oneof(fc.constant(null), junk),
      });
    case 'convertLead':
      return fc.record({ id: foreignId, set: fc.oneof(fc.constant({}), junk), opportunity: junk });
    case 'createOpportunity':
      return fc.record({
        id: fc.uuid(),
        customerId: foreignId,
        stageChangeId: fc.uuid(),
        name: fc.oneof(fc.string({ maxLength: 300 }), junk),
        amountMinor: fc.oneof(fc.integer(), junk),
        stageKey: fc.oneof(fc.constant('discovery'), junk),
      });
    case 'updateOpportunity':
    case 'updateFollowUp':
      return fc.record({
        id: foreignId,
        customerId: foreignId,
        set: fc.oneof(fc.dictionary(fc.string(), junk), junk),
      });
    case 'moveOpportunityStage':
      return fc.record({
        id: foreignId,
        customerId: foreignId,
        toStage: fc.oneof(fc.constantFrom('won', 'lost'), junk),
        lostReason: junk,
        stageChangeId: fc.uuid(),
      });
    case 'createTask':
      return fc.record({
        id: fc.uuid(),
        customerId: foreignId,
        assigneeId: foreignId,
        title: fc.oneof(fc.string(), junk),
        type: fc.oneof(fc.constant('call'), junk),
        dueAt: fc.oneof(fc.nat(), junk),
      });
    case 'cancelTask':
    case 'deleteFollowUp':
      return fc.record({ id: foreignId, customerId: foreignId });
    case 'updateSettings':
      return fc.record({ set: fc.oneof(fc.dictionary(fc.string({ maxLength: 24 }), junk), junk) });
    default:
      return junk;
  }
};

const mutationArb = fc
  .constantFrom(
    'createCustomer',
    'updateCustomer',
    'logFollowUp',
    'transferCustomer',
    'claimCustomer',
    'createLead',
    'convertLead',
    'createOpportunity',
    'updateOpportunity',
    'moveOpportunityStage',
    'createTask',
    'cancelTask',
    'updateFollowUp',
    'deleteFollowUp',
    'updateSettings',
    'updateContact',
    'teleport',
    '',
    '__proto__',
  )
  .chain((name) =>
    fc.record({
      id: mutationId,
      name: mostly(fc.constant(name), junk),
      args: argsFor(name),
      createdAt: mostly(fc.nat(), junk),
    }),
  );

const pushBody = fc.oneof(
  junk,
  fc.record(
    {
      protocolVersion: mostly(fc.constantFrom(3, 4), fc.integer({ min: -3, max: 9 }), junk),
      clientId: mostly(fc.uuid(), fc.constant(linaClientId), junk),
      mutations: mostly(fc.array(mutationArb, { maxLength: 12 }), junk),
    },
    { requiredKeys: [] },
  ),
  fc.record({
    protocolVersion: fc.constantFrom(3, 4),
    clientId: fc.uuid(),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
  }),
);

const cursorArb = fc.oneof(
  fc.constant(null),
  fc.string({ maxLength: 1200 }),
  fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v)).toString('base64url')),
  fc
    .record({
      u: fc.oneof(fc.uuid(), fc.constant(other.userId)),
      v: fc.oneof(fc.nat(), fc.integer({ min: -9, max: -1 })),
      m: fc.nat(),
      l: fc.option(fc.constantFrom(2, 3, 4), { nil: undefined }),
      p: fc.option(
        fc.record({ b: fc.option(fc.nat()), t: fc.integer({ min: -1, max: 9 }), a: fc.option(fc.uuid()) }),
        {
          nil: undefined,
        },
      ),
    })
    .map((c) => encodeCursor(c as Parameters<typeof encodeCursor>[0])),
  junk,
);

const pullBody = fc.oneof(
  junk,
  fc.record(
    {
      protocolVersion: fc.oneof(fc.constantFrom(2, 3, 4), junk),
      clientId: fc.oneof(fc.uuid(), fc.constant(linaClientId), junk),
      cursor: cursorArb,
      limit: fc.oneof(fc.integer({ min: -5, max: 10 }), fc.constant(1e9), fc.double(), junk),
    },
    { requiredKeys: [] },
  ),
);

function expectClean(status: number, body: unknown) {
  expect(status, JSON.stringify(body).slice(0, 400)).not.toBe(500);
  expect([200, 400, 403, 409, 413, 426]).toContain(status);
  if (status !== 200) {
    expect(body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
  }
}

describe('fuzzed payloads', () => {
  it('push: a 4xx JSON error or rejections only, and no data changes', async () => {
    const before = await digest();
    await fc.assert(
      fc.asyncProperty(pushBody, async (body) => {
        const res = await postJson<{ lastMutationId?: number; rejections?: unknown[] }>(
          `${server.url}/sync/push`,
          JSON.stringify(body) ?? 'null',
          token,
        );
        expectClean(res.status, res.body);
        if (res.status === 200) {
          // Everything new in a successful push was refused, each recorded with its args.
          const request = body as { clientId: string; mutations: { id: number }[] };
          const fresh = new Set(request.mutations.map((m) => m.id)).size;
          expect(res.body.rejections?.length ?? 0).toBeLessThanOrEqual(fresh);
        }
      }),
      { numRuns: RUNS },
    );
    expect(await digest()).toBe(before);
  });

  it('pull: 200 or a 4xx JSON error, never another org’s rows', async () => {
    await fc.assert(
      fc.asyncProperty(pullBody, async (body) => {
        const res = await postJson<{ patch?: { row?: { orgId?: string } }[] }>(
          `${server.url}/sync/pull`,
          JSON.stringify(body) ?? 'null',
          token,
        );
        expectClean(res.status, res.body);
        for (const op of res.body.patch ?? []) expect(op.row?.orgId).not.toBe(other.orgId);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses huge payloads cleanly: 501 mutations, 200k-character names, a body over 5 MB', async () => {
    const before = await digest();
    const m = (id: number, name = 'teleport') => ({ id, name, args: {}, createdAt: 0 });
    const base = { protocolVersion: PROTOCOL_VERSION, clientId: newId() };
    const many = await postJson(
      `${server.url}/sync/push`,
      { ...base, mutations: Array.from({ length: 501 }, (_, i) => m(i + 1)) },
      token,
    );
    expect(many.status).toBe(400);
    const longName = await postJson(
      `${server.url}/sync/push`,
      { ...base, mutations: [m(1, 'x'.repeat(200_000))] },
      token,
    );
    expect(longName.status).toBe(400);
    const huge = await postJson(
      `${server.url}/sync/push`,
      {
        ...base,
        mutations: [{ ...m(1, 'createCustomer'), args: { id: newId(), name: 'x'.repeat(6_000_000) } }],
      },
      token,
    );
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { code: 'bad_request' } });
    expect(await digest()).toBe(before);
  });
});
