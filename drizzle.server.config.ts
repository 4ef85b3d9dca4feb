import { defineConfig } from 'drizzle-kit';

/** Migrations of the sync server's PostgreSQL schema (PGlite or a real server share them). */
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/src/db/schema.ts',
  out: './drizzle/server',
});
