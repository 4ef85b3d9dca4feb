import {
  SYNCED_TABLES,
  TABLE_SCOPE,
  type CustomerRow,
  type OwnershipEventRow,
  type RowOf,
  type SyncedTable,
} from '../../../../shared/domain/rows';
import { AppError, toErrorData } from '../../../../shared/errors';
import { newId } from '../../../../shared/ids';
import { getMutation, isMutationName, sameValue, type Effect } from '../../../../shared/mutations';
import type { MoveEffect } from '../../../../shared/mutations/types';
import { poolForCustomer } from '../../../../shared/pools/resolve';
import { recycleDue, type RecycleRuleKind } from '../../../../shared/pools/rules';
import {
  maskPhone,
  publicSeaQuery,
  recycleRunRequest,
  savePoolRequest,
  type PublicSeaPage,
  type RecycleRunResponse,
} from '../../../../shared/pools/schema';
import type {
  Conflict,
  PatchOp,
  PullResponse,
  PushRequest,
  PushResponse,
  Rejection,
  SessionUser,
} from '../../../../shared/sync/protocol';

/**
 * A small in-memory stand-in for the sync server's HTTP API, for unit tests of the agent's edge cases
 * (paging, lost answers, 401/413/5xx). It follows the fixed interface's semantics but none of the real
 * server's storage; the integration tests run against the real server (`server/src/testing.ts`).
 */
export type FakeSyncServer = {
  fetch: typeof fetch;
  rows: { [T in SyncedTable]: Map<string, RowOf[T]> };
  lastMutationIds: Map<string, number>;
  /** Called before each request; return a Response to answer instead (e.g. a 503). */
  intercept: ((path: string, body: unknown, init: RequestInit | undefined) => Response | undefined) | null;
  pageSize: number;
  requests: { path: string; body: unknown; method: string }[];
  user: SessionUser;
  /** Writes a row as another device's change would: with the next version, so the next pull sends it. */
  put<T extends SyncedTable>(table: T, row: RowOf[T]): void;
  /** Sends `event: poke` on every open `GET /sync/events` stream. */
  poke(): void;
  /** Poke streams currently open (not counted in `requests`). */
  openStreams(): number;
  /** Ends every open poke stream, as a server restart would. */
  dropStreams(): void;
  /**
   * Moves a customer as the server would (a manager's assignment, a reactivation, a recycle): its owner
   * and pool state, a row of ownership history, and, with `scoped`, its arrival or removal on devices.
   */
  move(
    customerId: string,
    to: {
      ownerId: string | null;
      poolState: 'private' | 'public';
      actorType: OwnershipEventRow['actorType'];
      actorId?: string | null;
      action: NonNullable<OwnershipEventRow['action']>;
      reason?: string | null;
      poolId?: string | null;
    },
  ): OwnershipEventRow;
  /** Called before a pushed move (a claim, release, …) applies; throw an AppError to refuse it. */
  beforeMove: ((move: MoveEffect, customer: CustomerRow) => void) | null;
};

export type FakeSyncServerOptions = {
  /**
   * Pull the user's scope only, as the real server does (protocol 5 tests): a rep's private customers
   * (a manager's: every private one), public customers never; a customer that leaves it comes as `del`,
   * one that enters comes whole (its children too). Off by default: the older tests' device holds
   * whatever the stand-in has (as a manager's device would).
   */
  scoped?: boolean;
  /** The server's clock (moves, the recycle run); default Date.now. */
  now?: () => number;
};

type Cursor = { v: number; snap: number; offset: number; acked: number; full: boolean };

