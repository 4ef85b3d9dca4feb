import type { CustomerListItem, CustomerSortColumn } from '../../../../../shared/api/contract';

/** Rows per `customers.list` call: a few screens of the table, small enough to answer in milliseconds. */
export const CUSTOMER_PAGE_SIZE = 100;

/** A fetched page and the data epoch it was read at; an older epoch means "show it, but refetch". */
export type ListPage<T> = { epoch: number; rows: T[] };
export type CustomerPage = ListPage<CustomerListItem>;

export type CustomerSort = { column: CustomerSortColumn; desc: boolean };

/** The pages covering rows `first..last` (inclusive) of the list. */
export function pagesForRange(first: number, last: number, pageSize = CUSTOMER_PAGE_SIZE): number[] {
  if (last < first || last < 0) return [];
  const out: number[] = [];
  for (let p = Math.floor(Math.max(0, first) / pageSize); p <= Math.floor(last / pageSize); p++) out.push(p);
  return out;
}

/** The row at absolute `index`, if its page is loaded. */
export function rowAt(
  pages: Readonly<Record<number, CustomerPage>>,
  index: number,
  pageSize = CUSTOMER_PAGE_SIZE,
): CustomerListItem | undefined {
  return pages[Math.floor(index / pageSize)]?.rows[index % pageSize];
}

/** Pages that must be (re)fetched: missing, or read before the latest change. */
export function pagesToFetch(
  wanted: readonly number[],
  pages: Readonly<Record<number, { epoch: number }>>,
  epoch: number,
  inFlight: ReadonlySet<string>,
  listKey: number,
): number[] {
  return wanted.filter((p) => {
    const page = pages[p];
    if (page && page.epoch === epoch) return false;
    return !inFlight.has(`${listKey}:${epoch}:${p}`);
  });
}
