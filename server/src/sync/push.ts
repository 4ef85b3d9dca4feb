import { sql } from 'drizzle-orm';
import { AppError, parseOrThrow, type AppErrorData } from '../../../shared/errors';
import { SYNCED_TABLES, TABLE_SCOPE } from '../../../shared/domain/rows';
import type { Effect, MutationContext } from '../../../shared/mutations';
import {
  pushRequestSchema,
  type PushedMutation,
  type PushResponse,
  type Rejection,
  type SessionUser,
} from '../../../shared/sync/protocol';
import { pgErrorCode, type DbRow, type ServerDb, type ServerTx } from '../db/database';
import { SQL_TABLES } from '../db/wire';
import {
  applyBatch,
  lockReads,
  MAX_POKED_OWNERS,
  NeedsSlowPath,
  pendingReads,
  RETRYABLE_PG_CODES,
} from './batch';
import { prepareTemplatedReads } from './attrs';
import { definedReads, resolveMutation } from './mutators';
import { describeDuplicate } from './duplicates';
import {
  applyEffect,
  asDuplicate,
  databaseRefusal,
  DuplicateCustomer,
  MutatorFailure,
  readForUpdate,
  type WriteStamp,
} from './effects';
import { checkProtocolVersion } from './protocolGate';
import { POKE_CHANNEL } from './pokes';
import { loadScope, ownerPredicate } from './scope';

/** Attempts of one push when PostgreSQL reports a deadlock or a serialisation failure. */
const MAX_ATTEMPTS = 4;

/**
 * Locks the device's sync_clients row (creating it on first sight, bound to this user) and returns its
 * last processed mutation id. The lock serialises concurrent pushes of one device.
 *
 * Safe reset (docs/sync-protocol.md "Reset"): a client the server has never seen whose first push starts
 * above 1 kept its outbox while the server's database was restored or reset. Nothing of this client can
 * have been applied in this database (the row is written in the same transaction as any effect), so its
 * first pushed id becomes the baseline instead of a 409 that would block the device forever.
 */
async function lockClient(
  tx: ServerTx,
  clientId: string,
  user: SessionUser,
  now: number,
  firstPushedId: number,
): Promise<number> {
  const select = sql`
    SELECT user_id AS "userId", last_mutation_id AS "lastMutationId"
    FROM sync_clients WHERE client_id = ${clientId} FOR UPDATE`;
  // A device the server knows (every push but its first): one round trip.
  let [client] = await tx.rows<{ userId: string; lastMutationId: number }>(select);
  if (!client) {
    // ON CONFLICT DO NOTHING waits for a concurrent first push of the same client, then the SELECT (a new
    // statement, so a new snapshot) sees and locks the row it created.
    await tx.rows(sql`
      INSERT INTO sync_clients (client_id, user_id, org_id, last_mutation_id, created_at, updated_at)
      VALUES (${clientId}, ${user.id}, ${user.orgId}, ${Math.max(0, firstPushedId - 1)}, ${now}, ${now})
      ON CONFLICT (client_id) DO NOTHING`);
    [client] = await tx.rows<{ userId: string; lastMutationId: number }>(select);
  }
  if (!client || client.userId !== user.id) {
    throw new AppError('forbidden', 'clientId: this client belongs to another user; start a new client', {
      field: 'clientId',
    });
  }
  return client.lastMutationId;
}

/**
 * The mutations still to apply, in id order, each once: ids ≤ `last` were processed before (retries,
 * duplicates) and are skipped. The rest must continue the sequence without a hole, else the device lost
 * a mutation and nothing of this push may be applied (409).
 */
export function pendingMutations(mutations: readonly PushedMutation[], last: number): PushedMutation[] {
  const sorted = [...mutations].sort((a, b) => a.id - b.id);
  const pending: PushedMutation[] = [];
  let expected = last + 1;
  for (const m of sorted) {
    if (m.id < expected) continue;
    if (m.id > expected) {
      throw new AppError('conflict', `mutations: expected mutation id ${expected}, got ${m.id} (a gap)`, {
        field: 'mutations',
        params: { expected, got: m.id },
      });
    }
    pending.push(m);
    expected++;
  }
  return pending;
}