export function createFakeSyncServer(
  user: SessionUser,
  seed: { [T in SyncedTable]?: RowOf[T][] } = {},
  options: FakeSyncServerOptions = {},
): FakeSyncServer {
  const clock = options.now ?? Date.now;
  const scoped = options.scoped ?? false;
  /** The version of each customer's latest move: with `scoped`, a customer entering comes whole. */
  const movedAt = new Map<string, number>();
  const visible = (c: CustomerRow | undefined) =>
    c !== undefined && c.poolState === 'private' && (user.role !== 'rep' || c.ownerId === user.id);
  let version = 1;
  const rows = Object.fromEntries(SYNCED_TABLES.map((t) => [t, new Map()])) as FakeSyncServer['rows'];
  for (const [table, list] of Object.entries(seed) as [SyncedTable, RowOf[SyncedTable][]][]) {
    for (const row of list) (rows[table] as Map<string, RowOf[SyncedTable]>).set(row.id, { ...row, version });
  }
  const deleted: { table: SyncedTable; id: string; version: number }[] = [];
  const lastMutationIds = new Map<string, number>();
  const rejections: (Rejection & { clientId: string; args: unknown })[] = [];
  const conflicts: (Conflict & { clientId: string })[] = [];

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

  /** A template field marked unique: another record of the entity holding the value refuses the mutation. */
  function assertUnique(effects: Effect[]) {
    for (const e of effects) {
      if (e.kind !== 'assertUnique') continue;
      for (const row of (rows[e.table] as Map<string, Record<string, unknown>>).values()) {
        if (row.id === e.id) continue;
        if (e.table === 'customers' && row.kind !== (e.entity === 'lead' ? 'lead' : 'customer')) continue;
        const attrs = (row.attrs ?? {}) as Record<string, unknown>;
        if (Object.hasOwn(attrs, e.field) && sameValue(attrs[e.field], e.value)) {
          throw new AppError('duplicate', `attrs.${e.field}: already used`, { field: `attrs.${e.field}` });
        }
      }
    }
  }

  function apply(effects: Effect[], v: number, clientId: string, mutationId: number, name: string) {
    for (const e of effects) {
      if (e.kind === 'assertUnique') continue;
      if (e.kind === 'conflict') {
        const { kind: _kind, ...c } = e;
        conflicts.push({ ...c, clientId, mutationId, name });
        continue;
      }
      if (e.kind === 'move') {
        const row = rows.customers.get(e.customerId);
        if (row) {
          server.beforeMove?.(e, row);
          moveCustomer(row, v, {
            ownerId: e.ownerId,
            poolState: e.poolState,
            actorType: 'user',
            actorId: user.id,
            action: e.action,
            reason: e.reason,
            poolId: e.poolId ?? null,
          });
        }
        continue;
      }
      const table = rows[e.table] as Map<string, Record<string, unknown>>;
      if (e.kind === 'insert') table.set(e.row.id, { ...e.row, version: v });
      else if (e.kind === 'update') {
        const row = table.get(e.id);
        if (row) table.set(e.id, { ...row, ...e.set, version: v });
      } else {
        table.delete(e.id);
        deleted.push({ table: e.table, id: e.id, version: v });
      }
    }
  }

  /**
   * A customer's move, as the server writes it: owner and pool state (into a pool: the previous owner,
   * when it entered and which pool; out of one: when it was claimed), and its ownership history row.
   */
  function moveCustomer(
    row: CustomerRow,
    v: number,
    to: Parameters<FakeSyncServer['move']>[1],
  ): OwnershipEventRow {
    const at = clock();
    const toPublic = to.poolState === 'public';
    const pool = toPublic ? (to.poolId ?? poolOf(row)?.id ?? null) : row.poolId;
    rows.customers.set(row.id, {
      ...row,
      ownerId: to.ownerId,
      poolState: to.poolState,
      poolId: pool,
      ...(toPublic
        ? { previousOwnerId: row.ownerId ?? row.previousOwnerId, enteredPoolAt: at }
        : to.ownerId !== row.ownerId && to.action !== 'transfer'
          ? { claimedAt: at }
          : {}),
      version: v,
    });
    const event: OwnershipEventRow = {
      id: newId(at),
      orgId: user.orgId,
      customerId: row.id,
      fromOwnerId: row.ownerId,
      toOwnerId: to.ownerId,
      fromPoolState: row.poolState,
      toPoolState: to.poolState,
      actorType: to.actorType,
      actorId: to.actorId ?? null,
      reason: to.reason ?? null,
      action: to.action,
      poolId: pool,
      at,
      version: v,
    };
    rows.ownershipEvents.set(event.id, event);
    movedAt.set(row.id, v);
    return event;
  }

  /** The pool governing a customer (its own, else its owner's team's, else the default). */
  function poolOf(c: CustomerRow) {
    const owner = c.ownerId ? rows.users.get(c.ownerId) : undefined;
    return poolForCustomer([...rows.pools.values()], c, owner?.teamId ?? null);
  }

  /** The recycle job over the stand-in's rows, with the shared definition (`recycleDue`). */
  function runRecycle(body: unknown): Response {
    if (user.role !== 'admin') return json(403, { error: { code: 'forbidden', message: 'admins only' } });
    const req = recycleRunRequest.parse(body);
    const now = clock();
    const stages = rows.settings.get(user.orgId)?.stages ?? [];
    const order = new Map(stages.map((st, i) => [st.key, i]));
    const moved: { customer: CustomerRow; poolId: string; rule: RecycleRuleKind; days: number }[] = [];
    for (const c of rows.customers.values()) {
      if (c.poolState !== 'private' || c.ownerId === null) continue;
      const pool = poolOf(c);
      if (!pool || (req.poolId !== undefined && pool.id !== req.poolId)) continue;
      const opps = [...rows.opportunities.values()].filter((o) => o.customerId === c.id);
      const claimed = c.claimedAt;
      const after = (t: number | null) => claimed !== null && t !== null && t >= claimed;
      const min = (xs: number[]) => (xs.length === 0 ? null : Math.min(...xs));
      const open = opps.filter((o) => o.status === 'open').map((o) => order.get(o.stageKey) ?? -1);
      const stage = pool.recycle.exemptions.openOpportunityFromStage;
      const verdict = recycleDue(
        pool.recycle,
        {
          ...c,
          firstOpportunityAfterClaimAt: min(opps.filter((o) => after(o.createdAt)).map((o) => o.createdAt)),
          firstWinAfterClaimAt: min(
            opps.filter((o) => o.status === 'won' && after(o.closedAt)).map((o) => o.closedAt!),
          ),
          maxOpenStageOrder: open.length === 0 ? null : Math.max(...open),
        },
        stage === null ? null : (order.get(stage) ?? null),
      );
      if (verdict.exempt || verdict.dueAt === null || verdict.rule === null || verdict.dueAt > now) continue;
      const rule = pool.recycle.rules.find((r) => r.kind === verdict.rule)!;
      const days = (c.level !== null ? rule.daysByLevel[c.level] : undefined) ?? rule.days;
      moved.push({ customer: c, poolId: pool.id, rule: verdict.rule, days });
    }
    if (!req.dryRun) {
      for (const m of moved) {
        version += 1;
        moveCustomer(m.customer, version, {
          ownerId: null,
          poolState: 'public',
          actorType: 'rule',
          action: 'recycle',
          reason: `${m.rule}:${m.days}`,
          poolId: m.poolId,
        });
      }
    }
    const pools = [...new Set(moved.map((m) => m.poolId))];
    const answer: RecycleRunResponse = {
      dryRun: req.dryRun,
      now,
      moved: moved.length,
      warned: 0,
      byPool: pools.map((poolId) => {
        const mine = moved.filter((m) => m.poolId === poolId);
        const byRule: Record<string, number> = {};
        for (const m of mine) byRule[m.rule] = (byRule[m.rule] ?? 0) + 1;
        return { poolId, moved: mine.length, warned: 0, byRule };
      }),
      sample: moved.slice(0, 50).map((m) => ({
        id: m.customer.id,
        name: m.customer.name,
        ownerId: m.customer.ownerId,
        rule: m.rule,
        poolId: m.poolId,
      })),
    };
    return json(200, answer);
  }

  /** The public sea as the stand-in has it: public customers of the kind, name contains, phones masked. */
  function searchPublicSea(body: unknown): Response {
    const parsed = publicSeaQuery.safeParse(body);
    if (!parsed.success) {
      return json(400, {
        error: { code: 'validation', message: parsed.error.issues[0]?.message ?? 'invalid' },
      });
    }
    const q = parsed.data;
    const all = [...rows.customers.values()]
      .filter((c) => c.poolState === 'public' && c.kind === q.kind)
      .filter((c) => q.poolId === undefined || c.poolId === q.poolId)
      .filter((c) => !q.query || c.name.includes(q.query))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
    const start = q.cursor ? all.findIndex((c) => c.id > q.cursor!) : 0;
    const rowsOut = start < 0 ? [] : all.slice(start, start + q.limit);
    const last = rowsOut.at(-1);
    const page: PublicSeaPage = {
      rows: rowsOut.map((c) => ({
        id: c.id,
        kind: c.kind,
        name: c.name,
        industry: c.industry,
        region: c.region,
        level: c.level,
        status: c.status,
        phoneMasked: maskPhone(c.phone),
        poolId: c.poolId,
        enteredPoolAt: c.enteredPoolAt,
        lastFollowUpAt: c.lastFollowUpAt,
        previousOwnerName: c.previousOwnerId
          ? (rows.users.get(c.previousOwnerId)?.displayName ?? null)
          : null,
        protectedUntil: null,
        cooldownUntil: null,
      })),
      nextCursor: last && start + q.limit < all.length ? last.id : null,
      standing: null,
    };
    return json(200, page);
  }

  /** An admin saves a pool: a new version every device pulls. */
  function savePool(body: unknown): Response {
    if (user.role !== 'admin') return json(403, { error: { code: 'forbidden', message: 'admins only' } });
    const parsed = savePoolRequest.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return json(400, {
        error: { code: 'validation', message: issue?.message ?? 'invalid', field: issue?.path.join('.') },
      });
    }
    const { id: given, ...fields } = parsed.data;
    const id = given ?? newId();
    const before = rows.pools.get(id);
    const at = clock();
    version += 1;
    rows.pools.set(id, {
      ...fields,
      id,
      orgId: user.orgId,
      createdAt: before?.createdAt ?? at,
      updatedAt: at,
      version,
    });
    return json(200, { id });
  }

  /** Gives the rows a mutation reads a new version, so the next pull sends them again. */
  function resend(name: string, args: unknown): void {
    if (!isMutationName(name)) return;
    const def = getMutation(name);
    const parsed = def.args.safeParse(args);
    if (!parsed.success) return;
    for (const spec of Object.values(def.reads(parsed.data, { orgId: user.orgId }))) {
      const table = spec ? (rows[spec.table] as Map<string, RowOf[SyncedTable]>) : undefined;
      const row = spec ? table?.get(spec.id) : undefined;
      if (!spec || !table || !row) continue;
      version += 1;
      table.set(spec.id, { ...row, version });
    }
  }

  function push(req: PushRequest): Response {
    let last = lastMutationIds.get(req.clientId) ?? 0;
    const refused: Rejection[] = [];
    for (const m of req.mutations) {
      if (m.id <= last) continue;
      if (m.id > last + 1)
        return json(409, { error: { code: 'conflict', message: `gap: expected ${last + 1}, got ${m.id}` } });
      try {
        if (!isMutationName(m.name)) throw new AppError('bad_request', `unknown mutation ${m.name}`);
        const def = getMutation(m.name);
        const parsed = def.args.safeParse(m.args);
        if (!parsed.success) throw new AppError('validation', parsed.error.issues[0]?.message ?? 'invalid');
        const loaded: Record<string, unknown> = {};
        for (const [k, spec] of Object.entries(def.reads(parsed.data, { orgId: user.orgId })))
          loaded[k] = spec ? rows[spec.table].get(spec.id) : undefined;
        const effects = def.plan(parsed.data, loaded as never, {
          authority: 'server',
          orgId: user.orgId,
          userId: user.id,
          role: user.role,
          now: clock(),
          // Reps see their own private sea; managers (the stand-in has no teams) everyone's.
          canSeeOwner: (owner) => owner !== null && (user.role !== 'rep' || owner === user.id),
        });
        assertUnique(effects);
        version += 1;
        apply(effects, version, req.clientId, m.id, m.name);
      } catch (err) {
        const rejection = { mutationId: m.id, name: m.name, error: toErrorData(err) };
        refused.push(rejection);
        rejections.push({ ...rejection, clientId: req.clientId, args: m.args });
        // As the real server re-sends what a refused mutation read (its optimistic values go).
        if (scoped) resend(m.name, m.args);
      }
      last = m.id;
    }
    lastMutationIds.set(req.clientId, last);
    return json(200, { lastMutationId: last, rejections: refused } satisfies PushResponse);
  }

  function pull(body: { clientId: string; cursor: string | null }, pageSize: number): Response {
    const prev: Cursor = body.cursor
      ? (JSON.parse(body.cursor) as Cursor)
      : { v: 0, snap: version, offset: 0, acked: 0, full: true };
    const snap = body.cursor && prev.offset > 0 ? prev.snap : version;
    const all: PatchOp[] = [];
    if (prev.full) all.push({ op: 'clear' });
    const changed = (v: number) => v > prev.v && v <= snap;
    for (const table of SYNCED_TABLES) {
      for (const row of rows[table].values()) {
        if (scoped && table === 'customers') {
          // Out of scope: never sent; sent away when it changed (left) since the device's cursor.
          if (!visible(row as CustomerRow)) {
            if (!prev.full && changed(row.version)) all.push({ op: 'del', table, id: row.id });
            continue;
          }
        } else if (scoped && TABLE_SCOPE[table] === 'child') {
          const customer = rows.customers.get((row as { customerId: string }).customerId);
          if (!visible(customer)) continue;
          // A customer that entered the scope since the cursor comes with all its children.
          if (!prev.full && changed(movedAt.get(customer!.id) ?? 0)) {
            all.push({ op: 'put', table, row: row as Record<string, unknown> });
            continue;
          }
        }
        if (changed(row.version)) all.push({ op: 'put', table, row: row as Record<string, unknown> });
      }
    }
    if (!prev.full) {
      for (const d of deleted)
        if (d.version > prev.v && d.version <= snap) all.push({ op: 'del', table: d.table, id: d.id });
    }
    const page = all.slice(prev.offset, prev.offset + pageSize);
    const hasMore = prev.offset + pageSize < all.length;
    const last = lastMutationIds.get(body.clientId) ?? 0;
    const next: Cursor = hasMore
      ? { ...prev, snap, offset: prev.offset + pageSize }
      : { v: snap, snap, offset: 0, acked: last, full: false };
    const res: PullResponse = {
      cursor: JSON.stringify(next),
      hasMore,
      lastMutationId: last,
      patch: page,
      rejections: rejections
        .filter((r) => r.clientId === body.clientId && r.mutationId > prev.acked && r.mutationId <= last)
        .map(({ mutationId, name, error, args }) => ({ mutationId, name, error, args })),
      conflicts: conflicts
        .filter((c) => c.clientId === body.clientId && c.mutationId > prev.acked && c.mutationId <= last)
        .map(({ clientId: _clientId, ...c }) => c),
      ...(prev.full
        ? {
            progress: {
              sent: all.slice(0, prev.offset + page.length).filter((op) => op.op === 'put').length,
              total: all.filter((op) => op.op === 'put').length,
            },
          }
        : {}),
    };
    return json(200, res);
  }

  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const encoder = new TextEncoder();

  function events(signal: AbortSignal | null | undefined): Response {
    let controller: ReadableStreamDefaultController<Uint8Array> | null = null;
    const close = () => {
      if (!controller) return;
      streams.delete(controller);
      try {
        controller.close();
      } catch {
        // already closed by the reader
      }
      controller = null;
    };
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        controller = c;
        streams.add(c);
        c.enqueue(encoder.encode(': connected\n\n'));
      },
      cancel: close,
    });
    signal?.addEventListener('abort', close, { once: true });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  }

  const server: FakeSyncServer = {
    put(table, row) {
      version += 1;
      (rows[table] as Map<string, RowOf[SyncedTable]>).set(row.id, { ...row, version });
    },
    poke() {
      for (const c of streams) c.enqueue(encoder.encode('event: poke\ndata: {}\n\n'));
    },
    openStreams: () => streams.size,
    dropStreams() {
      for (const c of [...streams]) {
        streams.delete(c);
        c.close();
      }
    },
    move(customerId, to) {
      const row = rows.customers.get(customerId);
      if (!row) throw new Error(`no customer ${customerId}`);
      version += 1;
      return moveCustomer(row, version, to);
    },
    beforeMove: null,
    rows,
    lastMutationIds,
    intercept: null,
    pageSize: 1000,
    requests: [],
    user,
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const path = new URL(String(input)).pathname;
      if (path === '/sync/events') return server.intercept?.(path, null, init) ?? events(init?.signal);
      const body: unknown = init?.body ? JSON.parse(String(init.body)) : null;
      server.requests.push({ path, body, method: init?.method ?? 'GET' });
      const intercepted = server.intercept?.(path, body, init);
      if (intercepted) return intercepted;
      if (path === '/auth/login')
        return json(200, { token: 'fake-token', expiresAt: Date.now() + 86_400_000, user });
      if (path === '/auth/logout') return json(200, { ok: true });
      if (path === '/sync/push') return push(body as PushRequest);
      if (path === '/sync/pull')
        return pull(body as { clientId: string; cursor: string | null }, server.pageSize);
      if (path === '/sea/search') return searchPublicSea(body);
      if (path === '/admin/pools') return savePool(body);
      if (path === '/admin/pools/run') return runRecycle(body);
      return json(404, { error: { code: 'not_found', message: path } });
    }) as typeof fetch,
  };
  return server;
}
