import type { StateCreator } from 'zustand';
import type { LeadListItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';
import { pagesForRange, pagesToFetch, type ListPage } from '../../customers/utils/customerPages';
import type { LeadStatusFilter } from '../utils/leadView';

/** Rows per `leads.list` call, as for customers. */
export const LEAD_PAGE_SIZE = 100;

/**
 * The lead pool as its table sees it: pages of `leads.list` cached by page number, refetched on data
 * changes without dropping what is on screen (the same scheme as the customer list).
 */
export type LeadsSlice = {
  leadQuery: string;
  leadStatus: LeadStatusFilter;
  leadListKey: number;
  leadPages: Record<number, ListPage<LeadListItem>>;
  leadTotal: number | null;
  leadError: AppErrorData | null;
  setLeadQuery: (query: string) => void;
  setLeadStatus: (status: LeadStatusFilter) => void;
  ensureLeadRows: (first: number, last: number) => void;
  resetLeads: () => void;
};

export const createLeadsSlice: StateCreator<AppState, [], [], LeadsSlice> = (set, get) => {
  const inFlight = new Set<string>();

  const fetchPage = async (page: number) => {
    const { leadListKey: listKey, customerEpoch: epoch, leadQuery, leadStatus } = get();
    const key = `${listKey}:${epoch}:${page}`;
    inFlight.add(key);
    try {
      const query = leadQuery.trim();
      const res = await getApi().call('leads.list', {
        offset: page * LEAD_PAGE_SIZE,
        limit: LEAD_PAGE_SIZE,
        status: leadStatus,
        ...(query ? { query } : {}),
      });
      if (get().leadListKey !== listKey) return;
      set((s) => ({
        leadPages: { ...s.leadPages, [page]: { epoch, rows: res.rows } },
        leadTotal: res.total,
        leadError: null,
      }));
    } catch (err) {
      if (get().leadListKey === listKey) set({ leadError: toAppErrorData(err) });
    } finally {
      inFlight.delete(key);
    }
  };

  const newList = (patch: Partial<LeadsSlice>) =>
    set((s) => ({
      ...patch,
      leadListKey: s.leadListKey + 1,
      leadPages: {},
      leadTotal: null,
      leadError: null,
    }));

  return {
    leadQuery: '',
    leadStatus: 'open',
    leadListKey: 0,
    leadPages: {},
    leadTotal: null,
    leadError: null,
    setLeadQuery: (query) => {
      if (query !== get().leadQuery) newList({ leadQuery: query });
    },
    setLeadStatus: (status) => {
      if (status !== get().leadStatus) newList({ leadStatus: status });
    },
    ensureLeadRows: (first, last) => {
      // Lead pages ride on the customers' data epoch: one `data.changed` refreshes both lists.
      const { leadPages, customerEpoch, leadListKey } = get();
      const wanted = pagesForRange(first, last, LEAD_PAGE_SIZE);
      for (const p of pagesToFetch(wanted, leadPages, customerEpoch, inFlight, leadListKey))
        void fetchPage(p);
    },
    resetLeads: () => newList({ leadQuery: '', leadStatus: 'open' }),
  };
};
