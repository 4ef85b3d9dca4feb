import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { fileURLToPath } from 'node:url';

/** The device's generated migrations: the reference database has exactly the device's tables and indexes. */
export const CLIENT_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle/client', import.meta.url));

/**
 * A raw better-sqlite3 database with the device's schema and pragmas (WAL, synchronous=NORMAL, foreign
 * keys on): the physical reference the client-side figures are measured against.
 */
export function openRawClientSchema(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(drizzle(db), { migrationsFolder: CLIENT_MIGRATIONS_FOLDER });
  return db;
}

/** Column names of a SQLite table, in declaration order. */
export function tableColumns(db: Database.Database, table: string): string[] {
  return (db.prepare(`SELECT name FROM pragma_table_info(?)`).all(table) as { name: string }[]).map(
    (c) => c.name,
  );
}

/** A PostgreSQL value as the device stores it: booleans 0/1, JSON as text. */
export function toSqliteValue(value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return value;
}
