import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { savePoolRequest, type PoolRow, type SavePoolRequest } from '../../../shared/pools/schema';
import type { SessionUser } from '../../../shared/sync/protocol';
import type { ServerDb, ServerTx } from '../db/database';
import type { AdminRouteDeps } from '../admin/routes';
import { parseBody } from '../admin/templates';
import { POKE_CHANNEL } from '../sync/pokes';
import { loadPools } from './claim';
import { searchPublicSea } from './sea';

/**
 * Pools' HTTP routes (docs/server.md "Pools and claims", docs/pools.md): the admin's pools
 * (`GET/POST /admin/pools`) and the public sea as any signed-in user browses it (`POST /sea/search`).
 * Claims, releases and assignments are not routes: they are mutations a device queues (sync/effects.ts).
 */
export function registerPoolRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { db, now } = deps;

  app.get('/admin/pools', async (request) => {
    const user = await poolAdminOf(deps, request);
    const pools = await loadPools(db, user.orgId);
    return { pools: user.role === 'admin' ? pools : pools.filter((p) => p.adminIds.includes(user.id)) };
  });

  app.post('/admin/pools', async (request) => {
    const user = await poolAdminOf(deps, request);
    return savePool(db, user, request.body, now());
  });

  app.post('/sea/search', async (request) => {
    const user = await deps.user(request);
    return searchPublicSea(db, user, request.body, now());
  });
}

/**
 * Who may see and change pools: the org's admins (every pool), and managers named in a pool's `adminIds`
 * (that pool's rules only: `savePool` and the recycle run check which). Reps never.
 */
async function poolAdminOf(deps: AdminRouteDeps, request: FastifyRequest): Promise<SessionUser> {
  const user = await deps.user(request);
  if (user.role === 'admin') return user;
  if (user.role === 'manager' && (await administersAnyPool(deps.db, user))) return user;
  throw new AppError(
    'forbidden',
    'Only an admin, or a manager who administers a pool, can see and change pools',
  );
}

async function administersAnyPool(db: ServerDb, user: SessionUser): Promise<boolean> {
  const rows = await db.rows(sql`
    SELECT 1 FROM pools WHERE org_id = ${user.orgId} AND admin_ids @> ${JSON.stringify([user.id])}::jsonb LIMIT 1`);
  return rows.length > 0;
}

/**
 * What a pool's own admin (a manager, not an org admin) may not change: which pools exist and whom they
 * serve stay the org admin's decisions; the pool's rules, names and assignment are theirs.
 */
const ORG_ADMIN_ONLY = ['kind', 'teamIds', 'adminIds', 'isDefault', 'active'] as const;

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((id, i) => id === y[i]);
}

/** A manager's save: only of a pool they administer, and none of the org admin's fields changed. */
function checkPoolAdminSave(user: SessionUser, stored: PoolRow | undefined, request: SavePoolRequest): void {
  if (request.id === undefined) {
    throw new AppError('forbidden', 'id: only an admin can create a pool', { field: 'id' });
  }
  if (!stored || !stored.adminIds.includes(user.id)) {
    throw new AppError('forbidden', `id: you do not administer pool ${request.id}`, { field: 'id' });
  }
  for (const field of ORG_ADMIN_ONLY) {
    const before = stored[field];
    const after = request[field];
    const same = Array.isArray(before) && Array.isArray(after) ? sameIds(before, after) : before === after;
    if (!same) {
      throw new AppError('forbidden', `${field}: only an admin can change this of a pool`, { field });
    }
  }
}

/** Ids listed twice are kept once, in their first place. */
const unique = (ids: readonly string[]) => [...new Set(ids)];

/**
 * The references of a pool must be the org's: its teams, its users, a stage of its settings for the
 * opportunity exemption (an open one: a won or lost opportunity is not open). The first that is not is
 * refused, naming it.
 */
async function checkReferences(tx: ServerTx, orgId: string, request: SavePoolRequest): Promise<void> {
  const [refs] = await tx.rows<{ teams: string[] | null; users: string[] | null; stages: unknown }>(sql`
    SELECT (SELECT json_agg(id) FROM teams WHERE org_id = ${orgId}) AS teams,
      (SELECT json_agg(id) FROM users WHERE org_id = ${orgId}) AS users,
      (SELECT stages FROM settings WHERE id = ${orgId}) AS stages`);
  const teams = new Set(refs?.teams ?? []);
  const users = new Set(refs?.users ?? []);
  request.teamIds.forEach((id, i) => {
    if (!teams.has(id)) {
      throw new AppError('validation', `teamIds.${i}: no team ${id} in your organisation`, {
        field: `teamIds.${i}`,
      });
    }
  });
  request.adminIds.forEach((id, i) => {
    if (!users.has(id)) {
      throw new AppError('validation', `adminIds.${i}: no user ${id} in your organisation`, {
        field: `adminIds.${i}`,
      });
    }
  });
  const stage = request.recycle.exemptions.openOpportunityFromStage;
  const stages = Array.isArray(refs?.stages) ? (refs.stages as { key?: unknown; kind?: unknown }[]) : [];
  if (stage !== null && !stages.some((s) => s.key === stage && s.kind === 'open')) {
    const field = 'recycle.exemptions.openOpportunityFromStage';
    throw new AppError('validation', `${field}: "${stage}" is not an open stage of your organisation`, {
      field,
    });
  }
}

