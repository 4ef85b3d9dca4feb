import { describe, expect, it } from 'vitest';
import type { PoolRow } from '../../../../../shared/pools/schema';
import { poolDraft, validatePoolDraft } from './poolForm';
import {
  administeredPools,
  isPoolAdmin,
  keepOrgAdminFields,
  ORG_ADMIN_POOL_FIELDS,
  poolScope,
} from './poolAccess';

const east = '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e';
const south = '1b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e';
const wang = { id: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', role: 'manager' as const };
const li = { id: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', role: 'manager' as const };
const boss = { id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', role: 'admin' as const };

const pool = (id: string, patch: Partial<PoolRow> = {}): PoolRow => ({
  id,
  orgId: '22222222-2222-4222-8222-222222222222',
  kind: 'customer',
  nameZh: '华东公海',
  nameEn: 'East China',
  teamIds: [east],
  adminIds: [],
  isDefault: false,
  active: true,
  recycle: {
    rules: [{ kind: 'noFollowUp', days: 90, daysByLevel: {} }],
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
});

const eastPool = pool('11111111-1111-4111-8111-111111111111', { adminIds: [wang.id], isDefault: true });
const southPool = pool('33333333-3333-4333-8333-333333333333', { teamIds: [south], adminIds: [li.id] });
const leadPool = pool('44444444-4444-4444-8444-444444444444', { kind: 'lead', adminIds: [wang.id, li.id] });
const pools = [eastPool, southPool, leadPool];

describe('who administers which pool', () => {
  it('gives an org admin every pool, listed or not', () => {
    expect(poolScope(boss, pools)).toBe('org');
    expect(poolScope(boss, [])).toBe('org');
    expect(administeredPools(boss, pools).map((p) => p.id)).toEqual(pools.map((p) => p.id));
  });

  it('gives a manager only the pools naming them among the admins', () => {
    expect(poolScope(wang, pools)).toBe('own');
    expect(administeredPools(wang, pools).map((p) => p.id)).toEqual([eastPool.id, leadPool.id]);
    expect(administeredPools(li, pools).map((p) => p.id)).toEqual([southPool.id, leadPool.id]);
    expect(isPoolAdmin(wang, southPool)).toBe(false);
  });

  it('gives a manager named nowhere, and any rep, nothing', () => {
    const zhao = { id: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', role: 'manager' as const };
    expect(poolScope(zhao, pools)).toBe('none');
    expect(administeredPools(zhao, pools)).toEqual([]);
    // A rep listed by mistake (the server refuses reps anyway) still administers nothing.
    const rep = { id: wang.id, role: 'rep' as const };
    expect(poolScope(rep, pools)).toBe('none');
    expect(administeredPools(rep, pools)).toEqual([]);
    expect(poolScope(null, pools)).toBe('none');
  });

  it('does not know a manager’s scope before the pools loaded', () => {
    expect(poolScope(wang, null)).toBeNull();
    expect(poolScope(boss, null)).toBe('org');
    expect(poolScope({ id: wang.id, role: 'rep' }, null)).toBe('none');
  });
});

describe('a pool admin’s save', () => {
  it('sends the org admin’s fields as stored and the rules as edited', () => {
    const draft = poolDraft(eastPool);
    const edited = {
      ...draft,
      nameZh: '华东一区',
      warnDays: '5',
      // Whatever the draft carries for these, the stored values go out.
      teamIds: [east, south],
      adminIds: [],
      isDefault: false,
      active: false,
    };
    const { input } = validatePoolDraft(edited);
    if (!input) throw new Error('the edited draft should be valid');
    const sent = keepOrgAdminFields(input, eastPool);
    for (const field of ORG_ADMIN_POOL_FIELDS) expect(sent[field]).toEqual(eastPool[field]);
    expect(sent.nameZh).toBe('华东一区');
    expect(sent.recycle.warnDays).toBe(5);
    expect(sent.id).toBe(eastPool.id);
  });
});
