import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { uniqueKey } from '../../../shared/domain/uniqueness';
import { AppError, parseOrThrow } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { poolForCustomer } from '../../../shared/pools/resolve';
import {
  activityEventSchema,
  recycleRunRequest,
  type ActivityEvent,
  type ActivityEventResponse,
  type PoolKind,
  type RecycleRunResponse,
} from '../../../shared/pools/schema';
import type { AdminRouteDeps } from '../admin/routes';
import type { SessionUser } from '../../../shared/sync/protocol';
import type { ServerDb, ServerTx } from '../db/database';
import { POKE_CHANNEL } from '../sync/pokes';
import { API_KEY_HEADER, authenticateApiKey } from './apiKeys';
import { chooseAroundLock } from './assign';
import { loadPools } from './claim';
import { loadOrgLists, runRecycle, serverTaskType } from './recycle';

/**
 * Reactivation (docs/pools.md "Reactivation"): `POST /events`, where other systems (ERP trades, web
 * inquiries, product browsing) report a customer's activity with the org's API key, and the admin's
 * recycle run `POST /admin/pools/run`.
 */

/** activity_events.customer_id while the event's transaction decides (never committed with it). */
const UNDECIDED = '00000000-0000-0000-0000-000000000000';

/** Where a lead created from an event says it came from. */
const LEAD_SOURCE: Record<ActivityEvent['type'], string> = {
  trade: '交易记录',
  inquiry: '询价',
  browse: '产品浏览',
};

/** The customer an event is about, its row locked for the event's transaction. */
type Matched = {
  id: string;
  kind: PoolKind;
  ownerId: string | null;
  poolId: string | null;
  previousOwnerId: string | null;
};

const MATCHED_COLUMNS = sql`id, kind, owner_id AS "ownerId", pool_id AS "poolId", previous_owner_id AS "previousOwnerId"`;

/**
 * The org's customer the event names: by id (another org's or an unknown id is a 404 naming
 * `match.customerId`: an event never creates a lead for an id it got wrong), else by credit code, else
 * by phone (normalised like the uniqueness key); a customer before a lead, then the most recently
 * updated. Undefined: no one matches (a new lead). Locks the row (`FOR NO KEY UPDATE`, as a push does),
 * so a claim racing the event waits for it or wins before it.
 */
async function matchCustomer(
  tx: ServerTx,
  orgId: string,
  match: ActivityEvent['match'],
): Promise<Matched | undefined> {
  if (match.customerId !== undefined) {
    const [row] = await tx.rows<Matched>(sql`
      SELECT ${MATCHED_COLUMNS} FROM customers
      WHERE id = ${match.customerId} AND org_id = ${orgId} AND deleted_at IS NULL FOR NO KEY UPDATE`);
    if (!row) {
      throw new AppError('not_found', 'match.customerId: no such customer in this organisation', {
        field: 'match.customerId',
      });
    }
    return row;
  }
  const byKey = async (column: 'credit_code' | 'phone_norm', value: string) => {
    const where = sql`org_id = ${orgId} AND ${sql.raw(column)} = ${value} AND deleted_at IS NULL`;
    // Customers first, through their unique index; leads (which may share keys) only when none holds it.
    const [customer] = await tx.rows<Matched>(sql`
      SELECT ${MATCHED_COLUMNS} FROM customers WHERE ${where} AND kind = 'customer' LIMIT 1 FOR NO KEY UPDATE`);
    if (customer) return customer;
    const [lead] = await tx.rows<Matched>(sql`
      SELECT ${MATCHED_COLUMNS} FROM customers WHERE ${where} AND kind = 'lead'
      ORDER BY updated_at DESC, id LIMIT 1 FOR NO KEY UPDATE`);
    return lead;
  };
  const code = uniqueKey('creditCode', match.creditCode);
  if (code !== null) return byKey('credit_code', code);
  const phone = uniqueKey('phone', match.phone);
  if (phone !== null) return byKey('phone_norm', phone);
  return undefined;
}

/** The org version bump of the event's transaction (the org row's lock, held until the commit). */
async function bumpVersion(tx: ServerTx, orgId: string): Promise<number> {
  const [row] = await tx.rows<{ version: number }>(sql`
    UPDATE orgs SET version = version + 1 WHERE id = ${orgId} RETURNING version::float8 AS version`);
  if (!row)
    throw new AppError('unauthorized', 'This API key belongs to an organisation that no longer exists');
  return row.version;
}

