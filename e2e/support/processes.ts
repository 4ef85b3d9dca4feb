import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

const root = resolve(import.meta.dirname, '..', '..');
const tsx = join(root, 'node_modules', '.bin', 'tsx');

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

/** Spawns `tsx <script> ...args` and resolves with the first stdout match of `ready`. */
async function spawnUntil(
  script: string,
  args: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv,
  label: string,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(tsx, [script, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: 'pipe' });
  let output = '';
  const match = await new Promise<RegExpMatchArray>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${label} did not start in 90 s:\n${output}`)), 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = output.match(ready);
      if (m) {
        clearTimeout(timer);
        ok(m);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${label} exited with ${code} before it was ready:\n${output}`));
    });
  });
  // Keep draining so a chatty child never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return { child, match };
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
  return {
    url,
    query: pool.query.bind(pool),
    async drop() {
      await pool.end();
      const c = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export type SyncServerProcess = { url: string; stop(): Promise<void>; start(): Promise<void> };

/** The real sync server as its own process, stoppable and restartable on the same port and database. */
export async function startSyncServer(opts: {
  databaseUrl: string;
  demoCustomers: number;
}): Promise<SyncServerProcess> {
  const port = await freePort();
  const dataDir = tempDir('server');
  let child: ChildProcess | undefined;
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
      { DATABASE_URL: opts.databaseUrl },
      'sync server',
    );
    child = started.child;
  };
  await start();
  return {
    url: `http://127.0.0.1:${port}`,
    start,
    async stop() {
      if (child) await stopChild(child);
      child = undefined;
    },
  };
}

export type ClientHostProcess = { url: string; stop(): Promise<void> };

/** A real client core (own data directory, as one device) serving the built renderer to the browser. */
export async function startClientHost(opts: { serverUrl: string }): Promise<ClientHostProcess> {
  const dataDir = tempDir('device');
  const port = await freePort();
  const { child, match } = await spawnUntil(
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
    {},
    'client host',
  );
  return {
    url: match[1] ?? '',
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
