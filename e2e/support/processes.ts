import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

const root = resolve(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

/**
 * The time zone of every process a test starts, the same as the browser's (`timezoneId` in
 * playwright.config.ts): on a real device the client core, the renderer and the person share one
 * calendar, and "due today" or "next week" must mean the same day to all of them. The server gets it
 * too, so the demo seed's "due later today" tasks fall on the browser's today.
 */
export const DEVICE_TIME_ZONE = 'Asia/Shanghai';

/** A free TCP port on loopback, so parallel runs and leftovers never collide. */
export async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tidepool-${prefix}-`));
}

/** How much of a child's output is kept for a failing test's report (its last lines matter most). */
const LOG_TAIL_CHARS = 200_000;

/**
 * Spawns `tsx <script> ...args` and resolves with the first stdout match of `ready`, and `log()`: the
 * tail of everything the child wrote since (stdout and stderr), attached to a failing test's report.
 */
async function spawnUntil(
  script: string,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv,
  label: string,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; log: () => string }> {
  const child = spawn(tsx, [script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: 'pipe' });
  let output = '';
  const append = (chunk: Buffer): void => {
    output += chunk.toString();
    if (output.length > 2 * LOG_TAIL_CHARS) output = output.slice(-LOG_TAIL_CHARS);
  };
  let stdout = '';
  const match = await new Promise<RegExpMatchArray>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${label} did not start in 90 s:\n${output}`)), 90_000);
    const onReady = (chunk: Buffer): void => {
      stdout += chunk.toString();
      const m = stdout.match(ready);
      if (m) {
        clearTimeout(timer);
        child.stdout?.off('data', onReady);
        ok(m);
      }
    };
    child.stdout?.on('data', onReady);
    child.stdout?.on('data', append);
    // Keep draining so a chatty child never blocks on a full pipe.
    child.stderr?.on('data', append);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${label} exited with ${code} before it was ready:\n${output}`));
    });
  });
  return { child, match, log: () => output.slice(-LOG_TAIL_CHARS) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((ok) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      ok();
    });
    child.kill('SIGTERM');
  });
}

/** A scratch PostgreSQL database on the local server, dropped by `drop()`. */
export async function createScratchDatabase(): Promise<{
  url: string;
  query: pg.Pool['query'];
  drop(): Promise<void>;
}> {
  const name = `tidepool_e2e_${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const admin = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  // pool.end() resolves before its connections have closed; dropping the database under one still
  // open makes PostgreSQL terminate it, and that error would surface in whichever test runs then.
  const closed: Promise<void>[] = [];
  pool.on('connect', (client) => {
    closed.push(new Promise((ok) => client.once('end', () => ok())));
  });
  return {
    url,
    query: pool.query.bind(pool),
    async drop() {
      await pool.end();
      await Promise.all(closed);
      const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export type SyncServerProcess = {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** The tail of the server's output (all its runs), for a failing test's report. */
  log(): string;
};

/** The real sync server as its own process, stoppable and restartable on the same port and database. */
export async function startSyncServer(opts: {
  databaseUrl: string;
  demoCustomers: number;
}): Promise<SyncServerProcess> {
  const port = await freePort();
  const dataDir = tempDir('server');
  let child: ChildProcess | undefined;
  const logs: (() => string)[] = [];
  const start = async (): Promise<void> => {
    const started = await spawnUntil(
      'server/src/cli.ts',
      [
        '--port',
        String(port),
        '--host',
        '127.0.0.1',
        '--data-dir',
        dataDir,
        '--demo-customers',
        String(opts.demoCustomers),
      ],
      /listening at (http:\/\/\S+)/,
      // The recycle job runs when a test says (the admin's run now), never on its own schedule.
      { DATABASE_URL: opts.databaseUrl, TZ: DEVICE_TIME_ZONE, TIDEPOOL_RECYCLE_EVERY_MS: '0' },
      'sync server',
    );
    child = started.child;
    logs.push(started.log);
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    start,
    log: () => logs.map((l) => l()).join('\n--- restarted ---\n'),
    async stop() {
      if (child) await stopChild(child);
      child = undefined;
    },
  };
}

export type ClientHostProcess = {
  url: string;
  stop(): Promise<void>;
  /** The tail of the client core's output, for a failing test's report. */
  log(): string;
};

/** A real client core (own data directory, as one device) serving the built renderer to the browser. */
export async function startClientHost(opts: { serverUrl: string }): Promise<ClientHostProcess> {
  const dataDir = tempDir('device');
  const port = await freePort();
  const { child, match, log } = await spawnUntil(
    'electron/node-host/cli.ts',
    [
      '--port',
      String(port),
      '--data-dir',
      dataDir,
      '--server-url',
      opts.serverUrl,
      '--max-backoff-ms',
      '1000',
    ],
    /ready at (http:\/\/\S+)/,
    { TZ: DEVICE_TIME_ZONE },
    'client host',
  );
  return {
    url: match[1] ?? '',
    log,
    async stop() {
      await stopChild(child);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export type NetworkLink = { url: string; cut(): void; restore(): void; close(): Promise<void> };

/**
 * A TCP relay between one device and the sync server that the test can cut and restore, so one device
 * goes offline while the server and the other devices stay up (a rep in a car park).
 */
export async function startNetworkLink(targetUrl: string): Promise<NetworkLink> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let up = true;
  const relay = createServer((client) => {
    if (!up) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client);
    sockets.add(upstream);
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((ok) => relay.listen(port, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      up = false;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        relay.close(() => ok());
      }),
  };
}
