import type Database from 'better-sqlite3';
import type { ApiEvent, SyncStatus } from '../../../../shared/api/contract';
import type { SyncedTable } from '../../../../shared/domain/rows';
import { AppError, toErrorData, type AppErrorData } from '../../../../shared/errors';
import { MAX_MUTATIONS_PER_PUSH, PROTOCOL_VERSION } from '../../../../shared/sync/protocol';
import { replayPendingMutations } from '../db/effects';
import { getMeta, setMeta } from '../db/meta';
import {
  acknowledgeMutations,
  countPending,
  countUnresolvedRejections,
  pendingMutations,
  recordPushAttempt,
} from '../db/outbox';
import { applyPatch, checkPatch } from './patch';
import { HttpError, type SyncTransport } from './transport';

export type SyncAgentOptions = {
  db: Database.Database;
  clientId: string;
  transport: SyncTransport;
  emit: (event: ApiEvent) => void;
  now: () => number;
  /** Periodic pull while idle (default 15 s). */
  syncIntervalMs?: number;
  /** Cap of the retry delay after failures (default 30 s). */
  maxBackoffMs?: number;
  /** Quiet time after a local write before pushing, so a burst of edits goes in one request. */
  debounceMs?: number;
  random?: () => number;
};

export type SyncAgent = {
  /** Starts the timers and runs a first sync at once. */
  start(): void;
  /** A local write happened: push soon (debounced). */
  notifyLocalWrite(): void;
  /** Runs a full cycle (push, then pull) now, even during a backoff; resolves with the status after it. */
  syncNow(): Promise<SyncStatus>;
  status(): SyncStatus;
  /** Stops timers, aborts the request in flight and waits for the cycle to unwind. */
  stop(): Promise<void>;
};

const BASE_BACKOFF_MS = 1000;

/** Failures that end retrying until the user acts (log in again, upgrade the app). */
const TERMINAL_CODES = new Set(['unauthorized', 'upgrade_required']);
/** Failures where the server was not reached or did not work: the device is offline for the user. */
const OFFLINE_CODES = new Set(['offline', 'server_error']);

/**
 * The device's sync agent: pushes the outbox in order, then pulls the server's changes, applying each
 * page atomically and rebasing pending work on top. One cycle at a time; triggers that arrive during a
 * cycle fold into one more cycle after it.
 */
