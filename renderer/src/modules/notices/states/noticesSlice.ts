import type { StateCreator } from 'zustand';
import type { NoticeItem } from '../../../../../shared/api/contract';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';

/**
 * What happened to my private sea while I was away (`notices.list`): customers recycled or moved away,
 * customers assigned in. Shown on Today and counted in the top bar until dismissed; reloaded on every
 * data change (the core records them as a pull applies the move).
 */
export type NoticesSlice = {
  notices: NoticeItem[];
  loadNotices: () => Promise<void>;
  /** Hides them at once (the dismissal is the core's to keep); a failure brings them back. */
  dismissNotices: (ids: readonly string[]) => Promise<void>;
};

export const createNoticesSlice: StateCreator<AppState, [], [], NoticesSlice> = (set, get) => {
  let seq = 0;
  return {
    notices: [],
    loadNotices: async () => {
      const mine = ++seq;
      try {
        const notices = await getApi().call('notices.list', {});
        if (mine === seq) set({ notices });
      } catch {
        // Notices are a courtesy: keep what is shown; the next data change asks again.
      }
    },
    dismissNotices: async (ids) => {
      if (ids.length === 0) return;
      const gone = new Set(ids);
      const before = get().notices;
      // A newer load must not bring back what the user just dismissed.
      seq++;
      set({ notices: before.filter((n) => !gone.has(n.id)) });
      try {
        await getApi().call('notices.dismiss', { ids: [...ids] });
      } catch {
        set({ notices: before });
      }
    },
  };
};
