import type { StateCreator } from 'zustand';
import type { AppErrorData } from '../../../../../shared/errors';
import type { AttrFilter } from '../../../../../shared/templates/filter';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';
import {
  CUSTOMER_PAGE_SIZE,
  pagesForRange,
  pagesToFetch,
  type CustomerPage,
  type CustomerSort,
} from '../utils/customerPages';

/**
 * The private sea as the table sees it: pages of `customers.list` cached by page number. The core sorts,
 * filters and counts (SPEC §8: SQLite answers in milliseconds); the renderer never holds the whole list.
 */
export type CustomersSlice = {
  customerQuery: string;
  customerSort: CustomerSort;
  /** A manager's view of one rep's customers (null: everyone in scope). */
  customerOwnerId: string | null;
  /** Filters over template fields (the filter bar), all of which must match. */
  customerAttrFilters: AttrFilter[];
  /** Template fields shown as columns (each row's `attrs` carries them). */
  customerAttrColumns: string[];
  /** Changes whenever query or sort change: pages of another list are dropped, not shown. */
  customerListKey: number;
  /** Bumped by `data.changed`: cached pages stay on screen (no flicker) and are refetched. */
  customerEpoch: number;
  customerPages: Record<number, CustomerPage>;
  /** Null until the first page of the current list arrives. */
  customerTotal: number | null;
  customerError: AppErrorData | null;
  /** Bumped on every `data.changed`, so open detail views reload too. */
  dataVersion: number;
  setCustomerQuery: (query: string) => void;
  setCustomerSort: (sort: CustomerSort) => void;
  setCustomerOwnerId: (ownerId: string | null) => void;
  setCustomerAttrFilters: (filters: AttrFilter[]) => void;
  setCustomerAttrColumns: (keys: string[]) => void;
  /** Fetches whatever pages covering rows `first..last` are missing or stale. */
  ensureCustomerRows: (first: number, last: number) => void;
  invalidateData: () => void;
  resetCustomers: () => void;
};

export const DEFAULT_CUSTOMER_SORT: CustomerSort = { column: 'updatedAt', desc: true };

export const createCustomersSlice: StateCreator<AppState, [], [], CustomersSlice> = (set, get) => {
  const inFlight = new Set<string>();

  const fetchPage = async (page: number) => {
    const {
      customerListKey: listKey,
      customerEpoch: epoch,
      customerQuery,
      customerSort,
      customerOwnerId,
      customerAttrFilters,
      customerAttrColumns,
    } = get();
    const key = `${listKey}:${epoch}:${page}`;
    inFlight.add(key);
    try {
      const query = customerQuery.trim();
      const res = await getApi().call('customers.list', {
        offset: page * CUSTOMER_PAGE_SIZE,
        limit: CUSTOMER_PAGE_SIZE,
        sort: customerSort,
        ...(query ? { query } : {}),
        ...(customerOwnerId ? { ownerId: customerOwnerId } : {}),
        ...(customerAttrFilters.length > 0 ? { attrFilters: customerAttrFilters } : {}),
        ...(customerAttrColumns.length > 0 ? { attrColumns: customerAttrColumns } : {}),
      });
      if (get().customerListKey !== listKey) return;
      set((s) => ({
        customerPages: { ...s.customerPages, [page]: { epoch, rows: res.rows } },
        customerTotal: res.total,
        customerError: null,
      }));
    } catch (err) {
      if (get().customerListKey === listKey) set({ customerError: toAppErrorData(err) });
    } finally {
      inFlight.delete(key);
    }
  };

  const newList = (patch: Partial<CustomersSlice>) =>
    set((s) => ({
      ...patch,
      customerListKey: s.customerListKey + 1,
      customerPages: {},
      customerTotal: null,
      customerError: null,
    }));

  return {
    customerQuery: '',
    customerSort: DEFAULT_CUSTOMER_SORT,
    customerOwnerId: null,
    customerAttrFilters: [],
    customerAttrColumns: [],
    customerListKey: 0,
    customerEpoch: 0,
    customerPages: {},
    customerTotal: null,
    customerError: null,
    dataVersion: 0,
    setCustomerQuery: (query) => {
      if (query !== get().customerQuery) newList({ customerQuery: query });
    },
    setCustomerSort: (sort) => newList({ customerSort: sort }),
    setCustomerOwnerId: (ownerId) => {
      if (ownerId !== get().customerOwnerId) newList({ customerOwnerId: ownerId });
    },
    setCustomerAttrFilters: (filters) => {
      if (JSON.stringify(filters) !== JSON.stringify(get().customerAttrFilters))
        newList({ customerAttrFilters: filters });
    },
    setCustomerAttrColumns: (keys) => {
      const before = get().customerAttrColumns;
      if (keys.length === before.length && keys.every((k, i) => k === before[i])) return;
      // A column added needs its values: refetch the pages (same list, so the scroll stays where it is).
      const added = keys.some((k) => !before.includes(k));
      set((s) => ({ customerAttrColumns: keys, ...(added ? { customerEpoch: s.customerEpoch + 1 } : {}) }));
    },
    ensureCustomerRows: (first, last) => {
      const { customerPages, customerEpoch, customerListKey } = get();
      const wanted = pagesForRange(first, last);
      for (const p of pagesToFetch(wanted, customerPages, customerEpoch, inFlight, customerListKey))
        void fetchPage(p);
    },
    invalidateData: () =>
      set((s) => ({ customerEpoch: s.customerEpoch + 1, dataVersion: s.dataVersion + 1 })),
    resetCustomers: () =>
      newList({
        customerQuery: '',
        customerSort: DEFAULT_CUSTOMER_SORT,
        customerOwnerId: null,
        customerAttrFilters: [],
        customerAttrColumns: [],
      }),
  };
};
