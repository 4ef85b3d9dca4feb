import { hostname } from 'node:os';
import type { ApiEvent } from '../../../shared/api/contract';
import { AppError } from '../../../shared/errors';
import type { SessionUser } from '../../../shared/sync/protocol';
import { getMeta, setMeta } from './db/meta';
import { openClientDatabase, userDatabaseFile, type ClientDatabase } from './db/open';
import { deleteSession, readSession, writeSession, type StoredSession } from './session';
import { createSyncAgent, type SyncAgent } from './sync/agent';
import {
  createSyncTransport,
  login as loginRequest,
  logout as logoutRequest,
  type SyncTransport,
} from './sync/transport';

/** The signed-in user's open database and running sync agent. */
export type Workspace = {
  user: SessionUser;
  serverUrl: string;
  db: ClientDatabase;
  agent: SyncAgent;
  /** The agent's transport, for the few online-only questions (the duplicate check at capture). */
  transport: SyncTransport;
};

export type AccountOptions = {
  dataDir: string;
  migrationsFolder: string;
  fetch: typeof fetch;
  now: () => number;
  emit: (event: ApiEvent) => void;
  syncIntervalMs?: number | undefined;
  maxBackoffMs?: number | undefined;
  sqliteNativeBinding?: string | undefined;
  /** Keep the server's poke stream open (default true). */
  pokes?: boolean | undefined;
  /** Quiet time after a local write before the agent pushes (default 150 ms). */
  debounceMs?: number | undefined;
};

export type Account = {
  /** Reopens the saved session (no network needed); a no-op when there is none. */
  restore(): void;
  login(serverUrl: string, username: string, password: string): Promise<Workspace>;
  logout(): Promise<void>;
  current(): Workspace | null;
  /** The workspace, or AppError('unauthorized') when nobody is signed in. */
  require(): Workspace;
  close(): Promise<void>;
};

/**
 * Who is signed in on this device, and their workspace. Each user has their own database file, and the
 * session lives in `session.json`, so the app reopens offline on the last user's data. Logging out keeps
 * the user's database (and any pending outbox entries: nothing typed is lost) for their next login.
 */
export function createAccount(opts: AccountOptions): Account {
  let workspace: Workspace | null = null;

  function open(session: StoredSession): Workspace {
    const db = openClientDatabase(userDatabaseFile(opts.dataDir, session.user.id), {
      migrationsFolder: opts.migrationsFolder,
      nativeBinding: opts.sqliteNativeBinding,
    });
    setMeta(db, 'user_id', session.user.id);
    const clientId = getMeta(db, 'client_id');
    if (!clientId) throw new Error('client_id missing after open');
    const transport = createSyncTransport({
      serverUrl: session.serverUrl,
      token: session.token,
      fetch: opts.fetch,
    });
    const agent = createSyncAgent({
      db,
      clientId,
      transport,
      emit: opts.emit,
      now: opts.now,
      user: { id: session.user.id, orgId: session.user.orgId },
      ...(opts.syncIntervalMs !== undefined ? { syncIntervalMs: opts.syncIntervalMs } : {}),
      ...(opts.maxBackoffMs !== undefined ? { maxBackoffMs: opts.maxBackoffMs } : {}),
      ...(opts.pokes !== undefined ? { pokes: opts.pokes } : {}),
      ...(opts.debounceMs !== undefined ? { debounceMs: opts.debounceMs } : {}),
    });
    workspace = { user: session.user, serverUrl: session.serverUrl, db, agent, transport };
    agent.start();
    return workspace;
  }

  async function shut(): Promise<void> {
    const ws = workspace;
    workspace = null;
    if (!ws) return;
    await ws.agent.stop();
    ws.db.close();
  }

  return {
    restore() {
      const session = readSession(opts.dataDir);
      if (session) open(session);
    },
    async login(serverUrl, username, password) {
      const url = serverUrl.replace(/\/+$/, '');
      const res = await loginRequest(
        { serverUrl: url, fetch: opts.fetch },
        { username, password, deviceName: hostname() },
      );
      const session: StoredSession = {
        serverUrl: url,
        token: res.token,
        expiresAt: res.expiresAt,
        user: res.user,
      };
      await shut();
      writeSession(opts.dataDir, session);
      return open(session);
    },
    async logout() {
      const session = readSession(opts.dataDir);
      await shut();
      deleteSession(opts.dataDir);
      if (session) {
        // Best effort: revoking the token is good hygiene, but an offline logout must still log out.
        await logoutRequest(
          { serverUrl: session.serverUrl, fetch: opts.fetch, timeoutMs: 3000 },
          session.token,
        ).catch(() => undefined);
      }
    },
    current: () => workspace,
    require() {
      if (!workspace) throw new AppError('unauthorized', 'Not signed in');
      return workspace;
    },
    close: shut,
  };
}
