import type Database from 'better-sqlite3';
import type { ApiEvent, SyncStatus } from '../../../../shared/api/contract';
import type { SyncedTable } from '../../../../shared/domain/rows';
import { AppError, toErrorData, type AppErrorData } from '../../../../shared/errors';
import {
  LEGACY_MAX_PULL_LIMIT,
  MAX_MUTATIONS_PER_PUSH,
  MAX_PULL_LIMIT,
  PROTOCOL_VERSION,
} from '../../../../shared/sync/protocol';
import { deferSecondaryIndexes, restoreSecondaryIndexes } from '../db/bulkLoad';
import { replayPendingMutations } from '../db/effects';
import { countConflicts, countUnresolvedRejections } from '../db/inbox';
import { deleteMeta, getMeta, setMeta } from '../db/meta';
import { watchPrivateSea } from '../db/notices';
import { acknowledgeMutations, countPending, pendingMutations, recordPushAttempt } from '../db/outbox';
import { applyPatch, checkPatch } from './patch';
import { watchRequestWritten } from './requestWritten';
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
  /** Keep a poke stream open while running (default true; tests of exact request sequences turn it off). */
  pokes?: boolean;
  /** Quiet time after a poke before pulling, so a burst of pokes makes one pull (default 25 ms). */
  pokeDelayMs?: number;
  /**
   * Whose private sea this device holds: pulls then record notices of customers that leave it or are
   * assigned into it (db/notices.ts). Absent: no notices.
   */
  user?: { id: string; orgId: string };
};

/**
 * A paged pull under way, kept in `meta.pull_round` and written in the same transaction as each page:
 * after a crash or a lost connection the round resumes from its last applied page. `full` = the round
 * started with `clear` (a first sync or a reset), the one that shows a progress bar.
 */
type PullRound = { cursor: string; full: boolean; received: number; pages: number; total: number | null };

function readRound(db: Database.Database): PullRound | null {
  const raw = getMeta(db, 'pull_round');
  if (raw === undefined) return null;
  try {
    const r = JSON.parse(raw) as Partial<PullRound>;
    if (typeof r.cursor !== 'string' || typeof r.full !== 'boolean') return null;
    return {
      cursor: r.cursor,
      full: r.full,
      received: Number(r.received) || 0,
      pages: Number(r.pages) || 0,
      total: typeof r.total === 'number' ? r.total : null,
    };
  } catch {
    return null;
  }
}

export type SyncAgent = {
  /** Starts the timers and runs a first sync at once. */
  start(): void;
  /** A local write happened: push soon (debounced). */
  notifyLocalWrite(): void;
  /** Runs a full cycle (push, then pull) now, even during a backoff; resolves with the status after it. */
  syncNow(): Promise<SyncStatus>;
  status(): SyncStatus;
  /** Publishes the status again (the inbox changed: its counts are part of it). */
  publishStatus(): void;
  /** Stops timers, aborts the request in flight and waits for the cycle to unwind. */
  stop(): Promise<void>;
};

const BASE_BACKOFF_MS = 1000;

/** WAL pages between automatic checkpoints during a full round (64 MiB at SQLite's 4 KiB pages). */
const FULL_ROUND_WAL_AUTOCHECKPOINT = 16_384;
/** Page cache during a full round, in KiB (negative = KiB for SQLite): the default is 2 MiB. */
const FULL_ROUND_CACHE_KIB = 65_536;

/**
 * A full round writes every page of the book's tables and indexes, one transaction per pull page: with
 * SQLite's default checkpoint every 1,000 WAL pages, the same index pages were copied back into the
 * database after nearly every pull page (≈ 30 % of the apply time of a 650k-row first sync). Checkpointing
 * less often during the round is as safe (WAL + synchronous=NORMAL, durable at each checkpoint as
 * always, every commit crash-safe) and only lets the WAL file grow to about 64 MiB; the usual setting is
 * back when the round ends, however it ends, and the next commit checkpoints.
 */
function widenWalForFullRound(db: Database.Database): { widen(): void; restore(): void } {
  let previous: { wal: number; cache: number } | null = null;
  return {
    widen() {
      if (previous !== null) return;
      previous = {
        wal: db.pragma('wal_autocheckpoint', { simple: true }) as number,
        cache: db.pragma('cache_size', { simple: true }) as number,
      };
      db.pragma(`wal_autocheckpoint = ${FULL_ROUND_WAL_AUTOCHECKPOINT}`);
      // The round's last page builds the deferred indexes (db/bulkLoad.ts): sorts that a larger cache
      // keeps in memory (64 MiB for the round only).
      db.pragma(`cache_size = -${FULL_ROUND_CACHE_KIB}`);
    },
    restore() {
      if (previous === null) return;
      db.pragma(`wal_autocheckpoint = ${previous.wal}`);
      db.pragma(`cache_size = ${previous.cache}`);
      previous = null;
    },
  };
}

