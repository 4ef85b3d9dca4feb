import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PoolRow } from '../../../../../shared/pools/schema';
import { poolForCustomer } from '../../../../../shared/pools/resolve';
import { useAppStore } from '../../../app/store';
import { isManagerial } from '../../team/utils/teamView';

/** The org's pools as synced (null until loaded; the app loads them at sign-in and on data changes). */
export function usePools(): PoolRow[] | null {
  const { pools, load } = useAppStore(useShallow((s) => ({ pools: s.pools, load: s.loadPools })));
  useEffect(() => {
    if (pools === null) void load();
  }, [pools, load]);
  return pools;
}

/**
 * The team of a customer's owner: mine for my own customers, else the owner's from `users.list` (a
 * manager looking at a rep's customer; loaded on first use).
 */
export function useOwnerTeamId(ownerId: string | null): string | null {
  const { me, users, load } = useAppStore(
    useShallow((s) => ({ me: s.session?.user ?? null, users: s.teamUsers, load: s.loadTeamUsers })),
  );
  const needsUsers = ownerId !== null && me !== null && ownerId !== me.id && isManagerial(me.role);
  useEffect(() => {
    if (needsUsers) void load();
  }, [needsUsers, load]);
  if (ownerId === null || me === null) return null;
  if (ownerId === me.id) return me.teamId;
  return users?.find((u) => u.id === ownerId)?.teamId ?? null;
}

/**
 * The pool whose rules govern a customer (shared `poolForCustomer`): where it goes back to and which
 * thresholds its countdown counts.
 */
export function useCustomerPool(
  customer: { kind: 'customer' | 'lead'; poolId: string | null; ownerId: string | null } | null,
): PoolRow | undefined {
  const pools = usePools();
  const teamId = useOwnerTeamId(customer?.ownerId ?? null);
  const kind = customer?.kind;
  const poolId = customer?.poolId ?? null;
  return useMemo(
    () => (pools && kind ? poolForCustomer(pools, { kind, poolId }, teamId) : undefined),
    [pools, kind, poolId, teamId],
  );
}
