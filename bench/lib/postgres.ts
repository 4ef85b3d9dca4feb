import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openServerDatabase } from '../../server/src/db/database';

/** The local PostgreSQL (trust auth, user postgres), as the server tests use it; loopback only. */
export const BENCH_PG_ADMIN_URL =
  process.env.TIDEPOOL_BENCH_PG_URL ??
  process.env.TIDEPOOL_TEST_PG_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NAME_RE = /^tidepool_bench_(\d+)$/;

/**
 * A pg client whose bigint columns (epoch ms, versions) come back as numbers, like the server's wire
 * rows: every value in the bench is far below 2^53.
 */
export function numericTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === 20
        ? (value: string) => Number(value)
        : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type ScratchDatabase = {
  name: string;
  url: string;
  /** A pool on the scratch database for seeding and checks (bigints as numbers). */
  pool: pg.Pool;
  drop(): Promise<void>;
};

/**
 * Creates `tidepool_bench_<pid>` on the local PostgreSQL (dropping bench databases of dead bench runs
 * first), applies the server's migrations to it, and drops it again with drop().
 */
export async function createScratchDatabase(): Promise<ScratchDatabase> {
  const name = `tidepool_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: BENCH_PG_ADMIN_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname LIKE 'tidepool\\_bench\\_%'`,
    );
    for (const { datname } of rows) {
      const pid = Number(NAME_RE.exec(datname)?.[1]);
      if (datname === name || (pid && !isAlive(pid))) {
        await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      }
    }
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(BENCH_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  // The server's own migrator, so the bench always measures the schema the server runs.
  const migrated = await openServerDatabase({ databaseUrl: url.toString() });
  await migrated.close();
  const pool = new pg.Pool({ connectionString: url.toString(), max: 8, types: numericTypes() });
  pool.on('error', () => {});
  return {
    name,
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const dropper = new pg.Client({ connectionString: BENCH_PG_ADMIN_URL });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export type ServerProcess = { url: string; pid: number; stop(): Promise<void> };

/** Set by run.ts from `--prof`: server processes write V8 CPU profiles into this folder. */
let profileDir: string | null = null;
export function setServerProfileDir(dir: string | null): void {
  profileDir = dir;
}

/**
 * Starts the real sync server (`server/src/cli.ts`, the `npm run server` entry point) as its own process
 * on 127.0.0.1 with a random port, over `databaseUrl`, without seeding. A process of its own keeps the
 * load generator's CPU out of the server's event loop, and two of them are two real instances.
 */
export async function startServerProcess(databaseUrl: string, timeoutMs = 60_000): Promise<ServerProcess> {
  const execArgv = ['--import', 'tsx'];
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    execArgv.push('--cpu-prof', '--cpu-prof-dir', profileDir);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [...execArgv, 'server/src/cli.ts', '--port', '0', '--host', '127.0.0.1', '--no-seed'],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${timeoutMs} ms\n${stderr}`)),
      timeoutMs,
    );
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const match = /listening at (http:\/\/\S+)/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening\n${stderr}`));
    });
  });
  const pid = child.pid ?? -1;
  return {
    url,
    pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