/** The customer an insert or update writes, with the values it writes (for naming a duplicate's holder). */
function customerWrite(effect: Effect): { id: string; values: Record<string, unknown> } | undefined {
  if (effect.kind === 'insert' && effect.table === 'customers') {
    return { id: effect.row.id, values: effect.row };
  }
  if (effect.kind === 'update' && effect.table === 'customers') {
    return { id: effect.id, values: effect.set };
  }
  return undefined;
}

/** Runs one mutation inside its savepoint: parse args, lock its reads, plan, write the effects. */
async function runMutation(
  tx: ServerTx,
  m: PushedMutation,
  ctx: MutationContext,
  stamp: WriteStamp,
  protocolVersion: number,
): Promise<void> {
  const def = resolveMutation(m.name, protocolVersion);
  const args = parseOrThrow(def.args, m.args, 'args');
  const loaded: Record<string, DbRow | undefined> = {};
  // Each customer as this mutation means to leave it: a unique index's refusal names the value from it.
  const customers = new Map<string, Record<string, unknown>>();
  for (const [key, spec] of definedReads(def.reads(args, { orgId: ctx.orgId }))) {
    const row = await readForUpdate(tx, spec, ctx.orgId);
    loaded[key] = row;
    if (spec.table === 'customers' && row) customers.set(spec.id, row);
  }
  let effects;
  try {
    effects = def.plan(args, loaded as never, ctx);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new MutatorFailure(err instanceof Error ? err.message : String(err));
  }
  // Unique-attribute checks before any write, as the fast path decides them before its closing statement
  // meets the database's own unique indexes: a write that collides on both is refused the same way on
  // both paths (attrs.<field>, not name).
  const ordered = [
    ...effects.filter((e) => e.kind === 'assertUnique'),
    ...effects.filter((e) => e.kind !== 'assertUnique'),
  ];
  for (const effect of ordered) {
    const write = customerWrite(effect);
    if (write) customers.set(write.id, { ...customers.get(write.id), ...write.values });
    try {
      await applyEffect(tx, effect, stamp, { mutationId: m.id, name: m.name });
    } catch (err) {
      throw (write && asDuplicate(err, write.id, customers.get(write.id))) ?? err;
    }
  }
}

/**
 * The error a refused mutation is recorded with, or undefined when the push itself must fail. Runs after
 * the mutation's savepoint was rolled back, so it may read: a duplicate names its holder.
 */
async function refusal(tx: ServerTx, err: unknown, ctx: MutationContext): Promise<AppErrorData | undefined> {
  if (err instanceof AppError) return err.toJSON();
  if (err instanceof DuplicateCustomer) {
    const user = { id: ctx.userId, orgId: ctx.orgId };
    return (await describeDuplicate(tx, user, err.field, err.value, err.customerId)).toJSON();
  }
  if (err instanceof MutatorFailure)
    return { code: 'server_error', message: 'The server could not run this mutation' };
  return databaseRefusal(err)?.toJSON();
}

/**
 * The reference path: each mutation in its own SAVEPOINT, reads and effects one statement at a time. A
 * refused mutation rolls back to its savepoint and becomes a rejection.
 */
async function applyOneByOne(
  tx: ServerTx,
  pending: PushedMutation[],
  ctx: MutationContext,
  stamp: WriteStamp,
  protocolVersion: number,
): Promise<Rejection[]> {
  const rejections: Rejection[] = [];
  for (const m of pending) {
    try {
      await tx.savepoint((sp) => runMutation(sp, m, ctx, stamp, protocolVersion));
    } catch (err) {
      const error = await refusal(tx, err, ctx);
      if (!error) throw err;
      rejections.push({ mutationId: m.id, name: m.name, error });
    }
  }
  return rejections;
}

