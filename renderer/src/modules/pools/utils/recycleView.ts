import type { RecycleCountdown } from '../../../../../shared/api/contract';
import type { CustomerLevel } from '../../../../../shared/domain/levels';
import { daysLeft, RECYCLE_RULE_KINDS, type RecycleRuleKind } from '../../../../../shared/pools/rules';
import type { PoolRow } from '../../../../../shared/pools/schema';

/**
 * How a recycle countdown reads (docs/pools.md "Warnings"): the days left in words, its colour, and the
 * rule that decides it. Pure, so the wording is tested without a DOM; `now` is the screen's clock tick.
 */

/** A translation key under `recycle.` with its parameters. */
export type RecycleText = { key: string; params: Record<string, string | number> };

/**
 * The colour of a countdown: red when a day or less is left (the owner must act today), amber inside
 * the pool's warning window, quiet otherwise (the detail still shows it, the list does not).
 */
export type RecycleTone = 'danger' | 'warning' | 'calm';

export function recycleTone(c: Pick<RecycleCountdown, 'dueAt' | 'warnAt'>, now: number): RecycleTone {
  if (daysLeft(c.dueAt, now) <= 1) return 'danger';
  if (c.warnAt !== null && now >= c.warnAt) return 'warning';
  return 'calm';
}

/** Whether the list shows the countdown: only once it matters (warning window or the last day). */
export function recycleShownInList(c: RecycleCountdown | null, now: number): c is RecycleCountdown {
  return c !== null && recycleTone(c, now) !== 'calm';
}

/**
 * "3 天后退回公海" / "Recycles in 3 days" (whole days rounded up, as the shared `daysLeft` counts); the
 * last 24 hours read "within a day" (not "tomorrow": the hour matters, not the calendar); a due time
 * already past — the job has not run yet — says it is about to go.
 */
export function recycleWording(c: Pick<RecycleCountdown, 'dueAt'>, now: number): RecycleText {
  if (c.dueAt <= now) return { key: 'recycle.due', params: {} };
  const n = daysLeft(c.dueAt, now);
  if (n <= 1) return { key: 'recycle.withinDay', params: {} };
  return { key: 'recycle.inDays', params: { n } };
}

/** The compact form for a table cell: "3 天后回收" / "Recycles in 3d"; past due, "待回收" / "Recycling". */
export function recycleShortWording(c: Pick<RecycleCountdown, 'dueAt'>, now: number): RecycleText {
  if (c.dueAt <= now) return { key: 'recycle.shortDue', params: {} };
  if (daysLeft(c.dueAt, now) <= 1) return { key: 'recycle.shortWithinDay', params: {} };
  return { key: 'recycle.shortDays', params: { n: daysLeft(c.dueAt, now) } };
}

/** A rule's threshold for a customer of this level in this pool (null: the pool has no such rule). */
export function ruleThreshold(
  pool: Pick<PoolRow, 'recycle'> | undefined,
  rule: RecycleRuleKind,
  level: CustomerLevel | null,
): number | null {
  const found = pool?.recycle.rules.find((r) => r.kind === rule);
  if (!found) return null;
  return (level !== null ? found.daysByLevel[level] : undefined) ?? found.days;
}

/**
 * The rule in words: "90 天未跟进" / "no follow-up for 90 days" when its threshold is known, else its
 * short name ("未跟进" / "no follow-up").
 */
export function ruleWording(rule: RecycleRuleKind, days: number | null): RecycleText {
  if (days === null) return { key: `recycle.rules.${rule}`, params: {} };
  if (rule === 'deregistered' && days === 0) return { key: 'recycle.rules.deregistered', params: {} };
  return { key: `recycle.rulesWithDays.${rule}`, params: { n: days } };
}

export function isRecycleRuleKind(value: unknown): value is RecycleRuleKind {
  return typeof value === 'string' && (RECYCLE_RULE_KINDS as readonly string[]).includes(value);
}

/**
 * The rule a recycle's recorded reason names: the server writes the rule's kind first, then its words
 * in English with the threshold ("noFollowUp: 90 days without a follow-up"; also `noFollowUp:90` or a
 * bare kind). Null for any other reason (a person's), shown as written.
 */
export function parseRecycleReason(
  reason: string | null,
): { rule: RecycleRuleKind; days: number | null } | null {
  if (reason === null) return null;
  const m = /^\s*([a-zA-Z]+)\s*(?::\s*([\s\S]*))?$/.exec(reason);
  if (!m || !isRecycleRuleKind(m[1])) return null;
  const rest = m[2] ?? '';
  const days = /^(\d{1,4})$/.exec(rest.trim()) ?? /(\d{1,4})\s*days?\b/.exec(rest);
  return { rule: m[1], days: days?.[1] !== undefined ? Number(days[1]) : null };
}
