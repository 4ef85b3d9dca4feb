import type { StateCreator } from 'zustand';
import type { InboxAction, InboxItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';
import { inboxCustomerId } from '../utils/inboxView';

/** At most this many distinct customers are checked for existence per load (each is one local read). */
const MAX_EXISTENCE_CHECKS = 50;

/**
 * The conflicts-and-rejections inbox (SPEC §5, issue 3 §8): entries from `inbox.list`, which of their
 * customers are still on this device (to link to them), and what the user is resolving right now.
 */
export type InboxSlice = {
  /** Null until the first load. */
  inboxItems: InboxItem[] | null;
  inboxError: AppErrorData | null;
  /** Customer id → still on this device (a transferred or recycled one is gone: no link then). */
  inboxCustomerExists: Record<string, boolean>;
  /** Entry id → the action being applied (its buttons show a spinner and are disabled). */
  inboxBusy: Record<string, InboxAction>;
  /** Entry id → why the last action on it failed. */
  inboxItemErrors: Record<string, AppErrorData>;
  loadInbox: () => Promise<void>;
  resolveInbox: (id: string, action: InboxAction) => Promise<void>;
};

export const createInboxSlice: StateCreator<AppState, [], [], InboxSlice> = (set, get) => {
  let loadSeq = 0;

  const checkCustomers = async (items: InboxItem[]): Promise<Record<string, boolean>> => {
    const ids = [...new Set(items.map(inboxCustomerId).filter((id): id is string => id !== null))];
    const known = get().inboxCustomerExists;
    const entries = await Promise.all(
      ids.slice(0, MAX_EXISTENCE_CHECKS).map(async (id): Promise<[string, boolean]> => {
        try {
          await getApi().call('customers.get', { id });
          return [id, true];
        } catch (err) {
          // Only "not found" proves it left; any other failure keeps what we knew (a link that may 404
          // is better than hiding one that works).
          return [id, toAppErrorData(err).code === 'not_found' ? false : (known[id] ?? true)];
        }
      }),
    );
    return Object.fromEntries(entries);
  };

  return {
    inboxItems: null,
    inboxError: null,
    inboxCustomerExists: {},
    inboxBusy: {},
    inboxItemErrors: {},
    loadInbox: async () => {
      const seq = ++loadSeq;
      try {
        const items = await getApi().call('inbox.list', {});
        const exists = await checkCustomers(items);
        // A slower, older load must not overwrite a newer one (status events can trigger several).
        if (seq !== loadSeq) return;
        set({
          inboxItems: [...items].sort((a, b) => b.at - a.at),
          inboxCustomerExists: exists,
          inboxError: null,
        });
      } catch (err) {
        if (seq === loadSeq) set({ inboxError: toAppErrorData(err) });
      }
    },
    resolveInbox: async (id, action) => {
      if (get().inboxBusy[id]) return;
      const { [id]: _dropped, ...otherErrors } = get().inboxItemErrors;
      set({ inboxBusy: { ...get().inboxBusy, [id]: action }, inboxItemErrors: otherErrors });
      try {
        await getApi().call('inbox.resolve', { id, action });
        set({ inboxItems: (get().inboxItems ?? []).filter((item) => item.id !== id) });
        // "Apply mine" queued a new mutation and changed the local row; every choice changed the counts.
        get().invalidateData();
        void get().loadSyncStatus();
        void get().loadInbox();
      } catch (err) {
        set({ inboxItemErrors: { ...get().inboxItemErrors, [id]: toAppErrorData(err) } });
      } finally {
        const { [id]: _done, ...rest } = get().inboxBusy;
        set({ inboxBusy: rest });
      }
    },
  };
};
