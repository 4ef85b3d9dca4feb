import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { SqlRunner } from '../db/database';

/**
 * API keys of the other systems that send activity events to `POST /events` (docs/pools.md
 * "Reactivation"), one org each. Only the sha256 of a key is stored, like device tokens: a leaked table
 * grants nothing. The key itself is shown once, when it is made.
 */

/** The header that carries the key. */
export const API_KEY_HEADER = 'x-api-key';

/**
 * The demo org's fixed key (README, docs/pools.md), so a reader can try the API against the demo server:
 * `curl -H 'x-api-key: tp_demo_events_key' -H 'content-type: application/json' -d '{…}' http://127.0.0.1:4400/events`.
 * Written only by the demo seed; never use a fixed key for a real org.
 */
export const DEMO_EVENTS_API_KEY = 'tp_demo_events_key';

/** sha256 of a key, hex: what `org_api_keys.key_hash` holds. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

async function insertKey(
  db: SqlRunner,
  orgId: string,
  name: string,
  key: string,
  now: number,
): Promise<string> {
  const hash = hashApiKey(key);
  await db.rows(sql`
    INSERT INTO org_api_keys (id, org_id, name, key_hash, created_at)
    VALUES (${newId(now)}, ${orgId}, ${name}, ${hash}, ${now})
    ON CONFLICT (key_hash) DO NOTHING`);
  const [row] = await db.rows<{ id: string }>(
    sql`SELECT id FROM org_api_keys WHERE key_hash = ${hash} AND org_id = ${orgId}`,
  );
  // Only the fixed demo key can collide (random keys have 192 bits): it belongs to one org.
  if (!row) throw new Error('This API key already belongs to another org');
  return row.id;
}

/** Makes a new key for `orgId` (named for the system that uses it); returns its id and the key, shown once. */
export async function createApiKey(
  db: SqlRunner,
  orgId: string,
  name: string,
  now = Date.now(),
): Promise<{ id: string; key: string }> {
  const key = `tp_${randomBytes(24).toString('base64url')}`;
  return { id: await insertKey(db, orgId, name, key, now), key };
}

/** Writes the demo key (DEMO_EVENTS_API_KEY) for the demo org; a second call changes nothing. */
export async function seedDemoApiKey(
  db: SqlRunner,
  orgId: string,
  now = Date.now(),
): Promise<{ id: string; key: string }> {
  return {
    id: await insertKey(db, orgId, '演示 ERP / Demo ERP', DEMO_EVENTS_API_KEY, now),
    key: DEMO_EVENTS_API_KEY,
  };
}

/** Revokes a key of `orgId`: events sent with it get 401 from then on. */
export async function revokeApiKey(
  db: SqlRunner,
  orgId: string,
  id: string,
  now = Date.now(),
): Promise<boolean> {
  const rows = await db.rows(sql`
    UPDATE org_api_keys SET revoked_at = ${now}
    WHERE id = ${id} AND org_id = ${orgId} AND revoked_at IS NULL RETURNING id`);
  return rows.length > 0;
}

/**
 * The org a request's API key belongs to, or 401 naming the header: missing, unknown and revoked keys
 * are refused alike (the answer does not tell a guessed key from a revoked one).
 */
export async function authenticateApiKey(
  db: SqlRunner,
  header: unknown,
): Promise<{ orgId: string; keyId: string }> {
  const key = typeof header === 'string' ? header.trim() : '';
  if (key === '') {
    throw new AppError('unauthorized', `Missing API key: send it in the ${API_KEY_HEADER} header`, {
      field: API_KEY_HEADER,
    });
  }
  const [row] = await db.rows<{ orgId: string; keyId: string }>(sql`
    SELECT org_id AS "orgId", id AS "keyId" FROM org_api_keys
    WHERE key_hash = ${hashApiKey(key)} AND revoked_at IS NULL`);
  if (!row) {
    throw new AppError('unauthorized', `${API_KEY_HEADER}: unknown or revoked API key`, {
      field: API_KEY_HEADER,
    });
  }
  return row;
}
