import { defineConfig } from 'drizzle-kit';

/** The device's SQLite schema → `drizzle/client/` migrations, applied by the client core at open. */
export default defineConfig({
  dialect: 'sqlite',
  schema: './electron/main/core/db/schema.ts',
  out: './drizzle/client',
});
