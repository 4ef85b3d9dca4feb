import type Database from 'better-sqlite3';
import type { UserItem } from '../../../../shared/api/contract';
import { statement } from './statements';

/**
 * The org's users as pulled to this device (everyone in the org sees names and roles): for pickers such
 * as a manager's transfer dialog. Active users first, then by name.
 */
export function listUsers(db: Database.Database): UserItem[] {
  const rows = statement(
    db,
    `SELECT "id", "display_name" AS "displayName", "role", "team_id" AS "teamId", "active"
       FROM "users" ORDER BY "active" DESC, "display_name", "id"`,
  ).all() as (Omit<UserItem, 'active'> & { active: number })[];
  return rows.map((u) => ({ ...u, active: u.active === 1 }));
}
