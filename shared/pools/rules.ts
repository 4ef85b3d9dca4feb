import { z } from 'zod';
import { CUSTOMER_LEVELS } from '../domain/levels';
import { optionKeySchema } from '../domain/settings';

/**
 * Public-sea rules (SPEC §4, issue 6; design in docs/pools.md). The schemas of a pool's recycle, warning
 * and claim rules, and `recycleDue`: the one definition of "when does this customer go back to the
 * pool". The server's recycle job applies the same definition in set-based SQL (a property test compares
 * them); devices evaluate it offline to show the countdown, which a new follow-up resets at once.
 */

export const DAY_MS = 86_400_000;

export const RECYCLE_RULE_KINDS = [
  /** No follow-up for N days, counted from the later of the last follow-up and the claim. */
  'noFollowUp',
  /** No opportunity created within N days of claiming. */
  'noOpportunity',
  /** No won opportunity within N days of claiming. */
  'notWon',
  /** The company was deregistered (status `deregistered`): recycled at once (N = 0) or after N days. */
  'deregistered',
] as const;
export type RecycleRuleKind = (typeof RECYCLE_RULE_KINDS)[number];

const days = z.int().min(0).max(3650);

export const recycleRuleSchema = z.object({
  kind: z.enum(RECYCLE_RULE_KINDS),
  days,
  /** Thresholds per customer level (A is usually given longer); a level not listed uses `days`. */
  daysByLevel: z.partialRecord(z.enum(CUSTOMER_LEVELS), days).default({}),
});
export type RecycleRule = z.infer<typeof recycleRuleSchema>;

export const recycleExemptionsSchema = z.object({
  /** An open opportunity at or past this stage (by the org's stage order) keeps the customer. */
  openOpportunityFromStage: optionKeySchema.nullable().default(null),
  /** A customer who has bought (a won deal, `lastDealAt`) is never recycled. */
  hasBought: z.boolean().default(true),
  /** A manager's lock keeps a customer private whatever the rules say. */
  locked: z.boolean().default(true),
});
export type RecycleExemptions = z.infer<typeof recycleExemptionsSchema>;

export const recyclePolicySchema = z.object({
  rules: z.array(recycleRuleSchema).max(10).default([]),
  /** `any`: the first rule due recycles; `all`: only when every rule is due. */
  combine: z.enum(['any', 'all']).default('any'),
  exemptions: recycleExemptionsSchema.default({
    openOpportunityFromStage: null,
    hasBought: true,
    locked: true,
  }),
  /** K: days before a recycle that the owner is warned (a task, the countdown turns amber). 0 = none. */
  warnDays: z.int().min(0).max(90).default(3),
});
export type RecyclePolicy = z.infer<typeof recyclePolicySchema>;

export const claimPolicySchema = z.object({
  /** Max customers in one rep's private sea (null: no limit). */
  maxPerUser: z.int().positive().nullable().default(null),
  /** Max customers in the private seas of one team together (null: no limit). */
  maxPerTeam: z.int().positive().nullable().default(null),
  /** Which of a rep's customers count toward the limits: all, or only those not yet bought from. */
  counts: z.enum(['all', 'notBought']).default('all'),
  /** Max claims per rep per calendar day (in the org's time zone). */
  maxClaimsPerDay: z.int().positive().nullable().default(null),
  /** The previous owner may not claim back a customer they lost for N days. */
  reclaimCooldownDays: days.default(0),
  /** A customer that just entered the pool cannot be claimed for N days (managers may still assign). */
  protectNewDays: days.default(0),
});
export type ClaimPolicy = z.infer<typeof claimPolicySchema>;

export const ASSIGN_STRATEGIES = [
  'previousOwnerThenLeastLoaded',
  'previousOwnerThenRoundRobin',
  'leastLoaded',
  'roundRobin',
] as const;

