import type Database from 'better-sqlite3';
import type {
  ApiParsedInput,
  AssignedItem,
  FollowUpItem,
  OpportunityItem,
  TaskItem,
  Today,
} from '../../../../shared/api/contract';
import type { CustomerKind } from '../../../../shared/domain/rows';
import { findStage, type SettingsRow } from '../../../../shared/domain/settings';
import { followUpEditableUntil } from '../../../../shared/mutations/followUps';
import { recyclingSoon, type RecycleContext } from './recycle';
import { fromDbRow, selectListOf } from './rows';
import { statement } from './statements';

/**
 * Repository of the rep's working day (issue 4): tasks, opportunities, the follow-up feed and the Today
 * screen, answered from the device's tables (offline), each item marked `pending` when a mutation still
 * in the outbox wrote it.
 */

const DAY_MS = 86_400_000;

/** Most items one Today list returns (a rep has far fewer; a cap keeps a runaway plan from freezing it). */
const TODAY_LIST_LIMIT = 500;

type TaskFilter =
  { customerId: string } | { assigneeId: string; dueFrom: number | null; dueBefore: number; limit: number };

/**
 * Tasks with the names the screens show. By customer: all of them, open first by due date, then the
 * closed ones. By assignee: the open tasks due in [dueFrom, dueBefore), soonest first.
 */
export function listTaskItems(db: Database.Database, filter: TaskFilter, pending: Set<string>): TaskItem[] {
  const select = `SELECT ${selectListOf('tasks', 't')}, c."name" AS "customerName", c."kind" AS "customerKind",
      u."display_name" AS "assigneeName"
    FROM "tasks" t JOIN "customers" c ON c."id" = t."customer_id" LEFT JOIN "users" u ON u."id" = t."assignee_id"`;
  const raw =
    'customerId' in filter
      ? statement(
          db,
          `${select} WHERE t."customer_id" = @customerId
            ORDER BY t."status" = 'open' DESC, t."due_at", t."id"`,
        ).all(filter)
      : statement(
          db,
          `${select} WHERE t."assignee_id" = @assigneeId AND t."status" = 'open'
              AND t."due_at" >= ifnull(@dueFrom, -1) AND t."due_at" < @dueBefore
              -- A customer released here has left my day at once (its tasks go with it to the pool).
              AND c."pool_state" = 'private'
            ORDER BY t."due_at", t."id" LIMIT @limit`,
        ).all(filter);
  return (
    raw as (Record<string, unknown> & {
      customerName: string;
      customerKind: CustomerKind;
      assigneeName: string | null;
    })[]
  ).map(({ customerName, customerKind, assigneeName, ...rest }) => {
    const t = fromDbRow('tasks', rest);
    return { ...t, customerName, customerKind, assigneeName, pending: pending.has(t.id) };
  });
}

/** Local midnight of the day `now` falls in, plus `days` days (DST-safe: built from the calendar). */
function localMidnight(now: number, days = 0): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() + days).getTime();
}

/** Local midnight of the Monday of the week `now` falls in. */
function startOfLocalWeek(now: number): number {
  const day = new Date(now).getDay(); // 0 = Sunday
  return localMidnight(now, -((day + 6) % 7));
}

/** The end of today on this device's clock and time zone: the list's "due" marker counts before it. */
export function endOfLocalDay(now: number): number {
  return localMidnight(now, 1);
}

/**
 * The Today screen for `userId`: their open tasks cut by due date on the device's local calendar
 * (overdue = due before today; due today; upcoming = the next 7 days after today), the customers that
 * came into their private sea in the last 14 days (not the ones they captured themselves), those about
 * to go back to the public sea (inside their pool's warning window, db/recycle.ts), and their own
 * pipeline: open opportunities, weighted by stage probability per currency, and follow-ups logged since
 * Monday.
 */