type Stamp = { orgId: string; now: number; version: number };

/** A task for the rep an event concerns: what happened, due now. */
async function insertTask(
  tx: ServerTx,
  s: Stamp,
  task: { customerId: string; assigneeId: string; type: string; title: string },
): Promise<string> {
  const id = newId(s.now);
  await tx.rows(sql`
    INSERT INTO tasks (id, org_id, customer_id, assignee_id, title, type, due_at, origin, status, created_by,
      created_at, updated_at, version)
    VALUES (${id}, ${s.orgId}, ${task.customerId}, ${task.assigneeId}, ${task.title}, ${task.type}, ${s.now},
      'reactivation', 'open', ${task.assigneeId}, ${s.now}, ${s.now}, ${s.version})`);
  return id;
}

/**
 * Moves a public customer into `ownerId`'s private sea, with its open opportunities and tasks (as
 * sync/effects.ts applyMove does for a claim), and records it in ownership history (actor `event`).
 */
async function assignCustomer(
  tx: ServerTx,
  s: Stamp,
  move: { customerId: string; ownerId: string; poolId: string | null; reason: string },
): Promise<void> {
  const { customerId, ownerId } = move;
  await tx.rows(sql`
    WITH old AS (
      SELECT id, owner_id, pool_state FROM customers WHERE id = ${customerId} AND org_id = ${s.orgId}
    ), upd AS (
      UPDATE customers c SET owner_id = ${ownerId}, pool_state = 'private', claimed_at = ${s.now},
        updated_at = ${s.now}, version = ${s.version}
      FROM old WHERE c.id = old.id RETURNING c.id
    ), opportunities_moved AS (
      UPDATE opportunities w SET owner_id = ${ownerId}, updated_at = ${s.now}, version = ${s.version}
      FROM old WHERE w.customer_id = old.id AND w.org_id = ${s.orgId} AND w.status = 'open'
        AND w.deleted_at IS NULL AND w.owner_id <> ${ownerId} RETURNING w.id
    ), tasks_moved AS (
      UPDATE tasks w SET assignee_id = ${ownerId}, updated_at = ${s.now}, version = ${s.version}
      FROM old WHERE w.customer_id = old.id AND w.org_id = ${s.orgId} AND w.status = 'open'
        AND w.deleted_at IS NULL AND w.assignee_id <> ${ownerId} RETURNING w.id
    )
    INSERT INTO ownership_history (id, org_id, customer_id, from_owner_id, to_owner_id, from_pool_state,
      to_pool_state, actor_type, actor_id, reason, action, pool_id, at, version)
    SELECT ${newId(s.now)}::uuid, ${s.orgId}::uuid, old.id, old.owner_id, ${ownerId}::uuid, old.pool_state,
      'private', 'event', NULL, ${move.reason}::text, 'reactivate', ${move.poolId}::uuid, ${s.now}::bigint,
      ${s.version}::bigint
    FROM old JOIN upd ON upd.id = old.id`);
}

/**
 * A new lead from an event about no customer the org knows, in the lead pool — assigned by its strategy
 * (private, with a history row of action `create`), or left in the pool when no rep can take it — with
 * its contact person when the event names one.
 */
async function createLead(
  tx: ServerTx,
  s: Stamp,
  event: ActivityEvent,
  lead: { ownerId: string | null; poolId: string | null; reason: string },
): Promise<string> {
  const id = newId(s.now);
  const creditCode = uniqueKey('creditCode', event.match.creditCode);
  const phone = event.match.phone ?? null;
  const name = event.company ?? phone ?? creditCode ?? event.eventId;
  const assigned = lead.ownerId !== null;
  await tx.rows(sql`
    INSERT INTO customers (id, org_id, name, name_norm, credit_code, phone, phone_norm, source, status, level,
      owner_id, pool_state, claimed_at, kind, lead_status, attrs, pool_id, locked, entered_pool_at, created_at,
      updated_at, version)
    VALUES (${id}, ${s.orgId}, ${name}, ${uniqueKey('name', name) ?? name}, ${creditCode}, ${phone},
      ${uniqueKey('phone', phone)}, ${LEAD_SOURCE[event.type]}, 'active', NULL, ${lead.ownerId},
      ${assigned ? 'private' : 'public'}, ${assigned ? s.now : null}, 'lead', 'new', '{}'::jsonb, ${lead.poolId},
      false, ${assigned ? null : s.now}, ${s.now}, ${s.now}, ${s.version})`);
  if (event.contactName !== undefined) {
    await tx.rows(sql`
      INSERT INTO contacts (id, org_id, customer_id, name, phone, is_primary, created_at, updated_at, version)
      VALUES (${newId(s.now)}, ${s.orgId}, ${id}, ${event.contactName}, ${phone}, true, ${s.now}, ${s.now},
        ${s.version})`);
  }
  await tx.rows(sql`
    INSERT INTO ownership_history (id, org_id, customer_id, from_owner_id, to_owner_id, from_pool_state,
      to_pool_state, actor_type, actor_id, reason, action, pool_id, at, version)
    VALUES (${newId(s.now)}, ${s.orgId}, ${id}, NULL, ${lead.ownerId}, NULL, ${assigned ? 'private' : 'public'},
      'event', NULL, ${lead.reason}, 'create', ${lead.poolId}, ${s.now}, ${s.version})`);
  return id;
}

