import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers, InboxItem } from '../../../../shared/api/contract';
import { AppError } from '../../../../shared/errors';
import { newId } from '../../../../shared/ids';
import { startTestServer, type TestServer } from '../../../../server/src/testing';
import { pickTemplate } from '../../../../shared/templates/pick';
import { getMeta } from '../db/meta';
import { userDatabaseFile } from '../db/open';
import { createClientCore, type ClientCore } from '../index';
import { makeTempDir } from '../testing';

/**
 * SPEC §5 as a property test. Two reps and their manager, each on their own client core, against one
 * real server (PGlite, or PostgreSQL with TIDEPOOL_TEST_DB=postgres). Random commands: follow-ups,
 * new customers, edits of random field subsets (so same-field and different-field concurrency both
 * happen), the manager's transfers between the reps, opportunities opened and moved through stages
 * (concurrently from several devices), tasks, edits of random business attributes (template fields,
 * merged key by key, issue 5), syncs, network cuts, device restarts and late
 * deliveries — all through a transport that drops requests, loses answers after the server committed
 * (a crash between commit and acknowledgement), duplicates requests concurrently, and replays old ones
 * out of order. After quiescence:
 *  (a) every device's synced tables equal, row for row and column for column, a fresh pull of its user,
 *      and so does its attribute index (kept by every write path, never rebuilt here);
 *  (b) every mutation ever made was processed, and is either on the server exactly once or on its device
 *      as a rejection/conflict holding the user's values; no record is invented or doubled;
 *  (c) no device holds a customer outside its user's scope as the server computes it.
 * `TIDEPOOL_PROPERTY_RUNS=N` runs N cases instead of the default few.
 */

const RUNS = Number(process.env.TIDEPOOL_PROPERTY_RUNS ?? 6);
const USERS = ['zhangwei', 'lina', 'wangfang'] as const;
const MANAGER = 2;
const EDITABLE = ['phone', 'industry', 'region', 'level'] as const;
type Field = (typeof EDITABLE)[number];
/** Fields every demo customer template places (server/src/seed/demoTemplates.ts), and their values. */
const ATTR_VALUES = {
  ownership: ['private', 'state', 'foreign', 'joint', 'collective'],
  employee_count: [12, 250, 1800, 64, null],
  purchase_channel: ['direct', 'distributor', 'tender', 'ecommerce', 'agent'],
  credit_rating: ['aaa', 'aa', 'a', 'bbb', 'watch'],
  share_of_wallet: [5, 20, 35.5, 60, null],
} as const;
type AttrKey = keyof typeof ATTR_VALUES;
const ATTR_KEYS = Object.keys(ATTR_VALUES) as AttrKey[];

type Cmd =
  | { kind: 'log'; device: number; customer: number }
  | { kind: 'create'; device: number }
  | { kind: 'update'; device: number; customer: number; fields: Field[] }
  | { kind: 'attrs'; device: number; customer: number; keys: AttrKey[] }
  | { kind: 'transfer'; customer: number; toRep: number }
  | { kind: 'opportunity'; device: number; customer: number; thenMove: Stage | null }
  | { kind: 'stage'; device: number; opportunity: number; toStage: Stage }
  | { kind: 'task'; device: number; customer: number }
  | { kind: 'sync'; device: number }
  | { kind: 'network'; device: number; offline: boolean }
  | { kind: 'flush'; device: number }
  | { kind: 'restart'; device: number };

const STAGES = ['needs', 'proposal', 'negotiation', 'won'] as const;
type Stage = (typeof STAGES)[number];

const device = fc.integer({ min: 0, max: 2 });
const customer = fc.nat({ max: 5 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('log' as const), device, customer }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), device }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('update' as const),
      device,
      customer,
      fields: fc.subarray([...EDITABLE], { minLength: 1 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('attrs' as const),
      device,
      customer,
      keys: fc.subarray(ATTR_KEYS, { minLength: 1, maxLength: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      customer,
      toRep: fc.integer({ min: 0, max: 1 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('opportunity' as const),
      device,
      customer,
      thenMove: fc.option(fc.constantFrom(...STAGES), { nil: null }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('stage' as const),
      device,
      opportunity: fc.nat({ max: 5 }),
      toStage: fc.constantFrom(...STAGES),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('task' as const), device, customer }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sync' as const), device }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('network' as const), device, offline: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flush' as const), device }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), device }) },
);

