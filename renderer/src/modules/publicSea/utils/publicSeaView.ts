import type { ClaimStanding, PublicSeaItem, PublicSeaPage } from '../../../../../shared/pools/schema';

/**
 * Pure readings of the public sea for its screen: the rep's standing against the claim limits, and
 * whether a row can be claimed now (and if not, why), so the button and its hint agree with what the
 * server would say. The server decides in the end; this only keeps the screen honest.
 */

/** The standing line's parts: "持有 812 / 1500 · 今日已领 2 / 20". */
export type StandingView = {
  owned: number;
  maxPerUser: number | null;
  claimsToday: number;
  maxClaimsPerDay: number | null;
  /** The private sea is at its limit: no claim can succeed. */
  full: boolean;
  /** Today's claims are used up. */
  dailyDone: boolean;
};

/**
 * The standing, counting claims this device queued that the server has not answered yet (they will
 * count once accepted, and a rep should not see room that is already spoken for).
 */
export function standingView(standing: ClaimStanding | null, queued: number): StandingView | null {
  if (!standing) return null;
  const owned = standing.owned + queued;
  const claimsToday = standing.claimsToday + queued;
  return {
    owned,
    maxPerUser: standing.maxPerUser,
    claimsToday,
    maxClaimsPerDay: standing.maxClaimsPerDay,
    full: standing.maxPerUser !== null && owned >= standing.maxPerUser,
    dailyDone: standing.maxClaimsPerDay !== null && claimsToday >= standing.maxClaimsPerDay,
  };
}

/** Why a row cannot be claimed right now (null: it can). */
export type ClaimBlock = 'pending' | 'protected' | 'cooldown' | 'full' | 'dailyDone';

export function claimBlock(
  item: Pick<PublicSeaItem, 'protectedUntil' | 'cooldownUntil'>,
  now: number,
  opts: { pending: boolean; standing: StandingView | null },
): ClaimBlock | null {
  if (opts.pending) return 'pending';
  if (item.cooldownUntil !== null && item.cooldownUntil > now) return 'cooldown';
  if (item.protectedUntil !== null && item.protectedUntil > now) return 'protected';
  if (opts.standing?.full) return 'full';
  if (opts.standing?.dailyDone) return 'dailyDone';
  return null;
}

/**
 * Keyset pages appended into one list. A row that shows up again (the sea changed between pages: a
 * claim elsewhere shifted the order) keeps its first place, so the list never shows a customer twice.
 */
export function appendPage(
  rows: readonly PublicSeaItem[],
  page: Pick<PublicSeaPage, 'rows'>,
): PublicSeaItem[] {
  const seen = new Set(rows.map((r) => r.id));
  return [...rows, ...page.rows.filter((r) => !seen.has(r.id))];
}