type StoredPool = Pick<PoolRow, 'id' | 'kind' | 'isDefault' | 'active'>;

/**
 * `POST /admin/pools`: creates a pool (no `id`) or updates one, in one transaction. Each kind keeps one
 * active default pool, where releases go when no pool serves the owner's team: making a pool the default
 * takes that from the previous one, and the default cannot be deactivated or stop being the default
 * (make another pool the default first; then the old one can be deactivated). A pool's kind never changes (its customers are of that kind).
 * Like the catalog, pools reach devices by the pull: the write bumps the org version (taking the org
 * row's lock, as every writer does, so two saves cannot both keep a default), stamps the rows with it,
 * and pokes every device of the org.
 */
export async function savePool(
  db: ServerDb,
  admin: SessionUser,
  body: unknown,
  now: number,
): Promise<{ id: string }> {
  const request = parseBody(savePoolRequest, body);
  if (admin.role !== 'admin') {
    const pools = await loadPools(db, admin.orgId);
    checkPoolAdminSave(
      admin,
      pools.find((p) => p.id === request.id),
      request,
    );
  }
  if (request.isDefault && !request.active) {
    throw new AppError(
      'validation',
      'active: the default pool must stay active; make another pool the default first',
      { field: 'active' },
    );
  }
  const teamIds = unique(request.teamIds);
  const adminIds = unique(request.adminIds);
  const org = admin.orgId;
  return db.transaction(async (tx) => {
    await checkReferences(tx, org, request);
    const [bumped] = await tx.rows<{ version: number }>(sql`
      UPDATE orgs SET version = version + 1 WHERE id = ${org} RETURNING version::float8 AS version`);
    if (!bumped) throw new AppError('unauthorized', 'Your organisation no longer exists');
    const version = bumped.version;
    let id = request.id;
    if (id !== undefined) {
      const [stored] = await tx.rows<StoredPool>(sql`
        SELECT id, kind, is_default AS "isDefault", active FROM pools
        WHERE id = ${id} AND org_id = ${org} FOR UPDATE`);
      if (!stored) throw new AppError('not_found', `id: no pool ${id}`, { field: 'id' });
      if (stored.kind !== request.kind) {
        throw new AppError('validation', `kind: a ${stored.kind} pool cannot become a ${request.kind} pool`, {
          field: 'kind',
        });
      }
      if (stored.isDefault && !request.isDefault) {
        throw new AppError(
          'conflict',
          `isDefault: this is the default ${stored.kind} pool; make another pool the default instead`,
          { field: 'isDefault' },
        );
      }
    }
    if (request.isDefault) {
      // Before the write: the partial unique index allows one default per kind at any moment.
      await tx.rows(sql`
        UPDATE pools SET is_default = false, updated_at = ${now}, version = ${version}
        WHERE org_id = ${org} AND kind = ${request.kind} AND is_default AND id IS DISTINCT FROM ${id ?? null}::uuid`);
    }
    const values = {
      nameZh: request.nameZh,
      nameEn: request.nameEn,
      teamIds: JSON.stringify(teamIds),
      adminIds: JSON.stringify(adminIds),
      recycle: JSON.stringify(request.recycle),
      claim: JSON.stringify(request.claim),
    };
    if (id === undefined) {
      id = newId(now);
      await tx.rows(sql`
        INSERT INTO pools (id, org_id, kind, name_zh, name_en, team_ids, admin_ids, is_default, active, recycle,
          claim, assign, created_at, updated_at, version)
        VALUES (${id}, ${org}, ${request.kind}, ${values.nameZh}, ${values.nameEn}, ${values.teamIds}::jsonb,
          ${values.adminIds}::jsonb, ${request.isDefault}, ${request.active}, ${values.recycle}::jsonb,
          ${values.claim}::jsonb, ${request.assign}, ${now}, ${now}, ${version})`);
    } else {
      await tx.rows(sql`
        UPDATE pools SET name_zh = ${values.nameZh}, name_en = ${values.nameEn}, team_ids = ${values.teamIds}::jsonb,
          admin_ids = ${values.adminIds}::jsonb, is_default = ${request.isDefault}, active = ${request.active},
          recycle = ${values.recycle}::jsonb, claim = ${values.claim}::jsonb, assign = ${request.assign},
          updated_at = ${now}, version = ${version}
        WHERE id = ${id}`);
    }
    await tx.rows(sql`SELECT pg_notify(${POKE_CHANNEL}, ${`${org}:*:`}) IS NULL AS notified`);
    return { id };
  });
}