async function call<C extends keyof ApiHandlers>(
  core: ClientCore,
  channel: C,
  input: Parameters<ApiHandlers[C]>[0],
) {
  return await (core.handlers[channel] as (i: typeof input) => ReturnType<ApiHandlers[C]>)(input);
}

/** mulberry32: the fault decisions of a case come from its seed, so a failing case replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Net = {
  offline: boolean;
  faults: boolean;
  random: () => number;
  /** Copies of requests already delivered once, to be delivered again later, out of order. */
  late: { url: string; init: RequestInit }[];
  counts: Record<'dropped' | 'lostAnswer' | 'duplicated' | 'replayed', number>;
};

/**
 * The faulty network of one device, for sync requests: drop the request, lose the answer after the
 * server acted on it, send it twice at once (answering with either copy), or keep a copy to deliver
 * again later (`flush`), concurrently with newer requests.
 */
function faultyFetch(net: Net): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    if (net.offline) throw new TypeError('fetch failed: offline');
    const isSync = url.endsWith('/sync/push') || url.endsWith('/sync/pull');
    if (!isSync || !net.faults) return fetch(input, init);
    const copy = (): RequestInit => ({
      method: init?.method ?? 'POST',
      headers: init?.headers ?? {},
      body: init?.body ?? null,
    });
    const r = net.random();
    if (r < 0.07) {
      net.counts.dropped += 1;
      throw new TypeError('fetch failed: request dropped');
    }
    if (r < 0.15) {
      net.counts.lostAnswer += 1;
      const res = await fetch(input, init);
      await res.arrayBuffer();
      throw new TypeError('fetch failed: connection reset after the server answered');
    }
    if (r < 0.22) {
      net.counts.duplicated += 1;
      const [first, second] = await Promise.all([fetch(url, copy()), fetch(url, copy())]);
      const [keep, drop] = net.random() < 0.5 ? [first, second] : [second, first];
      await drop.arrayBuffer();
      return keep;
    }
    if (r < 0.3) net.late.push({ url, init: copy() });
    return fetch(input, init);
  }) as typeof fetch;
}

type Device = { user: number; dataDir: string; core: ClientCore; net: Net; userId: string };

/** What a command made on a device: the oracle of property (b). */
type Made = { device: number; seq: number } & (
  | { kind: 'log'; id: string; content: string }
  | { kind: 'create'; id: string; name: string }
  | { kind: 'update'; id: string; set: Record<string, unknown> }
  | { kind: 'transfer'; id: string; reason: string }
  | { kind: 'opportunity'; id: string; name: string }
  | { kind: 'stage'; id: string; stageChangeId: string; toStage: string }
  | { kind: 'task'; id: string; title: string }
);

