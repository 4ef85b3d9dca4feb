import type { SessionUser } from '../../../shared/sync/protocol';
import type { ServerDb, SqlRunner } from '../db/database';
import { loadScope, ownerPredicate, type UserScope } from './scope';

/**
 * Pokes (docs/server.md "Pokes"): a push that commits NOTIFYs `tidepool_poke` with
 * `<orgId>:<ownerId,…|*>:<pushing clientId>`; every server instance LISTENs and tells each of its
 * connected devices (server-sent events on GET /sync/events) whose scope holds one of those owners to
 * pull now. A poke carries no data: the pull decides what the device may see, so a spurious poke costs
 * one empty pull and a lost one only delays the device until its next pull.
 */

/** The channel of pokes between server instances (PostgreSQL NOTIFY). */
export const POKE_CHANNEL = 'tidepool_poke';

/** What a poke is about. `owners: '*'` pokes the whole org (too many owners for one NOTIFY). */
export type PokeTarget = { orgId: string; owners: readonly string[] | '*'; sourceClientId: string };

/** Parses a NOTIFY payload; undefined when it is not one of ours (it is then ignored). */
export function parsePokePayload(payload: string): PokeTarget | undefined {
  const [orgId, owners, sourceClientId, ...rest] = payload.split(':');
  if (!orgId || owners === undefined || sourceClientId === undefined || rest.length > 0) return undefined;
  return {
    orgId,
    owners: owners === '*' ? '*' : owners.split(',').filter((o) => o.length > 0),
    sourceClientId,
  };
}

/** One open event stream. `send` writes raw SSE text; `end` closes the response. */
export type PokeConnection = {
  user: SessionUser;
  /** The device's clientId when it said (`?clientId=`): its own pushes do not poke it. */
  clientId: string | null;
  send(text: string): void;
  end(): void;
};

type Entry = PokeConnection & { scope: UserScope; sees: (ownerId: string | null) => boolean };

/** The SSE comment written every 25 s: keeps proxies and NATs from dropping an idle stream. */
export const HEARTBEAT_MS = 25_000;

export const POKE_EVENT = 'event: poke\ndata: {}\n\n';

/**
 * The devices connected to this instance, by org, and the fan-out of pokes to them. A connection's scope
 * is loaded when it opens and refreshed at each heartbeat for managers (whose scope follows the team tree).
 */
export class PokeHub {
  private readonly byOrg = new Map<string, Set<Entry>>();
  private heartbeat: NodeJS.Timeout | undefined;
  private unlisten: (() => Promise<void>) | undefined;

  constructor(
    private readonly db: SqlRunner,
    private readonly heartbeatMs = HEARTBEAT_MS,
  ) {}

  /** Starts listening for pokes of every instance (including this one) and the heartbeat. */
  async start(db: ServerDb): Promise<void> {
    this.unlisten = await db.listen(
      POKE_CHANNEL,
      (payload) => this.deliver(payload),
      // Notifications sent while the LISTEN connection was down are lost: everyone pulls once.
      () => this.pokeEveryone(),
    );
    this.heartbeat = setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeat.unref();
  }

  /** Ends every stream (devices reconnect to another instance) and stops listening. */
  async stop(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
    for (const set of this.byOrg.values()) for (const entry of set) entry.end();
    this.byOrg.clear();
    const unlisten = this.unlisten;
    this.unlisten = undefined;
    await unlisten?.();
  }

  /** Registers an open stream; returns the function that removes it (call it when the stream closes). */
  async add(connection: PokeConnection): Promise<() => void> {
    const scope = await loadScope(this.db, connection.user);
    const entry: Entry = { ...connection, scope, sees: ownerPredicate(scope) };
    const set = this.byOrg.get(connection.user.orgId) ?? new Set<Entry>();
    set.add(entry);
    this.byOrg.set(connection.user.orgId, set);
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.byOrg.get(connection.user.orgId) === set) {
        this.byOrg.delete(connection.user.orgId);
      }
    };
  }

  /** Number of open streams (for tests and health). */
  get size(): number {
    let n = 0;
    for (const set of this.byOrg.values()) n += set.size;
    return n;
  }

  /** Pokes the connections a NOTIFY payload concerns. */
  deliver(payload: string): void {
    const target = parsePokePayload(payload);
    if (!target) return;
    const set = this.byOrg.get(target.orgId);
    if (!set) return;
    const owners = target.owners;
    for (const entry of set) {
      if (entry.clientId !== null && entry.clientId === target.sourceClientId) continue;
      if (owners === '*' || owners.some((o) => entry.sees(o))) entry.send(POKE_EVENT);
    }
  }

  private pokeEveryone(): void {
    for (const set of this.byOrg.values()) for (const entry of set) entry.send(POKE_EVENT);
  }

  private async beat(): Promise<void> {
    for (const set of this.byOrg.values()) {
      for (const entry of set) {
        entry.send(': heartbeat\n\n');
        if (entry.user.role !== 'manager') continue;
        try {
          entry.scope = await loadScope(this.db, entry.user);
          entry.sees = ownerPredicate(entry.scope);
        } catch {
          // Keep the previous scope; the next heartbeat tries again.
        }
      }
    }
  }
}