export function createSyncAgent(opts: SyncAgentOptions): SyncAgent {
  const { db, clientId, transport, emit, now } = opts;
  const syncIntervalMs = opts.syncIntervalMs ?? 15_000;
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000;
  const debounceMs = opts.debounceMs ?? 150;
  const random = opts.random ?? Math.random;

  let online = false;
  let syncing = false;
  let lastError: AppErrorData | null = null;
  let nextRetryAt: number | null = null;
  let initialProgress: SyncStatus['initialProgress'] = null;
  let failures = 0;
  let stopped = true;
  /** Set by 401/426: no automatic retries until a new session starts the agent again. */
  let halted = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let timerAt = Number.POSITIVE_INFINITY;
  let inFlight: Promise<void> | null = null;
  let rerun = false;
  let abort = new AbortController();
  /** Shrinks after a 413 (payload too large) so one huge batch cannot block the queue. */
  let batchSize = MAX_MUTATIONS_PER_PUSH;

  function status(): SyncStatus {
    const last = getMeta(db, 'last_sync_at');
    return {
      online,
      syncing,
      pending: countPending(db),
      rejected: countUnresolvedRejections(db),
      lastSyncAt: last === undefined ? null : Number(last),
      lastError,
      nextRetryAt,
      initialProgress,
    };
  }

  const emitStatus = () => emit({ type: 'sync.status', status: status() });
  const emitChanged = (tables: Set<SyncedTable>) => {
    if (tables.size > 0) emit({ type: 'data.changed', tables: [...tables] });
  };

  function schedule(delayMs: number): void {
    if (stopped || halted) return;
    const at = Date.now() + delayMs;
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = null;
      timerAt = Number.POSITIVE_INFINITY;
      if (!halted && !stopped) void run();
    }, delayMs);
    timer.unref?.();
  }

  function cancelTimer(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    timerAt = Number.POSITIVE_INFINITY;
  }

  async function push(): Promise<void> {
    for (;;) {
      const batch = pendingMutations(db, batchSize);
      const last = batch.at(-1);
      if (!last) return;
      let res;
      try {
        res = await transport.push(
          {
            protocolVersion: PROTOCOL_VERSION,
            clientId,
            mutations: batch.map((m) => ({ id: m.seq, name: m.name, args: m.args, createdAt: m.createdAt })),
          },
          abort.signal,
        );
      } catch (err) {
        if (err instanceof HttpError && err.status === 413 && batch.length > 1) {
          batchSize = Math.max(1, Math.ceil(batch.length / 2));
          continue;
        }
        recordPushAttempt(db, last.seq, err instanceof Error ? err.message : String(err));
        throw err;
      }
      if (res.lastMutationId < last.seq) {
        throw new AppError(
          'server_error',
          `push acknowledged up to ${res.lastMutationId}, sent up to ${last.seq}`,
        );
      }
      const changed = db.transaction(() =>
        acknowledgeMutations(db, res.lastMutationId, res.rejections, now()),
      )();
      emitChanged(changed);
      emitStatus();
    }
  }

  async function pull(): Promise<void> {
    const committed = getMeta(db, 'cursor') ?? null;
    let cursor = committed;
    if (committed === null) initialProgress = { received: 0, pages: 0 };
    for (;;) {
      let res;
      try {
        res = await transport.pull({ protocolVersion: PROTOCOL_VERSION, clientId, cursor }, abort.signal);
      } catch (err) {
        // A cursor the server no longer understands (its database was reset or upgraded): start over
        // with a full sync rather than retrying a request that can never succeed (electric #1552).
        if (err instanceof HttpError && err.status === 400 && err.field === 'cursor' && cursor !== null) {
          console.warn('tidepool: the server refused the sync cursor, starting a full sync', err.message);
          cursor = null;
          initialProgress = { received: 0, pages: 0 };
          continue;
        }
        throw err;
      }
      const patch = checkPatch(res.patch);
      const changed = db.transaction(() => {
        // Within a page, children may come before their parent; checked at commit instead.
        db.pragma('defer_foreign_keys = ON');
        const tables = applyPatch(db, patch);
        for (const t of acknowledgeMutations(db, res.lastMutationId, res.rejections, now())) tables.add(t);
        for (const t of replayPendingMutations(db)) tables.add(t);
        // The cursor moves only once the last page is in: a pull cut short starts again from the old one.
        if (!res.hasMore) setMeta(db, 'cursor', res.cursor);
        return tables;
      })();
      cursor = res.cursor;
      if (initialProgress) {
        initialProgress = {
          received: initialProgress.received + patch.filter((op) => op.op === 'put').length,
          pages: initialProgress.pages + 1,
        };
      }
      emitChanged(changed);
      if (!res.hasMore) return;
      emitStatus();
    }
  }

  async function cycle(): Promise<void> {
    syncing = true;
    emitStatus();
    try {
      await push();
      await pull();
      online = true;
      lastError = null;
      nextRetryAt = null;
      failures = 0;
      setMeta(db, 'last_sync_at', String(now()));
      schedule(syncIntervalMs);
    } catch (err) {
      const error = toErrorData(err);
      if (!(err instanceof AppError)) console.error('tidepool: sync cycle failed', err);
      if (stopped) return;
      lastError = error;
      online = !OFFLINE_CODES.has(error.code);
      if (TERMINAL_CODES.has(error.code)) {
        halted = true;
        nextRetryAt = null;
        cancelTimer();
      } else {
        failures += 1;
        const cap = Math.min(BASE_BACKOFF_MS * 2 ** (failures - 1), maxBackoffMs);
        // "Equal jitter": half fixed, half random, so devices that lost the network together do not
        // come back in lockstep.
        const delay = Math.round(cap / 2 + (random() * cap) / 2);
        nextRetryAt = now() + delay;
        schedule(delay);
      }
    } finally {
      syncing = false;
      initialProgress = null;
      if (!stopped) emitStatus();
    }
  }

  function run(): Promise<void> {
    if (inFlight) {
      rerun = true;
      return inFlight;
    }
    inFlight = (async () => {
      try {
        do {
          rerun = false;
          await cycle();
        } while (rerun && !stopped);
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  }

  return {
    start() {
      stopped = false;
      halted = false;
      abort = new AbortController();
      void run();
    },
    notifyLocalWrite() {
      emitStatus();
      // During a backoff the retry timer stands: typing offline must not hammer a dead network.
      if (nextRetryAt === null) schedule(debounceMs);
    },
    async syncNow() {
      if (stopped) return status();
      halted = false;
      await run();
      return status();
    },
    status,
    async stop() {
      stopped = true;
      cancelTimer();
      abort.abort();
      await inFlight?.catch(() => undefined);
    },
  };
}
