import type Database from 'better-sqlite3';

/**
 * Prepared statements cached per connection and SQL text. Hot paths (pull pages, mutations) run the same
 * few statements thousands of times; preparing once is what keeps them near raw better-sqlite3 speed
 * (TOOLCHAIN.md: drizzle batch inserts are ~5× slower than prepared statements).
 */
const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

export function statement(db: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}