describe('sync convergence under faults (property)', () => {
  let server: TestServer;
  const temp = makeTempDir();
  let userIds: string[] = [];
  let counter = 0;
  const totals = {
    dropped: 0,
    lostAnswer: 0,
    duplicated: 0,
    replayed: 0,
    mutations: 0,
    transfers: 0,
    opportunities: 0,
    stageMoves: 0,
    tasks: 0,
    attrEdits: 0,
    rejections: 0,
    conflicts: 0,
  };

  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 16 });
    userIds = USERS.map((u) => server.demo.users[u]);
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
    console.info('convergence property: totals over all cases', totals);
  });

  async function openCore(dataDir: string, net: Net): Promise<ClientCore> {
    return createClientCore({
      dataDir,
      fetch: faultyFetch(net),
      syncIntervalMs: 3_600_000,
      maxBackoffMs: 3_600_000,
      debounceMs: 3_600_000,
      pokes: false,
    });
  }

  async function openDevice(user: number, seed: number): Promise<Device> {
    const net: Net = {
      offline: false,
      faults: false,
      random: prng(seed),
      late: [],
      counts: { dropped: 0, lostAnswer: 0, duplicated: 0, replayed: 0 },
    };
    const dataDir = `${temp.dir}/${newId()}`;
    const core = await openCore(dataDir, net);
    await call(core, 'session.login', {
      serverUrl: server.url,
      username: USERS[user]!,
      password: 'tidepool123',
    });
    expect(await core.syncNow()).toMatchObject({ online: true });
    net.faults = true;
    return { user, dataDir, core, net, userId: userIds[user]! };
  }

  /** Every synced row of a device database, by table, ordered by id, every column. */
  function tablesOf(dataDir: string, userId: string) {
    const db = new Database(userDatabaseFile(dataDir, userId), { readonly: true });
    try {
      const all = (table: string) => db.prepare(`SELECT * FROM "${table}" ORDER BY id`).all();
      return {
        users: all('users'),
        customers: all('customers'),
        contacts: all('contacts'),
        follow_ups: all('follow_ups'),
        /** Protocol 3's tables, compared the same way. */
        working: {
          settings: all('settings'),
          opportunities: all('opportunities'),
          stage_changes: all('stage_changes'),
          tasks: all('tasks'),
          ownership_events: all('ownership_events'),
        },
        /** Protocol 4's tables. */
        templates: { catalogs: all('catalogs'), template_versions: all('template_versions') },
        /** The attribute index, by customer id and field key (rowids and field ids are the device's own). */
        attrIndex: (() => {
          const fields = JSON.parse(getMeta(db, 'attr_index_fields') ?? '{}') as Record<
            string,
            { id: number }
          >;
          const keyOf = new Map(Object.entries(fields).map(([key, f]) => [f.id, key]));
          return (
            db
              .prepare(
                `SELECT c.id AS customer, i.field, i.kind, hex(i.v) AS v, i.role, i.lc
                   FROM customer_attr_index i JOIN customers c ON c.rowid = i.customer`,
              )
              .all() as { field: number }[]
          )
            .map((e) => JSON.stringify({ ...e, field: keyOf.get(e.field) }))
            .sort();
        })(),
        /** The arguments of an outbox entry still pending (the ids a handler made). */
        pendingArgs: new Map(
          (db.prepare('SELECT seq, args FROM outbox').all() as { seq: number; args: string }[]).map((o) => [
            o.seq,
            JSON.parse(o.args) as Record<string, unknown>,
          ]),
        ),
        clientId: getMeta(db, 'client_id'),
        /** Local conflict record ids by `<mutation id>.<field>`: which inbox entry belongs to which mutation. */
        conflictIds: new Map(
          (
            db.prepare('SELECT id, mutation_id AS m, field FROM conflicts').all() as {
              id: number;
              m: number;
              field: string;
            }[]
          ).map((c) => [`${c.m}.${c.field}`, `conflict:${c.id}`]),
        ),
        lastSeq: (db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'outbox'`).pluck().get() ??
          0) as number,
      };
    } finally {
      db.close();
    }
  }

  /** Customer ids the server says `userId` may see (SPEC §6): own private sea, or the team's for a manager. */
  async function scopeOf(user: number): Promise<Set<string>> {
    const rows =
      user === MANAGER
        ? await server.query(
            `SELECT c.id FROM customers c JOIN users u ON u.id = c.owner_id
              WHERE c.pool_state = 'private' AND c.deleted_at IS NULL
                AND u.team_id = (SELECT team_id FROM users WHERE id = $1)`,
            [userIds[user]],
          )
        : await server.query(
            `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL`,
            [userIds[user]],
          );
    return new Set(rows.map((r) => String(r.id)));
  }

  async function run(cmds: Cmd[], seed: number): Promise<void> {
    const devices = await Promise.all(USERS.map((_, i) => openDevice(i, seed + i)));
    const made: Made[] = [];
    // Commands pick from a few customers, so devices collide on them: two of each rep's private sea at
    // the start (interleaved), then every customer created during the case.
    const seaOf = async (userId: string) =>
      (
        await server.query(
          `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL
            ORDER BY id LIMIT 2`,
          [userId],
        )
      ).map((r) => String(r.id));
    const [z, l] = [await seaOf(userIds[0]!), await seaOf(userIds[1]!)];
    const pool = [z[0], l[0], z[1], l[1]].filter((id): id is string => id !== undefined);
    const startValues = new Map<string, Record<string, unknown>>();
    for (const r of await server.query(
      'SELECT id, phone, industry, region, level, attrs FROM customers WHERE id = ANY($1::uuid[])',
      [pool],
    )) {
      const attrs = (r.attrs ?? {}) as Record<string, unknown>;
      startValues.set(String(r.id), {
        ...r,
        ...Object.fromEntries(ATTR_KEYS.map((k) => [`attrs.${k}`, attrs[k] ?? null])),
      });
    }
    const pick = (i: number) => pool[i % pool.length]!;
    /** Opportunities opened during the case, with their customer. */
    const opportunities: { id: string; customerId: string; device: number }[] = [];
    /** The mutation id the device just gave its newest outbox entry. */
    const seqOf = (d: Device) => tablesOf(d.dataDir, d.userId).lastSeq;
    /** Moves an opportunity on a device, recording the stage change the handler made. */
    const moveStage = async (
      device: number,
      opp: { id: string; customerId: string },
      toStage: Stage,
    ): Promise<void> => {
      const d = devices[device]!;
      const res = await attempt(() =>
        call(d.core, 'opportunities.moveStage', {
          id: opp.id,
          customerId: opp.customerId,
          toStage,
          lostReason: null,
        }),
      );
      if (!res) return;
      const seq = seqOf(d);
      const args = tablesOf(d.dataDir, d.userId).pendingArgs.get(seq);
      made.push({
        kind: 'stage',
        device,
        seq,
        id: opp.id,
        stageChangeId: String(args?.stageChangeId),
        toStage,
      });
    };
    /** A handler refused locally (the customer is not on that device, …): nothing was made. */
    const attempt = async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await fn();
      } catch (err) {
        if (err instanceof AppError) return undefined;
        throw err;
      }
    };

    try {
      for (const c of cmds) {
        const n = ++counter;
        switch (c.kind) {
          case 'log': {
            const d = devices[c.device]!;
            const content = `跟进#${n}`;
            const res = await attempt(() =>
              call(d.core, 'followUps.log', {
                customerId: pick(c.customer),
                contactId: null,
                opportunityId: null,
                completesTaskId: null,
                type: 'call',
                content,
                outcome: null,
                occurredAt: Date.now() - 1000,
                nextFollowUpAt: null,
              }),
            );
            if (res) made.push({ kind: 'log', device: c.device, seq: seqOf(d), id: res.id, content });
            break;
          }
          case 'create': {
            const d = devices[c.device]!;
            const name = `属性测试客户${n}号`;
            const res = await attempt(() =>
              call(d.core, 'customers.create', {
                name,
                industry: '测试',
                shortName: null,
                creditCode: null,
                region: null,
                address: null,
                phone: null,
                website: null,
                source: null,
                level: null,
              }),
            );
            if (res) {
              made.push({ kind: 'create', device: c.device, seq: seqOf(d), id: res.id, name });
              pool.push(res.id);
            }
            break;
          }
          case 'update': {
            const d = devices[c.device]!;
            const set: Record<string, string> = {};
            for (const f of c.fields) {
              set[f] =
                f === 'phone'
                  ? `139${String(n).padStart(8, '0')}`
                  : f === 'level'
                    ? (['A', 'B', 'C', 'D'] as const)[n % 4]!
                    : `${f}-${n}`;
            }
            const id = pick(c.customer);
            const res = await attempt(() => call(d.core, 'customers.update', { id, set }));
            if (res) made.push({ kind: 'update', device: c.device, seq: seqOf(d), id, set });
            break;
          }
          case 'attrs': {
            // The form of the record as this device shows it: the template for its industry, now.
            const d = devices[c.device]!;
            const id = pick(c.customer);
            const detail = await attempt(() => call(d.core, 'customers.get', { id }));
            if (!detail) break;
            const defs = await call(d.core, 'templates.definitions', {});
            const version = pickTemplate(defs.versions, 'customer', detail.customer);
            if (!version) break;
            const attrs: Record<string, unknown> = {};
            for (const k of c.keys) attrs[k] = ATTR_VALUES[k][n % ATTR_VALUES[k].length];
            const res = await attempt(() =>
              call(d.core, 'customers.update', { id, set: { attrs }, templateVersionId: version.id }),
            );
            const set = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`attrs.${k}`, v]));
            if (res) made.push({ kind: 'update', device: c.device, seq: seqOf(d), id, set });
            break;
          }
          case 'transfer': {
            const d = devices[MANAGER]!;
            const reason = `调整#${n}`;
            const id = pick(c.customer);
            const res = await attempt(() =>
              call(d.core, 'customers.transfer', { customerId: id, toUserId: userIds[c.toRep]!, reason }),
            );
            if (res) made.push({ kind: 'transfer', device: MANAGER, seq: seqOf(d), id, reason });
            break;
          }
          case 'opportunity': {
            const d = devices[c.device]!;
            const name = `商机#${n}`;
            const customerId = pick(c.customer);
            const res = await attempt(() =>
              call(d.core, 'opportunities.create', {
                customerId,
                name,
                amountMinor: n * 100,
                currency: 'CNY',
                stageKey: 'discovery',
                expectedCloseAt: null,
              }),
            );
            if (res) {
              made.push({ kind: 'opportunity', device: c.device, seq: seqOf(d), id: res.id, name });
              const opp = { id: res.id, customerId, device: c.device };
              opportunities.push(opp);
              if (c.thenMove) await moveStage(c.device, opp, c.thenMove);
            }
            break;
          }
          case 'stage': {
            // Half the moves on the device's own opportunities (it holds them at once), half on any (held
            // once synced): concurrent moves of one opportunity from two devices happen.
            const own = opportunities.filter((o) => o.device === c.device);
            const from = c.opportunity % 2 === 0 && own.length > 0 ? own : opportunities;
            const opp = from[c.opportunity % Math.max(1, from.length)];
            if (opp) await moveStage(c.device, opp, c.toStage);
            break;
          }
          case 'task': {
            const d = devices[c.device]!;
            const title = `任务#${n}`;
            const res = await attempt(() =>
              call(d.core, 'tasks.create', {
                customerId: pick(c.customer),
                assigneeId: d.userId,
                title,
                type: 'visit',
                dueAt: Date.now() + 86_400_000,
              }),
            );
            if (res) made.push({ kind: 'task', device: c.device, seq: seqOf(d), id: res.id, title });
            break;
          }
          case 'sync':
            await devices[c.device]!.core.syncNow();
            break;
          case 'network':
            devices[c.device]!.net.offline = c.offline;
            break;
          case 'flush': {
            const d = devices[c.device]!;
            const late = d.net.late.splice(0).reverse();
            d.net.counts.replayed += late.length;
            // Old requests arrive after newer ones, and at the same time as the device's next sync.
            await Promise.all([
              d.core.syncNow(),
              ...late.map((r) => fetch(r.url, r.init).then((res) => res.arrayBuffer())),
            ]);
            break;
          }
          case 'restart': {
            // The app is killed and started again: whatever was not committed locally is gone.
            const d = devices[c.device]!;
            await d.core.close();
            d.core = await openCore(d.dataDir, d.net);
            await d.core.syncNow();
            break;
          }
        }
      }

      // Quiescence: the network heals, late copies land, every device syncs until nothing moves.
      for (const d of devices) {
        d.net.offline = false;
        d.net.faults = false;
        const late = d.net.late.splice(0);
        d.net.counts.replayed += late.length;
        await Promise.all(late.map((r) => fetch(r.url, r.init).then((res) => res.arrayBuffer())));
      }
      for (let pass = 0; pass < 3; pass++) {
        for (const d of devices) {
          const status = await d.core.syncNow();
          expect(status).toMatchObject({ online: true, pending: 0, lastError: null });
        }
      }

      const inboxes: InboxItem[][] = [];
      const clientIds: string[] = [];
      const conflictIds: Map<string, string>[] = [];
      for (const d of devices) {
        const mine = tablesOf(d.dataDir, d.userId);
        // (a) equal to what a fresh device of the same user pulls now.
        const fresh = await openDevice(d.user, seed + 100 + d.user);
        try {
          const theirs = tablesOf(fresh.dataDir, fresh.userId);
          expect(mine.users).toEqual(theirs.users);
          expect(mine.customers).toEqual(theirs.customers);
          expect(mine.contacts).toEqual(theirs.contacts);
          expect(mine.follow_ups).toEqual(theirs.follow_ups);
          expect(mine.working).toEqual(theirs.working);
          expect(mine.templates).toEqual(theirs.templates);
          expect(mine.attrIndex).toEqual(theirs.attrIndex);
        } finally {
          await fresh.core.close();
        }
        // (c) nothing outside the scope the server computes.
        const scope = await scopeOf(d.user);
        expect(new Set((mine.customers as { id: string }[]).map((c) => c.id))).toEqual(scope);
        // (b) the server processed every mutation id this device ever issued.
        const [client] = await server.query(
          'SELECT last_mutation_id::int AS n FROM sync_clients WHERE client_id = $1',
          [mine.clientId],
        );
        expect(client?.n ?? 0).toBe(mine.lastSeq);
        inboxes.push(await call(d.core, 'inbox.list', {}));
        clientIds.push(String(mine.clientId));
        conflictIds.push(mine.conflictIds);
      }

      // (b) every mutation, by its (client, mutation id): the server's verdict — applied, refused, or some
      // fields lost — is what the device shows, with the user's values; an applied insert exists once.
      const used = new Set<string>();
      const applied = new Map<string, Set<unknown>>();
      for (const m of made) {
        totals.mutations += 1;
        if (m.kind === 'transfer') totals.transfers += 1;
        if (m.kind === 'opportunity') totals.opportunities += 1;
        if (m.kind === 'stage') totals.stageMoves += 1;
        if (m.kind === 'task') totals.tasks += 1;
        if (m.kind === 'update' && Object.keys(m.set).some((f) => f.startsWith('attrs.')))
          totals.attrEdits += 1;
        const clientId = clientIds[m.device]!;
        const inbox = inboxes[m.device]!;
        const refusedOnServer = await server.query(
          'SELECT name FROM mutation_rejections WHERE client_id = $1 AND mutation_id = $2',
          [clientId, m.seq],
        );
        const refused = inbox.find((i) => i.id === `rejection:${m.seq}`);
        expect({ seq: m.seq, refusedOnDevice: !!refused }).toEqual({
          seq: m.seq,
          refusedOnDevice: refusedOnServer.length === 1,
        });
        if (refused) used.add(refused.id);
        const args = (refused?.args ?? {}) as Record<string, unknown>;
        if (m.kind === 'log') {
          const onServer = await server.query('SELECT content FROM follow_ups WHERE id = $1', [m.id]);
          expect(onServer.length).toBe(refused ? 0 : 1);
          if (refused) expect(args).toMatchObject({ id: m.id, content: m.content });
          else expect(onServer[0]?.content).toBe(m.content);
        } else if (m.kind === 'create') {
          const onServer = await server.query('SELECT name FROM customers WHERE id = $1', [m.id]);
          expect(onServer.length).toBe(refused ? 0 : 1);
          if (refused) expect(args).toMatchObject({ id: m.id, name: m.name });
        } else if (m.kind === 'opportunity') {
          const onServer = await server.query('SELECT name FROM opportunities WHERE id = $1', [m.id]);
          expect(onServer.length).toBe(refused ? 0 : 1);
          if (refused) expect(args).toMatchObject({ id: m.id, name: m.name });
        } else if (m.kind === 'stage') {
          const onServer = await server.query('SELECT to_stage FROM stage_changes WHERE id = $1', [
            m.stageChangeId,
          ]);
          expect(onServer).toEqual(refused ? [] : [{ to_stage: m.toStage }]);
          if (refused) expect(args).toMatchObject({ id: m.id, toStage: m.toStage });
        } else if (m.kind === 'task') {
          const onServer = await server.query('SELECT title FROM tasks WHERE id = $1', [m.id]);
          expect(onServer.length).toBe(refused ? 0 : 1);
          if (refused) expect(args).toMatchObject({ id: m.id, title: m.title });
        } else if (m.kind === 'transfer') {
          const history = await server.query('SELECT to_owner_id FROM ownership_history WHERE reason = $1', [
            m.reason,
          ]);
          expect(history.length).toBe(refused ? 0 : 1);
          if (refused) expect(args).toMatchObject({ customerId: m.id, reason: m.reason });
        } else {
          if (refused) {
            // An edit of attributes carries them as `set.attrs`; the record keeps `attrs.<key>` paths.
            const set = args.set as Record<string, unknown> | undefined;
            for (const [field, value] of Object.entries(m.set)) {
              const key = /^attrs\.(.+)$/.exec(field)?.[1];
              if (key) expect((set?.attrs as Record<string, unknown> | undefined)?.[key]).toEqual(value);
              else expect(set?.[field]).toEqual(value);
            }
            expect(args).toMatchObject({ id: m.id });
            continue;
          }
          const lostOnServer = new Set(
            (
              await server.query(
                'SELECT field FROM sync_conflicts WHERE client_id = $1 AND mutation_id = $2',
                [clientId, m.seq],
              )
            ).map((r) => String(r.field)),
          );
          for (const [field, value] of Object.entries(m.set)) {
            const entryId = conflictIds[m.device]!.get(`${m.seq}.${field}`);
            const lost = inbox.filter((i) => i.id === entryId && i.kind === 'conflict' && i.rowId === m.id);
            if (lost[0]) expect(lost[0].mine).toEqual(value);
            expect({ seq: m.seq, field, onDevice: lost.length }).toEqual({
              seq: m.seq,
              field,
              onDevice: lostOnServer.has(field) ? 1 : 0,
            });
            if (lost[0]) used.add(lost[0].id);
            else {
              const key = `${m.id}.${field}`;
              applied.set(key, (applied.get(key) ?? new Set()).add(value));
            }
          }
        }
      }
      // No record that no mutation explains (invented, or doubled by a duplicate delivery).
      for (const inbox of inboxes) {
        for (const item of inbox) {
          if (item.kind === 'rejection') totals.rejections += 1;
          else totals.conflicts += 1;
          expect(used.has(item.id), `unexplained inbox entry ${JSON.stringify(item)}`).toBe(true);
        }
      }
      // Every edited field holds its starting value or a value an accepted edit wrote: none lost as noise.
      for (const [id, start] of startValues) {
        const [row] = await server.query(
          'SELECT phone, industry, region, level, attrs FROM customers WHERE id = $1',
          [id],
        );
        const attrs = (row?.attrs ?? {}) as Record<string, unknown>;
        const now: Record<string, unknown> = {
          ...row,
          ...Object.fromEntries(ATTR_KEYS.map((k) => [`attrs.${k}`, attrs[k] ?? null])),
        };
        for (const f of [...EDITABLE, ...ATTR_KEYS.map((k) => `attrs.${k}`)]) {
          const value = now[f];
          if (value === start[f]) continue;
          expect(applied.get(`${id}.${f}`)?.has(value), `${id}.${f} = ${String(value)}`).toBe(true);
        }
      }
    } finally {
      for (const d of devices) {
        for (const k of ['dropped', 'lostAnswer', 'duplicated', 'replayed'] as const)
          totals[k] += d.net.counts[k];
        await d.core.close();
      }
    }
  }

  it(
    'converges; every mutation applied once or kept as a rejection/conflict; nothing out of scope',
    async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(cmd, { minLength: 4, maxLength: 30 }), fc.nat(), (cmds, seed) =>
          run(cmds, seed),
        ),
        { numRuns: RUNS },
      );
    },
    60_000 + RUNS * 5_000,
  );
});