export function getToday(
  db: Database.Database,
  ctx: {
    userId: string;
    now: number;
    settings: SettingsRow;
    pending: Set<string>;
    /** The pools and teams the recycle countdowns need (absent: no "recycling soon"). */
    recycle?: RecycleContext;
  },
): Today {
  const { userId, now, settings, pending } = ctx;
  const today = localMidnight(now);
  const tomorrow = localMidnight(now, 1);
  const inAWeek = localMidnight(now, 8);
  const tasks = (dueFrom: number | null, dueBefore: number) =>
    listTaskItems(db, { assigneeId: userId, dueFrom, dueBefore, limit: TODAY_LIST_LIMIT }, pending);

  const recentlyAssigned = statement(
    db,
    `SELECT e."customer_id" AS "customerId", c."name" AS "customerName", e."at" AS "at", e."reason" AS "reason",
            f."display_name" AS "fromOwnerName", e."actor_type" AS "actorType",
            CASE WHEN e."actor_type" = 'user' THEN a."display_name" END AS "actorName"
       FROM "ownership_events" e JOIN "customers" c ON c."id" = e."customer_id"
       LEFT JOIN "users" f ON f."id" = e."from_owner_id"
       LEFT JOIN "users" a ON a."id" = e."actor_id"
      WHERE e."to_owner_id" = @userId AND e."at" >= @since
        AND e."from_owner_id" IS NOT @userId AND c."pool_state" = 'private'
        -- A customer I captured myself did not "come to" me.
        AND NOT (e."from_pool_state" IS NULL AND e."actor_type" = 'user' AND e."actor_id" IS @userId)
      ORDER BY e."at" DESC, e."id" DESC LIMIT 50`,
  ).all({ userId, since: now - 14 * DAY_MS }) as AssignedItem[];

  const byStage = statement(
    db,
    `SELECT "currency", "stage_key" AS "stageKey", count(*) AS "n", sum("amount_minor") AS "amount"
       FROM "opportunities" WHERE "owner_id" = ? AND "status" = 'open' GROUP BY "currency", "stage_key"`,
  ).all(userId) as { currency: string; stageKey: string; n: number; amount: number }[];
  const weighted = new Map<string, number>();
  let openOpportunities = 0;
  for (const g of byStage) {
    openOpportunities += g.n;
    // A stage the settings no longer know weighs nothing (it cannot be shown with a probability either).
    const probability = findStage(settings, g.stageKey)?.probability ?? 0;
    weighted.set(g.currency, (weighted.get(g.currency) ?? 0) + (g.amount * probability) / 100);
  }
  const { n: followUpsThisWeek } = statement(
    db,
    'SELECT count(*) AS "n" FROM "follow_ups" WHERE "author_id" = ? AND "created_at" >= ?',
  ).get(userId, startOfLocalWeek(now)) as { n: number };

  return {
    now,
    overdue: tasks(null, today),
    dueToday: tasks(today, tomorrow),
    upcoming: tasks(tomorrow, inAWeek),
    recentlyAssigned,
    recycling: ctx.recycle ? recyclingSoon(db, { ...ctx.recycle, userId, now, limit: TODAY_LIST_LIMIT }) : [],
    stats: {
      openOpportunities,
      weightedPipeline: [...weighted]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([currency, amount]) => ({ currency, amountMinor: Math.round(amount) })),
      followUpsThisWeek,
    },
  };
}

/** `%`, `_` and the escape character itself match literally inside a user's search text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Every opportunity on the device (the user's scope), most recently changed first, filtered by status
 * (default open), owner, and a substring of its name or its customer's name.
 */
export function listOpportunities(
  db: Database.Database,
  q: ApiParsedInput<'opportunities.list'>,
  pending: Set<string>,
): OpportunityItem[] {
  const where: string[] = [];
  if (q.status !== 'all') where.push(`o."status" = @status`);
  if (q.ownerId) where.push(`o."owner_id" = @ownerId`);
  const text = q.query?.trim();
  if (text) where.push(`(o."name" LIKE @p ESCAPE '\\' OR c."name" LIKE @p ESCAPE '\\')`);
  const raw = statement(
    db,
    `SELECT ${selectListOf('opportunities', 'o')}, c."name" AS "customerName", u."display_name" AS "ownerName"
       FROM "opportunities" o JOIN "customers" c ON c."id" = o."customer_id"
       LEFT JOIN "users" u ON u."id" = o."owner_id"
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY o."updated_at" DESC, o."id" DESC`,
  ).all({
    ...(q.status !== 'all' ? { status: q.status } : {}),
    ...(q.ownerId ? { ownerId: q.ownerId } : {}),
    ...(text ? { p: likePattern(text) } : {}),
  }) as (Record<string, unknown> & { customerName: string; ownerName: string | null })[];
  return raw.map(({ customerName, ownerName, ...rest }) => {
    const o = fromDbRow('opportunities', rest);
    return { ...o, customerName, ownerName, pending: pending.has(o.id) };
  });
}

/**
 * Recent follow-ups of the user's scope, newest logged first (a manager's view of the team's work), or
 * one author's; each with its customer's, author's and opportunity's names.
 */
export function followUpFeed(
  db: Database.Database,
  q: ApiParsedInput<'followUps.feed'>,
  ctx: { userId: string; settings: SettingsRow; pending: Set<string> },
): { rows: FollowUpItem[]; total: number } {
  const where = q.authorId ? 'WHERE f."author_id" = @authorId' : '';
  const params = q.authorId ? { authorId: q.authorId } : {};
  const raw = statement(
    db,
    `SELECT ${selectListOf('followUps', 'f')}, c."name" AS "customerName", u."display_name" AS "authorName",
            o."name" AS "opportunityName"
       FROM "follow_ups" f JOIN "customers" c ON c."id" = f."customer_id"
       LEFT JOIN "users" u ON u."id" = f."author_id"
       LEFT JOIN "opportunities" o ON o."id" = f."opportunity_id"
      ${where}
      ORDER BY f."created_at" DESC, f."id" DESC LIMIT @limit OFFSET @offset`,
  ).all({ ...params, limit: q.limit, offset: q.offset }) as (Record<string, unknown> & {
    customerName: string;
    authorName: string | null;
    opportunityName: string | null;
  })[];
  const { n: total } = statement(db, `SELECT count(*) AS "n" FROM "follow_ups" f ${where}`).get(params) as {
    n: number;
  };
  const rows = raw.map(({ customerName, authorName, opportunityName, ...rest }): FollowUpItem => {
    const f = fromDbRow('followUps', rest);
    return {
      ...f,
      customerName,
      authorName,
      opportunityName,
      pending: ctx.pending.has(f.id),
      editableUntil: f.authorId === ctx.userId ? followUpEditableUntil(f, ctx.settings) : null,
    };
  });
  return { rows, total };
}
