import { describe, expect, it } from 'vitest';
import { DAY_MS, daysLeft, recycleDue, recyclePolicySchema, type RecycleFacts } from './rules';

const claimedAt = Date.UTC(2026, 9, 1);
const facts = (over: Partial<RecycleFacts> = {}): RecycleFacts => ({
  level: 'B',
  status: 'active',
  claimedAt,
  lastFollowUpAt: null,
  lastDealAt: null,
  locked: false,
  deregisteredAt: null,
  firstOpportunityAfterClaimAt: null,
  firstWinAfterClaimAt: null,
  maxOpenStageOrder: null,
  ...over,
});
const policy = recyclePolicySchema.parse({
  rules: [
    { kind: 'noFollowUp', days: 30, daysByLevel: { A: 60 } },
    { kind: 'noOpportunity', days: 45 },
  ],
  exemptions: { openOpportunityFromStage: 'proposal' },
  warnDays: 3,
});

describe('recycleDue', () => {
  it('counts silence from the later of the last follow-up and the claim, per level', () => {
    expect(recycleDue(policy, facts(), null)).toMatchObject({
      dueAt: claimedAt + 30 * DAY_MS,
      rule: 'noFollowUp',
    });
    const later = claimedAt + 10 * DAY_MS;
    expect(recycleDue(policy, facts({ lastFollowUpAt: later }), null)).toMatchObject({
      dueAt: claimedAt + 40 * DAY_MS,
      rule: 'noFollowUp',
      warnAt: claimedAt + 37 * DAY_MS,
    });
    // Level A is given 60 days of silence, so the 45-day opportunity rule comes first.
    expect(recycleDue(policy, facts({ level: 'A' }), null)).toMatchObject({
      dueAt: claimedAt + 45 * DAY_MS,
      rule: 'noOpportunity',
    });
  });

  it('lets an opportunity opened in time stop the opportunity rule', () => {
    const f = facts({ level: 'A', firstOpportunityAfterClaimAt: claimedAt + 5 * DAY_MS });
    expect(recycleDue(policy, f, null)).toMatchObject({ dueAt: claimedAt + 60 * DAY_MS, rule: 'noFollowUp' });
  });

  it('exempts locked customers, buyers and open opportunities at or past the stage', () => {
    expect(recycleDue(policy, facts({ locked: true }), 2)).toEqual({ exempt: true, reason: 'locked' });
    expect(recycleDue(policy, facts({ lastDealAt: claimedAt }), 2)).toEqual({
      exempt: true,
      reason: 'hasBought',
    });
    expect(recycleDue(policy, facts({ maxOpenStageOrder: 2 }), 2)).toEqual({
      exempt: true,
      reason: 'openOpportunity',
    });
    expect(recycleDue(policy, facts({ maxOpenStageOrder: 1 }), 2)).toMatchObject({ exempt: false });
  });

  it('with AND, waits until every rule is due, and never fires if one cannot', () => {
    const all = { ...policy, combine: 'all' as const };
    expect(recycleDue(all, facts(), null)).toMatchObject({
      dueAt: claimedAt + 45 * DAY_MS,
      rule: 'noOpportunity',
    });
    const withOpp = facts({ firstOpportunityAfterClaimAt: claimedAt + DAY_MS });
    expect(recycleDue(all, withOpp, null)).toMatchObject({ dueAt: null });
  });

  it('recycles a deregistered company after its own threshold', () => {
    const p = recyclePolicySchema.parse({ rules: [{ kind: 'deregistered', days: 0 }] });
    const at = claimedAt + 3 * DAY_MS;
    expect(recycleDue(p, facts({ status: 'deregistered', deregisteredAt: at }), null)).toMatchObject({
      dueAt: at,
    });
    expect(recycleDue(p, facts(), null)).toMatchObject({ dueAt: null });
  });

  it('shows whole days left', () => {
    expect(daysLeft(claimedAt + 3 * DAY_MS, claimedAt + 1)).toBe(3);
    expect(daysLeft(claimedAt, claimedAt + DAY_MS)).toBe(0);
  });
});
