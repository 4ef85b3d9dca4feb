import { describe, expect, it } from 'vitest';
import type { PoolRow } from '../../../../../shared/pools/schema';
import {
  isPoolFieldPath,
  newRuleDraft,
  nextRuleKind,
  poolDraft,
  poolDraftChanged,
  poolErrorPath,
  validatePoolDraft,
} from './poolForm';

const teamId = '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e';

const row: PoolRow = {
  id: '11111111-1111-4111-8111-111111111111',
  orgId: '22222222-2222-4222-8222-222222222222',
  kind: 'customer',
  nameZh: '华东公海',
  nameEn: 'East China',
  teamIds: [teamId],
  adminIds: [],
  isDefault: true,
  active: true,
  recycle: {
    rules: [{ kind: 'noFollowUp', days: 90, daysByLevel: { A: 120 } }],
    combine: 'any',
    exemptions: { openOpportunityFromStage: 'negotiation', hasBought: true, locked: true },
    warnDays: 7,
  },
  claim: {
    maxPerUser: 1500,
    maxPerTeam: null,
    counts: 'notBought',
    maxClaimsPerDay: 20,
    reclaimCooldownDays: 7,
    protectNewDays: 0,
  },
  assign: 'previousOwnerThenLeastLoaded',
  createdAt: 1,
  updatedAt: 1,
  version: 1,
};

describe('pool form', () => {
  it('round-trips a saved pool: unchanged draft, same request', () => {
    const draft = poolDraft(row);
    expect(poolDraftChanged(draft, poolDraft(row))).toBe(false);
    const { errors, input } = validatePoolDraft(draft);
    expect(errors).toEqual({});
    expect(input).toEqual({
      id: row.id,
      kind: 'customer',
      nameZh: '华东公海',
      nameEn: 'East China',
      teamIds: [teamId],
      adminIds: [],
      isDefault: true,
      active: true,
      recycle: row.recycle,
      claim: row.claim,
      assign: 'previousOwnerThenLeastLoaded',
    });
  });

  it('treats a blank limit as "no limit" and a blank level as "use the rule days"', () => {
    const draft = { ...poolDraft(row), maxPerUser: ' ', maxClaimsPerDay: '' };
    draft.rules = [{ ...draft.rules[0]!, daysByLevel: { A: '', B: '60', C: '', D: '' } }];
    const { input } = validatePoolDraft(draft);
    expect(input?.claim.maxPerUser).toBeNull();
    expect(input?.claim.maxClaimsPerDay).toBeNull();
    expect(input?.recycle.rules[0]?.daysByLevel).toEqual({ B: 60 });
  });

  it('names each problem by the request path the server would use', () => {
    const draft = { ...poolDraft(null), nameZh: ' ', maxPerUser: '0', warnDays: '', protectNewDays: '3.5' };
    draft.rules = [
      { ...newRuleDraft('noFollowUp'), days: '9x' },
      { ...newRuleDraft('noFollowUp'), days: '5000' },
    ];
    const { errors, input } = validatePoolDraft(draft);
    expect(input).toBeNull();
    expect(errors).toMatchObject({
      nameZh: { key: 'required' },
      nameEn: { key: 'required' },
      'recycle.rules.0.days': { key: 'pools.wholeNumber' },
      'recycle.rules.1.kind': { key: 'pools.duplicateRule' },
      'recycle.rules.1.days': { key: 'pools.atMost', params: { max: 3650 } },
      'recycle.warnDays': { key: 'required' },
      'claim.maxPerUser': { key: 'pools.positiveOrBlank' },
      'claim.protectNewDays': { key: 'pools.wholeNumber' },
    });
  });

  it('starts a new pool with one rule and suggests a rule kind not used yet', () => {
    const draft = poolDraft(null, 'lead');
    expect(draft.kind).toBe('lead');
    expect(draft.rules.map((r) => r.kind)).toEqual(['noFollowUp']);
    expect(nextRuleKind(draft.rules)).toBe('noOpportunity');
    expect(validatePoolDraft({ ...draft, nameZh: '线索池', nameEn: 'Leads' }).input).not.toBeNull();
  });

  it('places a server error under its field, or in the banner when the form has no such field', () => {
    expect(poolErrorPath('payload.recycle.rules.2.days')).toBe('recycle.rules.2.days');
    expect(isPoolFieldPath('recycle.rules.2.days')).toBe(true);
    expect(isPoolFieldPath('claim.maxPerUser')).toBe(true);
    expect(isPoolFieldPath('adminIds.0')).toBe(false);
    expect(isPoolFieldPath(null)).toBe(false);
  });
});