/** Pokes the devices of `owner` (and of the managers who see them), delivered at commit. */
async function poke(tx: ServerTx, orgId: string, owner: string): Promise<void> {
  await tx.rows(sql`SELECT pg_notify(${POKE_CHANNEL}, ${`${orgId}:${owner}:`}) IS NULL AS notified`);
}

/**
 * `POST /events`: one activity event, applied at most once per (org, eventId), in ONE transaction:
 *  - the event's row first (`ON CONFLICT DO NOTHING`): a replay — or a copy racing the original, which
 *    waits for it — answers `duplicate` with the first outcome's ids and changes nothing;
 *  - a customer in a public pool: assigned by the pool's strategy (chooseAroundLock), its open work with
 *    it, and a task carrying the event; no rep able to take it → 409, and nothing is recorded;
 *  - a privately owned customer: a task for its owner;
 *  - no match: a new lead in the lead pool (assigned by its strategy, else left in the pool).
 * One org version bump; the commit pokes the rep's devices. Refusals (400 bad event, 401 key, 404
 * unknown customer id, 409 no rep) leave no trace, so the sender may retry the same eventId later.
 */
export async function handleActivityEvent(
  db: ServerDb,
  apiKey: unknown,
  body: unknown,
  now: number,
): Promise<ActivityEventResponse> {
  const { orgId } = await authenticateApiKey(db, apiKey);
  const event = parseOrThrow(activityEventSchema, body, 'event');
  return db.transaction(async (tx) => {
    const fresh = await tx.rows(sql`
      INSERT INTO activity_events (org_id, event_id, type, outcome, customer_id, payload, received_at)
      VALUES (${orgId}, ${event.eventId}, ${event.type}, 'pending', ${UNDECIDED}, ${JSON.stringify(event)}::jsonb,
        ${now})
      ON CONFLICT (org_id, event_id) DO NOTHING RETURNING event_id`);
    if (fresh.length === 0) {
      const [first] = await tx.rows<Omit<ActivityEventResponse, 'outcome'>>(sql`
        SELECT customer_id AS "customerId", owner_id AS "ownerId", task_id AS "taskId"
        FROM activity_events WHERE org_id = ${orgId} AND event_id = ${event.eventId}`);
      if (!first) throw new Error('activity event vanished');
      return { outcome: 'duplicate', ...first };
    }

    const reason = `${event.type}: ${event.summary}`.slice(0, 500);
    const title = event.summary.slice(0, 200);
    const customer = await matchCustomer(tx, orgId, event.match);
    const taskType = serverTaskType((await loadOrgLists(tx, orgId)).followUpTypes);
    // The org row after the customer's (docs/server.md "Lock order"). A choice of rep is made before it
    // and checked after it (chooseAroundLock): the org's writers wait only for that check. A refusal
    // below rolls the bump back.
    const bump = () => bumpVersion(tx, orgId);
    let response: ActivityEventResponse;
    if (customer && customer.ownerId !== null) {
      const stamp = { orgId, now, version: await bump() };
      const taskId = await insertTask(tx, stamp, {
        customerId: customer.id,
        assigneeId: customer.ownerId,
        type: taskType,
        title,
      });
      response = { outcome: 'taskForOwner', customerId: customer.id, ownerId: customer.ownerId, taskId };
    } else if (customer) {
      const poolNow = async () => poolForCustomer(await loadPools(tx, orgId), customer, null);
      const { choice, locked, pool } = await chooseAroundLock(
        tx,
        { orgId, pool: await poolNow(), kind: customer.kind, previousOwnerId: customer.previousOwnerId },
        bump,
        poolNow,
      );
      if (!choice) {
        throw new AppError('conflict', 'No active rep to assign to: the customer stays in the public pool', {
          params: { customerId: customer.id, ...(pool ? { poolId: pool.id } : {}) },
        });
      }
      const stamp = { orgId, now, version: locked };
      await assignCustomer(tx, stamp, {
        customerId: customer.id,
        ownerId: choice.ownerId,
        poolId: pool?.id ?? customer.poolId,
        reason,
      });
      const taskId = await insertTask(tx, stamp, {
        customerId: customer.id,
        assigneeId: choice.ownerId,
        type: taskType,
        title,
      });
      response = { outcome: 'assigned', customerId: customer.id, ownerId: choice.ownerId, taskId };
    } else {
      const poolNow = async () =>
        poolForCustomer(await loadPools(tx, orgId), { kind: 'lead', poolId: null }, null);
      const { choice, locked, pool } = await chooseAroundLock(
        tx,
        { orgId, pool: await poolNow(), kind: 'lead', previousOwnerId: null },
        bump,
        poolNow,
      );
      const stamp = { orgId, now, version: locked };
      const ownerId = choice?.ownerId ?? null;
      const customerId = await createLead(tx, stamp, event, { ownerId, poolId: pool?.id ?? null, reason });
      const taskId =
        ownerId === null
          ? null
          : await insertTask(tx, stamp, { customerId, assigneeId: ownerId, type: taskType, title });
      response = { outcome: 'leadCreated', customerId, ownerId, taskId };
    }
    await tx.rows(sql`
      UPDATE activity_events SET outcome = ${response.outcome}, customer_id = ${response.customerId},
        owner_id = ${response.ownerId}, task_id = ${response.taskId}
      WHERE org_id = ${orgId} AND event_id = ${event.eventId}`);
    if (response.ownerId !== null) await poke(tx, orgId, response.ownerId);
    return response;
  });
}

