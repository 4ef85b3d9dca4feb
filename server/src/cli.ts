import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildServer } from './app';
import { openServerDatabase } from './db/database';
import { clearDatabase, isDatabaseEmpty, seedDemo, type DemoSummary } from './seed/demo';

/** One line about what the demo seed wrote (stderr: stdout carries only the ready line). */
function describeSeed(s: DemoSummary): string {
  return `${s.customers} customers (${s.publicCustomers} in the public sea), ${s.contacts} contacts, ${s.followUps} follow-ups, ${s.leads} leads, ${s.opportunities} opportunities, ${s.tasks} open tasks`;
}

/** How often the recycle job runs (docs/pools.md "The job"): every 15 minutes unless the env says; 0 = never. */
const DEFAULT_RECYCLE_EVERY_MS = 15 * 60_000;

function recycleEveryMs(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_RECYCLE_EVERY_MS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(
      `TIDEPOOL_RECYCLE_EVERY_MS: expected a whole number of milliseconds (0 = off), got ${value}`,
    );
  }
  return n;
}

/**
 * `tsx server/src/cli.ts [--port 4400] [--host 127.0.0.1] [--data-dir .tidepool/server]
 * [--demo-customers 2000] [--no-seed] [--reset-demo] [--exit-after-seed]`; DATABASE_URL selects a real
 * PostgreSQL; TIDEPOOL_RECYCLE_EVERY_MS sets how often the recycle job runs (default 15 minutes, 0 = never).
 * Structured logs go to stderr so stdout carries exactly one line, the ready line, which
 * other tools wait for.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4400' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.tidepool/server' },
      'demo-customers': { type: 'string', default: '2000' },
      'no-seed': { type: 'boolean', default: false },
      'reset-demo': { type: 'boolean', default: false },
      'exit-after-seed': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  const demoCustomers = Number(values['demo-customers']);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port: not a port number: ${values.port}`);
  if (!Number.isInteger(demoCustomers) || demoCustomers < 0) {
    throw new Error(`--demo-customers: expected a whole number, got ${values['demo-customers']}`);
  }

  const databaseUrl = process.env.DATABASE_URL || undefined;
  const db = await openServerDatabase({
    databaseUrl,
    dataDir: databaseUrl ? undefined : resolve(values['data-dir']),
  });
  if (values['reset-demo']) {
    await clearDatabase(db);
    console.error(`Demo data reset: ${describeSeed(await seedDemo(db, { customers: demoCustomers }))}`);
  } else if (!values['no-seed'] && (await isDatabaseEmpty(db))) {
    console.error(`Demo data seeded: ${describeSeed(await seedDemo(db, { customers: demoCustomers }))}`);
  }
  if (values['exit-after-seed']) {
    await db.close();
    return;
  }

  const app = buildServer({
    db,
    logger: { level: process.env.LOG_LEVEL ?? 'info', stream: process.stderr },
    recycleEveryMs: recycleEveryMs(process.env.TIDEPOOL_RECYCLE_EVERY_MS),
  });
  await app.listen({ host: values.host, port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  console.log(`Tidepool sync server listening at http://${values.host}:${actualPort}`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