/** The facts about one customer the rules need (all available on the owner's device too). */
export type RecycleFacts = {
  level: (typeof CUSTOMER_LEVELS)[number] | null;
  status: 'active' | 'dormant' | 'deregistered';
  claimedAt: number | null;
  lastFollowUpAt: number | null;
  lastDealAt: number | null;
  locked: boolean;
  /** When the status became `deregistered` (null if it is not). */
  deregisteredAt: number | null;
  /** Earliest creation time of an opportunity created at or after `claimedAt` (null: none). */
  firstOpportunityAfterClaimAt: number | null;
  /** Earliest close time of a won opportunity closed at or after `claimedAt` (null: none). */
  firstWinAfterClaimAt: number | null;
  /** The highest stage order among the customer's open opportunities (null: none open). */
  maxOpenStageOrder: number | null;
};

export type RecycleVerdict =
  | { exempt: true; reason: 'locked' | 'hasBought' | 'openOpportunity' | 'noRules' }
  | {
      exempt: false;
      /** When the customer goes back to the pool (epoch ms); null when no rule can fire. */
      dueAt: number | null;
      /** The rule that decides `dueAt`. */
      rule: RecycleRuleKind | null;
      /** When the owner is warned (dueAt − K days). */
      warnAt: number | null;
    };

function threshold(rule: RecycleRule, level: RecycleFacts['level']): number {
  return (level !== null ? rule.daysByLevel[level] : undefined) ?? rule.days;
}

/** When one rule fires for these facts (null: it cannot fire, e.g. the opportunity exists). */
export function ruleDueAt(rule: RecycleRule, f: RecycleFacts): number | null {
  const n = threshold(rule, f.level) * DAY_MS;
  switch (rule.kind) {
    case 'noFollowUp': {
      const anchor = Math.max(f.lastFollowUpAt ?? 0, f.claimedAt ?? 0);
      return anchor === 0 ? null : anchor + n;
    }
    case 'noOpportunity':
      if (f.claimedAt === null) return null;
      // An opportunity opened in time stops the rule for good (for this claim).
      if (f.firstOpportunityAfterClaimAt !== null && f.firstOpportunityAfterClaimAt <= f.claimedAt + n)
        return null;
      return f.claimedAt + n;
    case 'notWon':
      if (f.claimedAt === null) return null;
      if (f.firstWinAfterClaimAt !== null && f.firstWinAfterClaimAt <= f.claimedAt + n) return null;
      return f.claimedAt + n;
    case 'deregistered':
      return f.status === 'deregistered' && f.deregisteredAt !== null ? f.deregisteredAt + n : null;
  }
}

/**
 * The one definition of when a privately owned customer recycles. `stageOrder` is the order of the
 * exemption stage in the org's stages (null when the exemption is off or the stage is unknown).
 */
export function recycleDue(
  policy: RecyclePolicy,
  f: RecycleFacts,
  exemptStageOrder: number | null,
): RecycleVerdict {
  if (policy.exemptions.locked && f.locked) return { exempt: true, reason: 'locked' };
  if (policy.exemptions.hasBought && f.lastDealAt !== null) return { exempt: true, reason: 'hasBought' };
  if (exemptStageOrder !== null && f.maxOpenStageOrder !== null && f.maxOpenStageOrder >= exemptStageOrder) {
    return { exempt: true, reason: 'openOpportunity' };
  }
  if (policy.rules.length === 0) return { exempt: true, reason: 'noRules' };
  let dueAt: number | null = null;
  let rule: RecycleRuleKind | null = null;
  for (const r of policy.rules) {
    const at = ruleDueAt(r, f);
    if (policy.combine === 'all') {
      if (at === null) return { exempt: false, dueAt: null, rule: null, warnAt: null };
      if (dueAt === null || at > dueAt) {
        dueAt = at;
        rule = r.kind;
      }
    } else if (at !== null && (dueAt === null || at < dueAt)) {
      dueAt = at;
      rule = r.kind;
    }
  }
  return {
    exempt: false,
    dueAt,
    rule,
    warnAt: dueAt === null || policy.warnDays === 0 ? null : dueAt - policy.warnDays * DAY_MS,
  };
}

/** Whole days left before a recycle, as the countdown shows it ("recycles in 3 days"); 0 = today. */
export function daysLeft(dueAt: number, now: number): number {
  return Math.max(0, Math.ceil((dueAt - now) / DAY_MS));
}