/** How a push runs its mutations: batched (default, with one-by-one as fallback) or one-by-one only. */
export type PushStrategy = 'batch' | 'one-by-one';

/** The mutator context of the pushing user (their scope decides which owners they may work on). */
async function mutationContext(tx: ServerTx, user: SessionUser, now: number): Promise<MutationContext> {
  const scope = await loadScope(tx, user);
  return {
    authority: 'server',
    orgId: user.orgId,
    userId: user.id,
    role: user.role,
    now,
    canSeeOwner: ownerPredicate(scope),
  };
}

/**
 * One push transaction. Lock order, the same in both strategies (docs/server.md "Lock order"): the
 * device's sync_clients row, then every row the mutations read (tables in a fixed order, ids sorted),
 * then the org row — taken last, by the version bump, and held only until the commit right after.
 */
async function pushOnce(
  db: ServerDb,
  user: SessionUser,
  request: ReturnType<typeof parsePush>,
  now: number,
  strategy: PushStrategy,
) {
  return db.transaction(async (tx): Promise<PushResponse> => {
    const firstPushedId = Math.min(...request.mutations.map((m) => m.id));
    const last = await lockClient(tx, request.clientId, user, now, firstPushedId);
    const pending = pendingMutations(request.mutations, last);
    if (pending.length === 0) return { lastMutationId: last, rejections: [] };
    const lastMutationId = pending[pending.length - 1]?.id ?? last;
    const ctx = await mutationContext(tx, user, now);
    const base = { orgId: user.orgId, now, userId: user.id, clientId: request.clientId };

    const protocolVersion = request.protocolVersion;
    if (strategy === 'batch') {
      // Throws NeedsSlowPath (the caller rolls back and replays one by one) or a retryable error.
      const rejections = await applyBatch(tx, pending, ctx, base, lastMutationId, protocolVersion);
      return { lastMutationId, rejections };
    }

    // The slow path locks the same rows first, in the same order, so it cannot deadlock with a fast
    // path push that holds some of them and waits for the org lock this path is about to take. Before
    // them, as on the fast path, the catalog's shared lock when a mutation judges attributes.
    const specs = pendingReads(pending, user.orgId, protocolVersion);
    const context = await prepareTemplatedReads(tx, specs, ctx);
    await lockReads(tx, specs, user.orgId);
    // One version per push transaction. The org row stays locked until commit, so the writers of one org
    // commit in version order and a pull snapshot always sees a prefix of versions (docs/server.md).
    const [org] = await tx.rows<{ version: number }>(sql`
      UPDATE orgs SET version = version + 1 WHERE id = ${user.orgId} RETURNING version::float8 AS version`);
    if (!org) throw new AppError('unauthorized', 'Your organisation no longer exists');
    const stamp: WriteStamp = { ...base, version: org.version };
    const rejections = await applyOneByOne(tx, pending, context, stamp, protocolVersion);
    const byId = new Map(pending.map((m) => [m.id, m]));
    for (const r of rejections) {
      await tx.rows(sql`
        INSERT INTO mutation_rejections (client_id, mutation_id, name, args, error, created_at)
        VALUES (${request.clientId}, ${r.mutationId}, ${r.name}, ${JSON.stringify(byId.get(r.mutationId)?.args ?? null)}::jsonb,
                ${JSON.stringify(r.error)}::jsonb, ${now})`);
    }
    await tx.rows(sql`
      UPDATE sync_clients SET last_mutation_id = ${lastMutationId}, updated_at = ${now}
      WHERE client_id = ${request.clientId}`);
    if (rejections.length < pending.length) await notifyOwners(tx, stamp);
    return { lastMutationId, rejections };
  });
}

/**
 * Queues a poke for every device whose scope this push wrote into: one NOTIFY naming the org, the owners
 * of every row stamped with this push's version (and the previous owners of moved customers), and the
 * pushing client (it pulls anyway, so it is not poked). NOTIFY is transactional: PostgreSQL delivers it
 * to every listening instance only when the push commits, and never if it rolls back. (The fast path
 * computes the same owners from its overlay, in its closing statement: batch.ts.)
 */