/** Waits `ms`, or less if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref?.();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

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
  const pokesEnabled = opts.pokes ?? true;
  const pokeDelayMs = opts.pokeDelayMs ?? 25;

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
  /** Rows per pull page asked for: the protocol's most, or what an older server accepts once it refused. */
  let pullLimit = MAX_PULL_LIMIT;
  let pokeLoop: Promise<void> | null = null;

  function status(): SyncStatus {
    const last = getMeta(db, 'last_sync_at');
    return {
      online,
      syncing,
      pending: countPending(db),
      rejected: countUnresolvedRejections(db),
      conflicts: countConflicts(db),
      lastSyncAt: last === undefined ? null : Number(last),
      lastError,
      nextRetryAt,
      initialProgress,
    };
  }

  const emitStatus = () => emit({ type: 'sync.status', status: status() });
  /**
   * `inbox` joins the synced tables' names when refusals or conflicts arrived, `notices` when a pull
   * recorded one.
   */
  const emitChanged = (tables: Set<SyncedTable | 'inbox' | 'notices'>) => {
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
      const changed: Set<SyncedTable | 'inbox'> = db.transaction(() =>
        acknowledgeMutations(db, res.lastMutationId, res.rejections, now()),
      )();
      if (res.rejections.length > 0) changed.add('inbox');
      emitChanged(changed);
      emitStatus();
    }
  }

  /**
   * Pulls until the server has nothing more. Each page is checked, then applied in ONE transaction with
   * the acknowledgements it carries, the rebase of pending work, and the round's progress: the committed
   * cursor moves only with the last page, while `meta.pull_round` remembers the pages already in, so an
   * interrupted round (a big first sync cut halfway) resumes where it stopped instead of from zero.
   *
   * Pipelined: the next page's cursor is in this page's answer, so the next page is requested before this
   * one is applied, and the server prepares it while the device writes (a first sync used to leave each
   * side idle half the time). Never more than one page ahead, and a page is only ever applied after the
   * one before it; if applying fails, the request ahead is aborted and its answer dropped unseen, and a
   * failed request ahead surfaces only after the page before it is in.
   */
  async function pull(): Promise<void> {
    const committed = getMeta(db, 'cursor') ?? null;
    let round = readRound(db);
    let cursor = round?.cursor ?? committed;
    let full = round?.full ?? committed === null;
    const progressOf = (r: PullRound | null) => ({
      received: r?.received ?? 0,
      pages: r?.pages ?? 0,
      total: r?.total ?? null,
    });
    if (full) initialProgress = progressOf(round);
    const request = (from: string | null) => {
      const own = new AbortController();
      const answer = transport.pull(
        // The largest page the protocol allows: fewer round trips and transactions per first sync.
        { protocolVersion: PROTOCOL_VERSION, clientId, cursor: from, limit: pullLimit },
        AbortSignal.any([abort.signal, own.signal]),
      );
      // A request ahead whose page before failed is never awaited: its failure must not go unhandled.
      answer.catch(() => undefined);
      return { answer, cancel: () => own.abort() };
    };
    let ahead = request(cursor);
    const roomyWal = widenWalForFullRound(db);
    try {
      for (;;) {
        let res;
        try {
          res = await ahead.answer;
        } catch (err) {
          // A cursor the server no longer understands (its database was reset or upgraded): fall back to
          // the committed cursor, then to a full sync, rather than retrying a request that can never
          // succeed (electric #1552). The outbox is not touched: pending work is replayed over whatever
          // arrives.
          if (err instanceof HttpError && err.status === 400 && err.field === 'cursor' && cursor !== null) {
            console.warn('tidepool: the server refused the sync cursor, starting over', err.message);
            if (round) db.transaction(() => deleteMeta(db, 'pull_round'))();
            cursor = round && committed !== null && cursor !== committed ? committed : null;
            round = null;
            full = cursor === null;
            initialProgress = full ? progressOf(null) : null;
            ahead = request(cursor);
            continue;
          }
          // A server from before pages of 20,000 rows: the same request with the limit it knows.
          if (
            err instanceof HttpError &&
            err.status === 400 &&
            err.field === 'limit' &&
            pullLimit > LEGACY_MAX_PULL_LIMIT
          ) {
            pullLimit = LEGACY_MAX_PULL_LIMIT;
            ahead = request(cursor);
            continue;
          }
          throw err;
        }
        if (res.hasMore) {
          // fetch() writes the request to its socket on a later turn of the event loop, and applying is
          // synchronous: without waiting for that write, the server would hear of the next page only
          // after the apply, and each side would again wait for the other (measured: a fifth of a big
          // first sync's time).
          const written = watchRequestWritten();
          ahead = request(res.cursor);
          await written();
        }
        const patch = checkPatch(res.patch);
        if (patch[0]?.op === 'clear' && !full) {
          // The server chose to start over (it could not honour the cursor): this is a full round now.
          full = true;
          round = null;
        }
        const received =
          res.progress?.sent ?? (round?.received ?? 0) + patch.filter((op) => op.op === 'put').length;
        const next: PullRound = {
          cursor: res.cursor,
          full,
          received,
          pages: (round?.pages ?? 0) + 1,
          total: res.progress?.total ?? round?.total ?? null,
        };
        if (full) roomyWal.widen();
        const changed = db.transaction(() => {
          // Within a page, children may come before their parent; checked at commit instead.
          db.pragma('defer_foreign_keys = ON');
          // Acknowledgements first: refusals and conflicts are labelled with rows this page may remove,
          // and a conflict's restored server value must not overwrite a newer one in the same page.
          const tables: Set<SyncedTable | 'notices'> = acknowledgeMutations(
            db,
            res.lastMutationId,
            res.rejections,
            now(),
            res.conflicts,
          );
          // A round that starts over builds its secondary indexes once at its end (db/bulkLoad.ts).
          if (patch[0]?.op === 'clear') deferSecondaryIndexes(db);
          // Moves of my private sea worth a notice, seen before the page removes what leaves.
          const watch =
            opts.user && !full
              ? watchPrivateSea(db, patch, { userId: opts.user.id, orgId: opts.user.orgId, now: now() })
              : null;
          // A full round's tables held nothing before its `clear` but what this round wrote.
          for (const t of applyPatch(db, patch, { fresh: full })) tables.add(t);
          for (const t of replayPendingMutations(db)) tables.add(t);
          if (watch?.record()) tables.add('notices');
          if (res.hasMore) {
            setMeta(db, 'pull_round', JSON.stringify(next));
          } else {
            setMeta(db, 'cursor', res.cursor);
            deleteMeta(db, 'pull_round');
            restoreSecondaryIndexes(db);
          }
          return tables;
        })();
        cursor = res.cursor;
        round = next;
        if (full) initialProgress = progressOf(next);
        emitChanged(
          res.rejections.length > 0 || res.conflicts.length > 0 ? new Set([...changed, 'inbox']) : changed,
        );
        if (!res.hasMore) return;
        emitStatus();
      }
    } catch (err) {
      ahead.cancel();
      throw err;
    } finally {
      roomyWal.restore();
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

  /**
   * Keeps the poke stream open while the agent runs: a poke pulls at once (bursts coalesce in the
   * `pokeDelayMs` timer, and pokes during a cycle fold into one more cycle). A reconnect, or an open
   * stream after failures, syncs at once too: pokes sent while the device was away are not replayed, the
   * normal pull catches up. Failed connections retry with the same capped, jittered backoff as syncs.
   */
  async function listenForPokes(signal: AbortSignal): Promise<void> {
    if (!transport.events) return;
    let failures = 0;
    let connections = 0;
    while (!stopped && !halted && !signal.aborted) {
      try {
        await transport.events(
          {
            onOpen: () => {
              failures = 0;
              connections += 1;
              // The server is reachable again after the device thought it offline: catch up now.
              if (connections > 1 || (lastError !== null && !online)) schedule(0);
            },
            onPoke: () => schedule(pokeDelayMs),
          },
          signal,
        );
      } catch (err) {
        if (signal.aborted) return;
        // A stale session or an app too old: the sync cycle reports it and halts; listening again is
        // pointless until the user acts (syncNow/start restart the stream).
        if (err instanceof AppError && TERMINAL_CODES.has(err.code)) return;
        // A server without pokes: ask again only rarely; periodic pulls keep the device up to date.
        if (err instanceof HttpError && err.status === 404) failures = Math.max(failures, 16);
      }
      failures += 1;
      const cap = Math.min(BASE_BACKOFF_MS * 2 ** (failures - 1), maxBackoffMs);
      await sleep(Math.round(cap / 2 + (random() * cap) / 2), signal);
    }
  }

  function ensurePokes(): void {
    if (!pokesEnabled || pokeLoop || stopped) return;
    pokeLoop = listenForPokes(abort.signal).finally(() => {
      pokeLoop = null;
    });
  }

  return {
    start() {
      stopped = false;
      halted = false;
      abort = new AbortController();
      void run();
      ensurePokes();
    },
    notifyLocalWrite() {
      emitStatus();
      // During a backoff the retry timer stands: typing offline must not hammer a dead network.
      if (nextRetryAt === null) schedule(debounceMs);
    },
    async syncNow() {
      if (stopped) return status();
      halted = false;
      ensurePokes();
      await run();
      return status();
    },
    status,
    publishStatus: emitStatus,
    async stop() {
      stopped = true;
      cancelTimer();
      abort.abort();
      await inFlight?.catch(() => undefined);
      await pokeLoop;
    },
  };
}
