import type Database from 'better-sqlite3';
import { sortPools } from '../../../../shared/pools/resolve';
import type { PoolRow } from '../../../../shared/pools/schema';
import { fromDbRow, selectListOf } from './rows';
import { statement } from './statements';

/**
 * The org's pools as this device holds them (synced org-wide, read-only here), oldest first then by id:
 * the order `poolForCustomer` picks in, so the device and the server resolve a customer's pool alike.
 */
export function listPools(db: Database.Database): PoolRow[] {
  const raw = statement(db, `SELECT ${selectListOf('pools', 'p')} FROM "pools" p`).all() as Record<
    string,
    unknown
  >[];
  return sortPools(raw.map((r) => fromDbRow('pools', r)));
}
