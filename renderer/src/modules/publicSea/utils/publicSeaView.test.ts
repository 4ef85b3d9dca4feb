import { describe, expect, it } from 'vitest';
import type { PublicSeaItem } from '../../../../../shared/pools/schema';
import { appendPage, claimBlock, standingView } from './publicSeaView';

const now = Date.UTC(2025, 4, 8, 2, 0);

function item(id: string, patch: Partial<PublicSeaItem> = {}): PublicSeaItem {
  return {
    id,
    kind: 'customer',
    name: id,
    industry: null,
    region: null,
    level: null,
    status: 'active',
    phoneMasked: '138****5678',
    poolId: null,
    enteredPoolAt: now - 1000,
    lastFollowUpAt: null,
    previousOwnerName: null,
    protectedUntil: null,
    cooldownUntil: null,
    ...patch,
  };
}

describe('public sea standing and claims', () => {
  it('counts queued claims against the limits', () => {
    const s = { owned: 1498, maxPerUser: 1500, claimsToday: 18, maxClaimsPerDay: 20 };
    expect(standingView(s, 0)).toMatchObject({ owned: 1498, full: false, dailyDone: false });
    expect(standingView(s, 2)).toMatchObject({ owned: 1500, claimsToday: 20, full: true, dailyDone: true });
    expect(standingView({ ...s, maxPerUser: null, maxClaimsPerDay: null }, 50)).toMatchObject({
      full: false,
      dailyDone: false,
    });
    expect(standingView(null, 3)).toBeNull();
  });

  it('says why a row cannot be claimed now', () => {
    const free = item('a');
    expect(claimBlock(free, now, { pending: false, standing: null })).toBeNull();
    expect(claimBlock(free, now, { pending: true, standing: null })).toBe('pending');
    expect(claimBlock(item('b', { protectedUntil: now + 1 }), now, { pending: false, standing: null })).toBe(
      'protected',
    );
    expect(
      claimBlock(item('c', { protectedUntil: now - 1 }), now, { pending: false, standing: null }),
    ).toBeNull();
    expect(claimBlock(item('d', { cooldownUntil: now + 1 }), now, { pending: false, standing: null })).toBe(
      'cooldown',
    );
    const full = standingView({ owned: 5, maxPerUser: 5, claimsToday: 0, maxClaimsPerDay: null }, 0);
    expect(claimBlock(free, now, { pending: false, standing: full })).toBe('full');
  });

  it('appends a page without showing a customer twice', () => {
    const rows = appendPage([item('a'), item('b')], { rows: [item('b'), item('c')] });
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
  });
});
