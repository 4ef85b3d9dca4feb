import type { StateCreator } from 'zustand';
import type { SettingsRow } from '../../../../../shared/domain/settings';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';

/**
 * The org's managed lists (stages, follow-up types, lost reasons, the edit window), synced to the device
 * so that forms and labels work offline. Reloaded on every data change: an admin's edit arrives by pull.
 */
export type SettingsSlice = {
  /** Null until the first load (screens fall back to the defaults every org starts with). */
  orgSettings: SettingsRow | null;
  loadOrgSettings: () => Promise<void>;
};

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => {
  let seq = 0;
  return {
    orgSettings: null,
    loadOrgSettings: async () => {
      const mine = ++seq;
      try {
        const settings = await getApi().call('settings.get', {});
        if (mine === seq) set({ orgSettings: settings });
      } catch {
        // Keep what we had: the defaults or the last good copy label everything well enough.
      }
    },
  };
};
