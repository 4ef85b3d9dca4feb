import type { PoolRow } from './schema';

/** Pools in a stable order (oldest first, then id), so every side picks the same one. */
export function sortPools(pools: readonly PoolRow[]): PoolRow[] {
  return [...pools].sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The pool whose rules govern a customer, and which it goes to when released without a choice or
 * recycled (docs/pools.md "Pools"): its own `poolId` when that pool is active and of its kind; else the
 * first active pool of its kind serving its owner's team; else the org's active default pool of its
 * kind; else none (no rules apply, and a release is refused). The server's job resolves the same way
 * in SQL (server/src/pools/recycle.ts).
 */
export function poolForCustomer(
  pools: readonly PoolRow[],
  customer: { kind: 'customer' | 'lead'; poolId: string | null },
  ownerTeamId: string | null,
): PoolRow | undefined {
  const live = sortPools(pools).filter((p) => p.active && p.kind === customer.kind);
  if (customer.poolId !== null) {
    const own = live.find((p) => p.id === customer.poolId);
    if (own) return own;
  }
  if (ownerTeamId !== null) {
    const serving = live.find((p) => p.teamIds.includes(ownerTeamId));
    if (serving) return serving;
  }
  return live.find((p) => p.isDefault);
}
