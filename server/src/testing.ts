import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { AppErrorData } from '../../shared/errors';
import { newId } from '../../shared/ids';
import {
  PROTOCOL_VERSION,
  pullResponseSchema,
  type PatchOp,
  type PullResponse,
  type PushResponse,
} from '../../shared/sync/protocol';
import { buildServer } from './app';
import { openServerDatabase, type DbRow, type ServerDb } from './db/database';
import { DEMO_PASSWORD, seedDemo, type DemoSummary } from './seed/demo';

/** The local PostgreSQL the tests use when TIDEPOOL_TEST_DB=postgres (trust auth, user postgres). */
const TEST_PG_ADMIN_URL = process.env.TIDEPOOL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops test databases of test processes that died before their close() (killed, timed out). */
async function dropLeftovers(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE 'tidepool\\_test\\_%'`,
  );
  for (const { datname } of rows) {
    const pid = Number(/^tidepool_test_(\d+)_[0-9a-f]+$/.exec(datname)?.[1]);
    if (pid && !isAlive(pid)) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}

/** `url`: the PostgreSQL database's URL (absent on PGlite), for a second server instance on it. */
export type TestDatabase = { db: ServerDb; url?: string; close(): Promise<void> };

/**
 * A fresh, migrated, empty server database: PGlite in memory by default (in `dataDir` when given, so a
 * test can open it again), or a uniquely named database on the local PostgreSQL when
 * TIDEPOOL_TEST_DB=postgres, dropped again by close(). `migrationsFolder`: migrate with these instead
 * (a migration's test starts from the schema before it).
 */
export async function openTestDatabase(
  opts: { migrationsFolder?: string; dataDir?: string } = {},
): Promise<TestDatabase> {
  const migrations = opts.migrationsFolder ? { migrationsFolder: opts.migrationsFolder } : {};
  if (process.env.TIDEPOOL_TEST_DB !== 'postgres') {
    const db = await openServerDatabase({ ...migrations, dataDir: opts.dataDir });
    return { db, close: () => db.close() };
  }
  const name = `tidepool_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await dropLeftovers(admin);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const db = await openServerDatabase({ ...migrations, databaseUrl: url.toString() });
  return {
    db,
    url: url.toString(),
    async close() {
      await db.close();
      const dropper = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

export type TestServer = {
  /** Base URL, e.g. http://127.0.0.1:39123 (no trailing slash). */
  url: string;
  close(): Promise<void>;
  /** Raw SQL against the server's database, with `$1` parameters. */
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** Ids of the demo org and users. */
  demo: DemoSummary;
  db: ServerDb;
};

/**
 * Starts the real sync server in-process on 127.0.0.1 (random port) over a fresh database seeded with the
 * demo users and `demoCustomers` customers (default 40). `now` is the server clock, for expiry tests.
 */
export async function startTestServer(
  opts: { demoCustomers?: number; now?: () => number } = {},
): Promise<TestServer> {
  const { db, close } = await openTestDatabase();
  try {
    const now = opts.now ?? Date.now;
    const demo = await seedDemo(db, { customers: opts.demoCustomers ?? 40, now: now() });
    const app = buildServer({ db, now });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    return {
      url: url.replace(/\/$/, ''),
      demo,
      db,
      query: (text: string, params?: unknown[]): Promise<DbRow[]> => db.query(text, params),
      async close() {
        await app.close();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** POSTs JSON (or a raw string body) and returns status and parsed body, for tests of the HTTP API. */
export async function postJson<T = Record<string, unknown>>(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Sends JSON with any method (the admin API's GET / PUT / POST) and returns status and parsed body. */
export async function sendJson<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

/** Logs a demo user in (password tidepool123) and returns the bearer token. */
export async function loginAs(
  server: { url: string },
  username: string,
  password = DEMO_PASSWORD,
): Promise<string> {
  const { status, body } = await postJson<{ token: string }>(`${server.url}/auth/login`, {
    username,
    password,
  });
  if (status !== 200) throw new Error(`login ${username} failed: ${status} ${JSON.stringify(body)}`);
  return body.token;
}

/** An open GET /sync/events stream in a test: the pokes received so far, with their arrival times. */
export type EventStream = {
  /** Arrival time (Date.now) of each `poke` event, the connect-time catch-up poke included. */
  pokes: number[];
  /** Resolves with the arrival time of the next poke after `since` (default: now), or rejects on timeout. */
  nextPoke(timeoutMs?: number, since?: number): Promise<number>;
  close(): void;
};

/** Opens the poke stream as a device would (fetch with a bearer token), parsing `event:` lines. */
export async function openEvents(baseUrl: string, token: string, clientId?: string): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/sync/events${clientId ? `?clientId=${clientId}` : ''}`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  if (response.status !== 200 || !response.body) {
    throw new Error(`events: ${response.status} ${await response.text()}`);
  }
  const pokes: number[] = [];
  const waiters = new Set<() => void>();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.split('\n').includes('event: poke')) {
            pokes.push(Date.now());
            for (const wake of waiters) wake();
          }
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    pokes,
    nextPoke(timeoutMs = 2000, since = Date.now()) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = pokes.find((t) => t >= since);
          if (hit === undefined) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no poke within ${timeoutMs} ms`));
        }, timeoutMs);
        if (!check()) waiters.add(check);
      });
    },
    close: () => controller.abort(),
  };
}

/**
 * A device in a test of the HTTP API: its own clientId and mutation sequence, its cursor, and its user's
 * token. `push` sends one mutation (the next id) and returns the server's answer; `pull` runs a whole
 * round (every page) and returns its ops. Non-200 answers throw, with the body, so a test reads as the
 * device's story.
 */
export class SyncDevice {
  readonly clientId = newId();
  next = 1;
  cursor: string | null = null;

  constructor(
    readonly server: { url: string },
    readonly token: string,
    readonly protocolVersion: number = PROTOCOL_VERSION,
  ) {}

  async push(name: string, args: unknown): Promise<PushResponse> {
    const mutation = { id: this.next++, name, args, createdAt: Date.now() };
    const { status, body } = await postJson<PushResponse>(
      `${this.server.url}/sync/push`,
      { protocolVersion: this.protocolVersion, clientId: this.clientId, mutations: [mutation] },
      this.token,
    );
    if (status !== 200) throw new Error(`push ${name}: ${status} ${JSON.stringify(body)}`);
    return body;
  }

  /** Pushes one mutation and returns its refusal, or undefined when the server applied it. */
  async refusalOf(name: string, args: unknown): Promise<AppErrorData | undefined> {
    return (await this.push(name, args)).rejections[0]?.error;
  }

  /** Pulls a whole round from the device's cursor; returns every page. */
  async pullPages(limit?: number): Promise<PullResponse[]> {
    const pages: PullResponse[] = [];
    for (;;) {
      const { status, body } = await postJson<PullResponse>(
        `${this.server.url}/sync/pull`,
        {
          protocolVersion: this.protocolVersion,
          clientId: this.clientId,
          cursor: this.cursor,
          ...(limit ? { limit } : {}),
        },
        this.token,
      );
      if (status !== 200) throw new Error(`pull: ${status} ${JSON.stringify(body).slice(0, 300)}`);
      const page = pullResponseSchema.parse(body);
      pages.push(page);
      this.cursor = page.cursor;
      if (!page.hasMore) return pages;
    }
  }

  /** Pulls a whole round; returns its ops. */
  async pull(limit?: number): Promise<PatchOp[]> {
    return (await this.pullPages(limit)).flatMap((p) => p.patch);
  }
}
