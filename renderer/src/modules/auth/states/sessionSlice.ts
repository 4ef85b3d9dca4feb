import type { StateCreator } from 'zustand';
import type { ApiInput, SessionInfo } from '../../../../../shared/api/contract';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';

export type SessionSlice = {
  /** `unknown` until the core has said whether this device is signed in. */
  sessionState: 'unknown' | 'signedOut' | 'signedIn';
  session: SessionInfo | null;
  loadSession: () => Promise<void>;
  /** Signs in through the core; throws an ApiCallError for the login form to show. */
  login: (input: ApiInput<'session.login'>) => Promise<void>;
  logout: () => Promise<void>;
};

export const createSessionSlice: StateCreator<AppState, [], [], SessionSlice> = (set, get) => ({
  sessionState: 'unknown',
  session: null,
  loadSession: async () => {
    try {
      const session = await getApi().call('session.get', {});
      set({ session, sessionState: session ? 'signedIn' : 'signedOut' });
    } catch {
      set({ session: null, sessionState: 'signedOut' });
    }
  },
  login: async (input) => {
    const session = await getApi().call('session.login', input);
    get().resetCustomers();
    get().resetLeads();
    set({
      session,
      sessionState: 'signedIn',
      teamUsers: null,
      teamUsersError: null,
      orgSettings: null,
      pools: null,
      seaClaims: {},
      notices: [],
    });
    void get().loadSyncStatus();
  },
  logout: async () => {
    try {
      await getApi().call('session.logout', {});
    } finally {
      get().resetCustomers();
      get().resetLeads();
      // The next user on this device must not glimpse the previous one's inbox, team or settings.
      set({
        session: null,
        orgSettings: null,
        teamUsers: null,
        teamUsersError: null,
        toast: null,
        sessionState: 'signedOut',
        syncStatus: null,
        inboxItems: null,
        inboxCustomerExists: {},
        inboxItemErrors: {},
        pools: null,
        seaClaims: {},
        notices: [],
      });
    }
  },
});
