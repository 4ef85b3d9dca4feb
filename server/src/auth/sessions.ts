import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { Role } from '../../../shared/domain/roles';
import type { LoginRequest, LoginResponse, SessionUser } from '../../../shared/sync/protocol';
import type { ServerDb } from '../db/database';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords';

/** Device sessions live 30 days; a device that keeps syncing simply logs in again after that. */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** last_seen_at is refreshed at most this often, so authenticating stays a read on the hot path. */
const LAST_SEEN_GRANULARITY_MS = 60 * 1000;

/** The user behind a live token, as every authenticated route sees them. */
export type AuthSession = { sessionId: string; user: SessionUser };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

type UserRecord = {
  id: string;
  orgId: string;
  teamId: string | null;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
};

/**
 * Checks username and password and opens a device session. Unknown user and wrong password are the same
 * 401 (and take the same time), so the answer does not reveal which usernames exist.
 */
export async function login(db: ServerDb, request: LoginRequest, now: number): Promise<LoginResponse> {
  const [found] = await db.rows<UserRecord>(sql`
    SELECT id, org_id AS "orgId", team_id AS "teamId", username, display_name AS "displayName", role,
           password_hash AS "passwordHash"
    FROM users WHERE username = ${request.username} AND active`);
  const ok = await verifyPassword(request.password, found?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!found || !ok) throw new AppError('unauthorized', 'Wrong username or password');

  const token = randomBytes(32).toString('base64url');
  const expiresAt = now + SESSION_TTL_MS;
  await db.rows(sql`
    INSERT INTO device_sessions (id, user_id, org_id, token_hash, device_name, created_at, expires_at, last_seen_at)
    VALUES (${newId(now)}, ${found.id}, ${found.orgId}, ${hashToken(token)}, ${request.deviceName ?? null},
            ${now}, ${expiresAt}, ${now})`);
  const { passwordHash: _hash, ...user } = found;
  return { token, expiresAt, user };
}

/** The live session of a bearer token; unknown, expired and revoked tokens are all 401. */
export async function authenticate(db: ServerDb, token: string, now: number): Promise<AuthSession> {
  // Every request runs this: a prepared statement (two unique-index lookups, one plan for any token).
  const [found] = await db.statement<{ sessionId: string; lastSeenAt: number } & SessionUser>(sql`
    SELECT s.id AS "sessionId", s.last_seen_at::float8 AS "lastSeenAt",
           u.id, u.org_id AS "orgId", u.team_id AS "teamId", u.username, u.display_name AS "displayName", u.role
    FROM device_sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = ${hashToken(token)} AND s.revoked_at IS NULL AND s.expires_at > ${now} AND u.active`);
  if (!found) throw new AppError('unauthorized', 'Session expired or revoked: please log in again');
  if (found.lastSeenAt < now - LAST_SEEN_GRANULARITY_MS) {
    await db.rows(sql`UPDATE device_sessions SET last_seen_at = ${now} WHERE id = ${found.sessionId}`);
  }
  const { sessionId, lastSeenAt: _seen, ...user } = found;
  return { sessionId, user };
}

/** Revokes a session: its token is refused from now on. */
export async function logout(db: ServerDb, sessionId: string, now: number): Promise<void> {
  await db.rows(
    sql`UPDATE device_sessions SET revoked_at = ${now} WHERE id = ${sessionId} AND revoked_at IS NULL`,
  );
}
