import type { StateCreator } from 'zustand';
import type { PoolRow } from '../../../../../shared/pools/schema';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';

/**
 * The org's public pools as synced to this device (`pools.list`, rules included): release targets,
 * the countdown's rule in words, the public sea's pool picker and the admin screen. Reloaded on every
 * data change, like the settings: an admin's edit arrives by pull.
 */
export type PoolsSlice = {
  /** Null until the first load. */
  pools: PoolRow[] | null;
  loadPools: () => Promise<void>;
};

export const createPoolsSlice: StateCreator<AppState, [], [], PoolsSlice> = (set) => {
  let seq = 0;
  return {
    pools: null,
    loadPools: async () => {
      const mine = ++seq;
      try {
        const pools = await getApi().call('pools.list', {});
        if (mine === seq) set({ pools });
      } catch {
        // Keep what we had: a screen without pools says so, and the next data change tries again.
        if (mine === seq) set((s) => ({ pools: s.pools ?? [] }));
      }
    },
  };
};
