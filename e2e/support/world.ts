import { test as base, type Browser, type Page, type TestInfo } from '@playwright/test';
import { AppShell } from '../pages/appShell';
import { signIn } from './devices';
import {
  createScratchDatabase,
  startClientHost,
  startNetworkLink,
  startSyncServer,
  type ClientHostProcess,
  type NetworkLink,
  type SyncServerProcess,
} from './processes';

type ScratchDatabase = Awaited<ReturnType<typeof createScratchDatabase>>;

/** One person's device in a test: its client core, its browser page and, when asked for, its own network link. */
export type Device = {
  username: string;
  page: Page;
  shell: AppShell;
  host: ClientHostProcess;
  /** Present for a device opened with `cuttable: true`: cut it to take only this device offline. */
  link: NetworkLink | null;
};

/**
 * Everything one test runs against, and nothing shared with another test: a scratch PostgreSQL
 * database, a real sync server seeded with the demo org, and as many devices as the test opens. Closed
 * in the fixture's `finally` (also when the test fails or times out), in reverse order of start; a
 * failing test gets every process's output attached.
 */
export class World {
  private readonly cleanups: (() => Promise<void>)[] = [];
  private readonly logs: { name: string; log: () => string }[] = [];
  private started: { db: ScratchDatabase; server: SyncServerProcess } | null = null;

  constructor(private readonly browser: Browser) {}

  /** Creates the database and starts the server (the demo seed with `demoCustomers` customers). */
  async start(opts: { demoCustomers: number }): Promise<this> {
    const db = await createScratchDatabase();
    this.cleanups.push(() => db.drop());
    const server = await startSyncServer({ databaseUrl: db.url, demoCustomers: opts.demoCustomers });
    this.cleanups.push(() => server.stop());
    this.logs.push({ name: 'sync-server', log: () => server.log() });
    this.started = { db, server };
    return this;
  }

  get db(): ScratchDatabase {
    if (!this.started) throw new Error('World.start() first');
    return this.started.db;
  }

  get server(): SyncServerProcess {
    if (!this.started) throw new Error('World.start() first');
    return this.started.server;
  }

  /**
   * A new device (own client core and browser context) signed in as `username`, on the Customers
   * screen with the first sync shown. `cuttable` puts a network link between it and the server.
   */
  async device(username: string, opts: { cuttable?: boolean } = {}): Promise<Device> {
    const app = await this.app(opts);
    await signIn(app.page, app.host, app.serverUrl, username);
    return { username, page: app.page, shell: new AppShell(app.page), host: app.host, link: app.link };
  }

  /** A new device's app, opened at its login screen (nobody signed in). */
  async app(opts: { cuttable?: boolean } = {}): Promise<{
    page: Page;
    host: ClientHostProcess;
    link: NetworkLink | null;
    /** What to type as the server address: the server, or this device's link to it. */
    serverUrl: string;
  }> {
    const link = opts.cuttable ? await startNetworkLink(this.server.url) : null;
    if (link) this.cleanups.push(() => link.close());
    const serverUrl = link?.url ?? this.server.url;
    const host = await startClientHost({ serverUrl });
    this.cleanups.push(() => host.stop());
    this.logs.push({ name: `client-${this.logs.length}`, log: () => host.log() });
    const context = await this.browser.newContext();
    this.cleanups.push(() => context.close());
    const page = await context.newPage();
    await page.goto(host.url);
    return { page, host, link, serverUrl };
  }

  /**
   * Attaches every process's output to a failing test (Playwright's own failure screenshots and trace
   * already cover every page of the test's browser contexts).
   */
  async attachDiagnostics(testInfo: TestInfo): Promise<void> {
    for (const { name, log } of this.logs) {
      await testInfo.attach(`${name}.log`, { body: log(), contentType: 'text/plain' });
    }
  }

  /** Stops everything, newest first, and goes on past a step that fails. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    for (const cleanup of this.cleanups.reverse()) {
      try {
        await cleanup();
      } catch (err) {
        errors.push(err);
      }
    }
    this.cleanups.length = 0;
    if (errors.length > 0) throw errors[0];
  }
}

/** `test` with a `world` fixture: `await world.start({ demoCustomers })`, then `world.device(...)`. */
export const test = base.extend<{ world: World }>({
  world: async ({ browser }, use, testInfo) => {
    const world = new World(browser);
    try {
      await use(world);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) await world.attachDiagnostics(testInfo);
      await world.close();
    }
  },
});

export { expect } from '@playwright/test';
