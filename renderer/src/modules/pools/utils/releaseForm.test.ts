import { describe, expect, it } from 'vitest';
import type { PoolRow } from '../../../../../shared/pools/schema';
import { canRelease, defaultReleasePool, releaseTargets, validateReleaseForm } from './releaseForm';

const team = '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e';
const customerId = '33333333-3333-4333-8333-333333333333';

function pool(id: string, patch: Partial<PoolRow>): PoolRow {
  return {
    id,
    orgId: '22222222-2222-4222-8222-222222222222',
    kind: 'customer',
    nameZh: id,
    nameEn: id,
    teamIds: [],
    adminIds: [],
    isDefault: false,
    active: true,
    recycle: {
      rules: [],
      combine: 'any',
      exemptions: { openOpportunityFromStage: null, hasBought: true, locked: true },
      warnDays: 3,
    },
    claim: {
      maxPerUser: null,
      maxPerTeam: null,
      counts: 'all',
      maxClaimsPerDay: null,
      reclaimCooldownDays: 0,
      protectNewDays: 0,
    },
    assign: 'roundRobin',
    createdAt: 1,
    updatedAt: 1,
    version: 1,
    ...patch,
  };
}

const fallback = pool('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', { isDefault: true, createdAt: 1 });
const east = pool('bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', { teamIds: [team], createdAt: 2 });
const closed = pool('cccccccc-cccc-4ccc-8ccc-cccccccccccc', { active: false, createdAt: 3 });
const leads = pool('dddddddd-dddd-4ddd-8ddd-dddddddddddd', { kind: 'lead', createdAt: 4 });
const pools = [closed, leads, east, fallback];

describe('release dialog', () => {
  it('offers the active pools of the customer kind, oldest first', () => {
    expect(releaseTargets(pools, 'customer').map((p) => p.id)).toEqual([fallback.id, east.id]);
    expect(releaseTargets(pools, 'lead').map((p) => p.id)).toEqual([leads.id]);
  });

  it("chooses the owner's team pool first, else the default", () => {
    expect(defaultReleasePool(pools, { kind: 'customer', poolId: null }, team)?.id).toBe(east.id);
    expect(defaultReleasePool(pools, { kind: 'customer', poolId: null }, null)?.id).toBe(fallback.id);
  });

  it('needs a reason, and sends the pool only when the user picked another one', () => {
    expect(validateReleaseForm(customerId, '  ', east.id, east.id).errors).toEqual({
      reason: { key: 'required' },
    });
    expect(validateReleaseForm(customerId, 'x'.repeat(201), east.id, east.id).errors.reason).toEqual({
      key: 'tooLong',
      params: { max: 200 },
    });
    expect(validateReleaseForm(customerId, '选了竞品', east.id, east.id).input).toEqual({
      customerId,
      reason: '选了竞品',
    });
    expect(validateReleaseForm(customerId, '选了竞品', fallback.id, east.id).input).toEqual({
      customerId,
      reason: '选了竞品',
      poolId: fallback.id,
    });
    expect(validateReleaseForm(customerId, '选了竞品', '', null).errors.poolId).toEqual({ key: 'chooseOne' });
  });

  it('lets a rep release only an unlocked customer of their own; a manager always', () => {
    const me = { id: 'u1', role: 'rep' as const };
    const mine = { ownerId: 'u1', poolState: 'private' as const, locked: false };
    expect(canRelease(me, mine)).toEqual({ allowed: true, reason: null });
    expect(canRelease(me, { ...mine, locked: true })).toEqual({ allowed: false, reason: 'locked' });
    expect(canRelease(me, { ...mine, ownerId: 'u2' })).toEqual({ allowed: false, reason: 'notOwner' });
    expect(canRelease({ id: 'm', role: 'manager' }, { ...mine, locked: true }).allowed).toBe(true);
    expect(canRelease({ id: 'm', role: 'manager' }, { ...mine, poolState: 'public' }).allowed).toBe(false);
  });
});
