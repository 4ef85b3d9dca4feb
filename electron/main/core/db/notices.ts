import type Database from 'better-sqlite3';
import type { NoticeItem } from '../../../../shared/api/contract';
import type { CustomerKind, OwnershipEventRow } from '../../../../shared/domain/rows';
import { newId } from '../../../../shared/ids';
import { countdownOf, readRecycleFacts, recycleContext, ruleDays } from './recycle';
import { fromDbRow, getRow, selectListOf } from './rows';
import { statement } from './statements';

/**
 * Device-local notices (issue 6): what happened to the user's private sea while they were away, recorded
 * as a pull applies it and shown once (a banner on the shell and Today) until dismissed:
 *
 * - `recycledAway`: a customer of mine left the device because a recycle rule sent it back to the public
 *   sea — the ownership history says so (a `rule` move, action `recycle`), or, when the removal comes
 *   alone (the server sends a leaving customer's history no more), the device's own countdown had run
 *   out; the reason then names the rule as the server writes it (`noFollowUp:90`);
 * - `movedAway`: a customer of mine left the device otherwise (a manager's transfer or release);
 * - `assignedIn`: a customer came into my private sea by someone else's move — a manager's assignment
 *   or transfer, a rule, an activity event's reactivation. My own claims and captures are not notices:
 *   their outcome is the customer appearing (or the refusal in the inbox).
 *
 * Full rounds (a first sync, a reset, an upgrade) record nothing: everything arrives, nothing is news.
 */

type NoticeKind = NoticeItem['kind'];

type NoticeInput = {
  /** Names the move, so the same move pulled twice is noticed once (dismissed ones included). */
  key: string;
  kind: NoticeKind;
  customerId: string;
  customerName: string;
  customerKind: CustomerKind;
  at: number;
  reason: string | null;
  actorType: NoticeItem['actorType'];
};

/** Records a notice once per `key`; true when it is new. */
export function recordNotice(db: Database.Database, n: NoticeInput, now: number): boolean {
  const info = statement(
    db,
    `INSERT INTO "notices" ("id", "key", "kind", "customer_id", "customer_name", "customer_kind", "at", "reason",
       "actor_type", "created_at") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("key") DO NOTHING`,
  ).run(
    newId(now),
    n.key,
    n.kind,
    n.customerId,
    n.customerName,
    n.customerKind,
    n.at,
    n.reason,
    n.actorType,
    now,
  );
  return info.changes > 0;
}

/** The notices not yet dismissed, newest first. */
export function listNotices(db: Database.Database): NoticeItem[] {
  return statement(
    db,
    `SELECT "id", "kind", "customer_id" AS "customerId", "customer_name" AS "customerName",
        "customer_kind" AS "customerKind", "at", "reason", "actor_type" AS "actorType"
       FROM "notices" WHERE "dismissed_at" IS NULL ORDER BY "at" DESC, "created_at" DESC, "id" DESC`,
  ).all() as NoticeItem[];
}

/** Dismisses notices by id (unknown ids are ignored); returns how many were open. */
export function dismissNotices(db: Database.Database, ids: readonly string[], now: number): number {
  if (ids.length === 0) return 0;
  return statement(
    db,
    `UPDATE "notices" SET "dismissed_at" = ?
      WHERE "dismissed_at" IS NULL AND "id" IN (SELECT "value" FROM json_each(?))`,
  ).run(now, JSON.stringify(ids)).changes;
}

/** The operations of a checked pull page this watch reads. */
type PatchView = readonly (
  { op: 'put'; table: string; row: unknown } | { op: 'del'; table: string; id: string } | { op: 'clear' }
)[];

/** A customer of mine about to leave, seen before the page removes it. */
type Leaving = {
  id: string;
  name: string;
  kind: CustomerKind;
  /** Its countdown had run out by `now`: the rule and its threshold. */
  expired: { rule: string; days: number | null } | null;
};

/** The latest ownership move of a customer the device holds (history is read-only, server-written). */
function latestLocalMove(db: Database.Database, customerId: string): OwnershipEventRow | undefined {
  const raw = statement(
    db,
    `SELECT ${selectListOf('ownershipEvents', 'e')} FROM "ownership_events" e
      WHERE e."customer_id" = ? ORDER BY e."at" DESC, e."id" DESC LIMIT 1`,
  ).get(customerId) as Record<string, unknown> | undefined;
  return raw ? fromDbRow('ownershipEvents', raw) : undefined;
}