/**
 * The admin's recycle run (`POST /admin/pools/run`, body `recycleRunRequest`): the job for the admin's
 * org now, on the server clock; a dry run (the default) only counts, per pool and rule, what it would
 * move and whom it would warn — the admin screen's "would move today".
 */
async function adminRun(deps: AdminRouteDeps, user: SessionUser, body: unknown): Promise<RecycleRunResponse> {
  const orgId = user.orgId;
  const request = parseOrThrow(recycleRunRequest, body ?? {}, 'run');
  // A manager runs (or previews) only a pool they administer; the org's admins any or all.
  if (user.role !== 'admin' && request.poolId === undefined) {
    throw new AppError('forbidden', 'poolId: only an admin can run the job for every pool; name your pool', {
      field: 'poolId',
    });
  }
  if (request.poolId !== undefined) {
    const [pool] = await deps.db.rows<{ adminIds: string[] }>(
      sql`SELECT admin_ids AS "adminIds" FROM pools WHERE id = ${request.poolId} AND org_id = ${orgId}`,
    );
    if (!pool) throw new AppError('not_found', `poolId: no pool ${request.poolId}`, { field: 'poolId' });
    if (user.role !== 'admin' && !(user.role === 'manager' && pool.adminIds.includes(user.id))) {
      throw new AppError('forbidden', `poolId: you do not administer pool ${request.poolId}`, {
        field: 'poolId',
      });
    }
  }
  return runRecycle(deps.db, { orgId, poolId: request.poolId, now: deps.now(), dryRun: request.dryRun });
}

export function registerEventRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  app.post('/admin/pools/run', async (request) => {
    const user = await deps.user(request);
    if (user.role === 'rep') {
      throw new AppError(
        'forbidden',
        'Only an admin, or a manager who administers the pool, can run the recycle job',
      );
    }
    const result = await adminRun(deps, user, request.body);
    request.log.info(
      { userId: user.id, dryRun: result.dryRun, moved: result.moved, warned: result.warned },
      'recycle run',
    );
    return result;
  });

  app.post('/events', async (request) => {
    const answer = await handleActivityEvent(
      deps.db,
      request.headers[API_KEY_HEADER],
      request.body,
      deps.now(),
    );
    request.log.info(
      { outcome: answer.outcome, customerId: answer.customerId, ownerId: answer.ownerId },
      'event',
    );
    return answer;
  });
}
