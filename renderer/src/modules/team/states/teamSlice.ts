import type { StateCreator } from 'zustand';
import type { UserItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';

/**
 * The org's people as `users.list` gives them (a manager's filters and pickers: owner, author, assignee).
 * Loaded once per session on first use; people change rarely and every picker can retry.
 */
export type TeamSlice = {
  teamUsers: UserItem[] | null;
  teamUsersError: AppErrorData | null;
  loadTeamUsers: (force?: boolean) => Promise<void>;
};

export const createTeamSlice: StateCreator<AppState, [], [], TeamSlice> = (set, get) => {
  let inFlight: Promise<void> | null = null;
  return {
    teamUsers: null,
    teamUsersError: null,
    loadTeamUsers: (force = false) => {
      if (!force && get().teamUsers) return Promise.resolve();
      inFlight ??= getApi()
        .call('users.list', {})
        .then(
          (users) => set({ teamUsers: users, teamUsersError: null }),
          (err: unknown) => set({ teamUsersError: toAppErrorData(err) }),
        )
        .finally(() => {
          inFlight = null;
        });
      return inFlight;
    },
  };
};