const isRecycle = (e: OwnershipEventRow) => e.actorType === 'rule' || e.action === 'recycle';

/**
 * Watches one incremental pull page for the moves worth a notice. Call before the page is applied (a
 * leaving customer's name and countdown are read while it is still here), then `record()` after it is
 * applied, in the same transaction; returns whether a notice was recorded.
 */
export function watchPrivateSea(
  db: Database.Database,
  patch: PatchView,
  ctx: { userId: string; orgId: string; now: number },
): { record(): boolean } {
  const { userId, now } = ctx;
  const leaving: Leaving[] = [];
  const moves: OwnershipEventRow[] = [];
  for (const op of patch) {
    if (op.op === 'put' && op.table === 'ownershipEvents') moves.push(op.row as OwnershipEventRow);
  }
  const dels = patch.filter(
    (op): op is { op: 'del'; table: string; id: string } => op.op === 'del' && op.table === 'customers',
  );
  if (dels.length > 0) {
    const mine = dels
      .map((op) => getRow(db, 'customers', op.id))
      .filter((c) => c !== undefined && c.ownerId === userId && c.poolState === 'private');
    if (mine.length > 0) {
      const recycle = recycleContext(db, ctx.orgId);
      const facts = new Map(
        readRecycleFacts(
          db,
          mine.map((c) => c!.id),
          recycle,
        ).map((f) => [f.id, f]),
      );
      for (const c of mine) {
        const f = facts.get(c!.id);
        const countdown = f ? countdownOf(f, recycle) : null;
        leaving.push({
          id: c!.id,
          name: c!.name,
          kind: c!.kind,
          expired:
            f && countdown && countdown.dueAt <= now
              ? { rule: countdown.rule, days: ruleDays(f, countdown.rule, recycle) }
              : null,
        });
      }
    }
  }
  // The move that took a leaving customer away, when the page or the device has it (latest first).
  const moveAway = (customerId: string): OwnershipEventRow | undefined => {
    const candidates = moves.filter((e) => e.customerId === customerId);
    const local = latestLocalMove(db, customerId);
    if (local) candidates.push(local);
    const latest = candidates.sort((a, b) => b.at - a.at || (a.id < b.id ? 1 : -1))[0];
    return latest && (latest.toOwnerId !== userId || latest.toPoolState !== 'private') ? latest : undefined;
  };
  // Read before the page removes the customer (and, through the cascade, its history).
  const away = new Map(leaving.map((l) => [l.id, moveAway(l.id)]));

  return {
    record() {
      let recorded = false;
      for (const l of leaving) {
        if (getRow(db, 'customers', l.id)) continue;
        const move = away.get(l.id);
        const base = { customerId: l.id, customerName: l.name, customerKind: l.kind };
        if (move) {
          recorded =
            recordNotice(
              db,
              {
                ...base,
                key: `away:${move.id}`,
                kind: isRecycle(move) ? 'recycledAway' : 'movedAway',
                at: move.at,
                reason: move.reason,
                actorType: move.actorType,
              },
              now,
            ) || recorded;
        } else {
          recorded =
            recordNotice(
              db,
              {
                ...base,
                key: `away:${l.id}:${now}`,
                kind: l.expired ? 'recycledAway' : 'movedAway',
                at: now,
                reason: l.expired
                  ? l.expired.days === null
                    ? l.expired.rule
                    : `${l.expired.rule}:${l.expired.days}`
                  : null,
                actorType: l.expired ? 'rule' : null,
              },
              now,
            ) || recorded;
        }
      }
      for (const e of moves) {
        if (e.toOwnerId !== userId || e.toPoolState !== 'private') continue;
        // My own claims and captures are confirmations, not news.
        if (e.actorType === 'user' && e.actorId === userId) continue;
        const customer = getRow(db, 'customers', e.customerId);
        if (!customer || customer.ownerId !== userId || customer.poolState !== 'private') continue;
        // Only the move that brought it: a customer arriving whole brings its older history too.
        if (latestLocalMove(db, e.customerId)?.id !== e.id) continue;
        recorded =
          recordNotice(
            db,
            {
              key: `in:${e.id}`,
              kind: 'assignedIn',
              customerId: customer.id,
              customerName: customer.name,
              customerKind: customer.kind,
              at: e.at,
              reason: e.reason,
              actorType: e.actorType,
            },
            now,
          ) || recorded;
      }
      return recorded;
    },
  };
}
