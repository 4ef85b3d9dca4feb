import type { StateCreator } from 'zustand';
import type { SyncStatus } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';

export type SyncSlice = {
  syncStatus: SyncStatus | null;
  /** A failure of the renderer's own request to the core (not of the core's sync with the server). */
  syncRequestError: AppErrorData | null;
  setSyncStatus: (status: SyncStatus) => void;
  loadSyncStatus: () => Promise<void>;
  syncNow: () => Promise<void>;
};

export const createSyncSlice: StateCreator<AppState, [], [], SyncSlice> = (set, get) => ({
  syncStatus: null,
  syncRequestError: null,
  setSyncStatus: (status) => {
    const before = get().syncStatus;
    set({ syncStatus: status });
    // A finished sync may have brought rows; a missed `data.changed` (the event stream was reconnecting)
    // must not leave the screens stale, so a new sync time refreshes them too.
    if ((before?.lastSyncAt ?? null) !== status.lastSyncAt) get().invalidateData();
  },
  loadSyncStatus: async () => {
    try {
      get().setSyncStatus(await getApi().call('sync.status', {}));
      set({ syncRequestError: null });
    } catch (err) {
      set({ syncRequestError: toAppErrorData(err) });
    }
  },
  syncNow: async () => {
    const current = get().syncStatus;
    if (current) set({ syncStatus: { ...current, syncing: true } });
    try {
      get().setSyncStatus(await getApi().call('sync.now', {}));
      set({ syncRequestError: null });
    } catch (err) {
      const latest = get().syncStatus;
      set({
        syncRequestError: toAppErrorData(err),
        ...(latest ? { syncStatus: { ...latest, syncing: false } } : {}),
      });
    }
  },
});