async function notifyOwners(tx: ServerTx, stamp: WriteStamp): Promise<void> {
  const { orgId, version } = stamp;
  const stampedHere = sql`x.org_id = ${orgId} AND x.version = ${version}`;
  // The owner of the customer of every child row stamped (TABLE_SCOPE 'child'), whatever the table.
  const ownerOfChildren = (table: string) =>
    sql`UNION SELECT c.owner_id FROM ${sql.raw(table)} x JOIN customers c ON c.id = x.customer_id
      WHERE ${stampedHere}`;
  const children = SYNCED_TABLES.filter((t) => TABLE_SCOPE[t] === 'child').map((t) =>
    ownerOfChildren(SQL_TABLES[t]),
  );
  // An org-wide row (settings) changed: every device of the org pulls.
  const orgWide = SYNCED_TABLES.filter((t) => TABLE_SCOPE[t] === 'org').map(
    (t) => sql`EXISTS (SELECT 1 FROM ${sql.raw(SQL_TABLES[t])} x WHERE ${stampedHere})`,
  );
  await tx.rows(sql`
    WITH touched AS (
      SELECT owner_id AS o FROM customers WHERE org_id = ${orgId} AND version = ${version}
      UNION SELECT from_owner_id FROM ownership_history WHERE org_id = ${orgId} AND version = ${version}
      ${sql.join(children, sql` `)}
    ), owners AS (SELECT DISTINCT o FROM touched WHERE o IS NOT NULL)
    SELECT pg_notify(${POKE_CHANNEL}, ${orgId} || ':' || (
      SELECT CASE WHEN ${sql.join(orgWide, sql` OR `)} OR count(*) > ${MAX_POKED_OWNERS} THEN '*'
        ELSE coalesce(string_agg(o::text, ','), '') END
      FROM owners) || ':' || ${stamp.clientId})`);
}

/** Mutation ids are stored as PostgreSQL integers. */
const MAX_MUTATION_ID = 2_147_483_647;

function parsePush(body: unknown) {
  checkProtocolVersion(body);
  const request = parseOrThrow(pushRequestSchema, body, 'push');
  const index = request.mutations.findIndex((m) => m.id > MAX_MUTATION_ID);
  if (index >= 0) {
    throw new AppError('validation', `mutations.${index}.id: at most ${MAX_MUTATION_ID}`, {
      field: `mutations.${index}.id`,
    });
  }
  return request;
}

/**
 * POST /sync/push: applies a device's mutations in id order, each at most once, in ONE transaction that
 * also records the device's last mutation id. A mutation its mutator refuses is rolled back (to its
 * savepoint, or simply left out of the batch's overlay on the fast path), recorded as a rejection with
 * the user's args and acknowledged, so it never blocks the queue. `strategy` is for tests.
 */
export async function handlePush(
  db: ServerDb,
  user: SessionUser,
  body: unknown,
  now: number,
  options: { strategy?: PushStrategy } = {},
): Promise<PushResponse> {
  const request = parsePush(body);
  let strategy = options.strategy ?? 'batch';
  for (let attempt = 1; ; attempt++) {
    try {
      return await pushOnce(db, user, request, now, strategy);
    } catch (err) {
      if (err instanceof NeedsSlowPath) {
        // The fast path's transaction is rolled back; the reference path decides (not a failed attempt).
        strategy = 'one-by-one';
        attempt--;
        continue;
      }
      const code = pgErrorCode(err);
      if (attempt >= MAX_ATTEMPTS || !code || !RETRYABLE_PG_CODES.has(code)) throw err;
      // PostgreSQL chose this push as a deadlock victim (or a serialisation failure): the other side has
      // its locks now. A short random pause keeps the retry from colliding with it again.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * attempt));
    }
  }
}
