import { SYNCED_TABLES, type RowOf, type SyncedTable } from '../../../../shared/domain/rows';
import { AppError, toErrorData } from '../../../../shared/errors';
import { getMutation, isMutationName, sameValue, type Effect } from '../../../../shared/mutations';
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
};

type Cursor = { v: number; snap: number; offset: number; acked: number; full: boolean };

export function createFakeSyncServer(
  user: SessionUser,
  seed: { [T in SyncedTable]?: RowOf[T][] } = {},
): FakeSyncServer {
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
        if (row)
          rows.customers.set(e.customerId, {
            ...row,
            ownerId: e.ownerId,
            poolState: e.poolState,
            version: v,
          });
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
          now: Date.now(),
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
    for (const table of SYNCED_TABLES) {
      for (const row of rows[table].values()) {
        if (row.version > prev.v && row.version <= snap)
          all.push({ op: 'put', table, row: row as Record<string, unknown> });
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
      return json(404, { error: { code: 'not_found', message: path } });
    }) as typeof fetch,
  };
  return server;
}
