import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type Row,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { CustomerListItem } from '../../../../../shared/api/contract';
import type { FieldDef } from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import { Skeleton, SortIndicator } from '../../../ui';
import { useNow } from '../../shell/hooks/useNow';
import { CUSTOMER_PAGE_SIZE, pagesForRange } from '../utils/customerPages';
import { useScrollEdges } from '../../pipeline/hooks/useScrollEdges';
import { useTemplateDefinitions, useUserDirectory } from '../../templates/hooks/useTemplates';
import {
  attrColumnId,
  customerColumns,
  customerGrid,
  SORTABLE_COLUMNS,
  type CustomerColumnId,
} from './customerColumns';

const ROW_HEIGHT = 48;
const OVERSCAN = 10;

type IndexedRow = CustomerListItem & { index: number };

/**
 * The private-sea table: TanStack Table for columns and sorting state, TanStack Virtual for the rows on
 * screen, and the core for everything else (sorting, paging, search). Only the pages covering the visible
 * window become table rows, so 100k customers cost no more than 300.
 */
export function CustomerTable({
  onOpen,
  attrColumns = [],
}: {
  onOpen: (id: string) => void;
  /** Template fields the user chose to see as columns (after the base columns). */
  attrColumns?: readonly FieldDef[];
}) {
  const { t } = useTranslation();
  const now = useNow(60_000);
  const { locale, pages, total, epoch, listKey, sort, ensure, setSort } = useAppStore(
    useShallow((s) => ({
      locale: s.locale,
      pages: s.customerPages,
      total: s.customerTotal,
      epoch: s.customerEpoch,
      listKey: s.customerListKey,
      sort: s.customerSort,
      ensure: s.ensureCustomerRows,
      setSort: s.setCustomerSort,
    })),
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const headRef = useRef<HTMLDivElement>(null);
  // Template columns can make the table wider than the page: a fade at an edge says more lies past it.
  const [edgeRef, edges] = useScrollEdges<HTMLDivElement>();
  const count = total ?? 0;
  const { optionLists } = useTemplateDefinitions();
  const directory = useUserDirectory(attrColumns.some((d) => d.type === 'user'));

  // The React Compiler is not used here; TanStack's non-memoizable returns are what the lint warns about.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
  });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? 0;
  const firstPage = Math.floor(first / CUSTOMER_PAGE_SIZE);
  const lastPage = Math.floor(last / CUSTOMER_PAGE_SIZE);

  useEffect(() => {
    // Before the first page arrives the list has no length yet: ask for page 0 to learn it.
    ensure(first, total === null ? 0 : last);
  }, [ensure, first, last, epoch, listKey, total]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [listKey]);

  useEffect(() => {
    // Columns added or removed change the scroll width without a resize: measure the edges again.
    scrollRef.current?.dispatchEvent(new Event('scroll'));
  }, [attrColumns]);

  const data = useMemo<IndexedRow[]>(() => {
    const out: IndexedRow[] = [];
    for (const p of pagesForRange(firstPage * CUSTOMER_PAGE_SIZE, lastPage * CUSTOMER_PAGE_SIZE)) {
      pages[p]?.rows.forEach((r, i) => out.push({ ...r, index: p * CUSTOMER_PAGE_SIZE + i }));
    }
    return out;
  }, [pages, firstPage, lastPage]);

  const columns = useMemo(
    () =>
      customerColumns(t, locale, now, attrColumns, {
        locale,
        optionLists,
        userName: directory.userName,
        compact: true,
      }),
    [t, locale, now, attrColumns, optionLists, directory],
  );
  const grid = useMemo(() => customerGrid(attrColumns), [attrColumns]);
  const attrIds = useMemo(() => new Set(attrColumns.map((d) => attrColumnId(d.key))), [attrColumns]);
  const sorting = useMemo<SortingState>(() => [{ id: sort.column, desc: sort.desc }], [sort]);

  const table = useReactTable<CustomerListItem>({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
    manualSorting: true,
    manualPagination: true,
    enableSortingRemoval: false,
    state: { sorting },
  });

  // At most a few hundred rows (the pages on screen): cheap enough to index on every render.
  const rowsByIndex = new Map<number, Row<CustomerListItem>>();
  for (const row of table.getRowModel().rows) rowsByIndex.set((row.original as IndexedRow).index, row);

  const toggleSort = (id: CustomerColumnId) => {
    const column = SORTABLE_COLUMNS[id];
    if (!column) return;
    if (sort.column === column) setSort({ column, desc: !sort.desc });
    // Dates read newest first; words read A→Z / 拼音 order.
    else setSort({ column, desc: column === 'lastFollowUpAt' });
  };

  const onRowKey = (e: KeyboardEvent<HTMLDivElement>, id: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const sibling =
        e.key === 'ArrowDown' ? e.currentTarget.nextElementSibling : e.currentTarget.previousElementSibling;
      if (sibling instanceof HTMLElement) sibling.focus();
      else scrollRef.current?.scrollBy({ top: e.key === 'ArrowDown' ? ROW_HEIGHT : -ROW_HEIGHT });
    }
  };

  const headerGroup = table.getHeaderGroups()[0];

  return (
    <div
      className={`tp-table${edges.start ? ' tp-table--more-start' : ''}${edges.end ? ' tp-table--more-end' : ''}`}
      data-testid="customer-table"
      role="table"
      aria-rowcount={count}
      style={{ ['--tp-grid' as string]: grid.template, ['--tp-grid-min' as string]: `${grid.minWidth}px` }}
    >
      <div className="tp-table__head" role="rowgroup" ref={headRef}>
        <div className="tp-table__row tp-table__row--head" role="row">
          {headerGroup?.headers.map((header) => {
            const id = header.column.id as CustomerColumnId;
            const sortable = SORTABLE_COLUMNS[id] !== undefined;
            const direction =
              sortable && sort.column === SORTABLE_COLUMNS[id] ? (sort.desc ? 'desc' : 'asc') : false;
            const label = flexRender(header.column.columnDef.header, header.getContext());
            return (
              <div
                key={header.id}
                role="columnheader"
                className={`tp-table__th${sortable ? ' tp-table__th--sortable' : ''}${direction ? ' tp-table__th--sorted' : ''}`}
                aria-sort={
                  direction === 'asc' ? 'ascending' : direction === 'desc' ? 'descending' : undefined
                }
                data-testid={attrIds.has(id) ? `col-attr-${id.slice(5)}` : `sort-${id}`}
                data-sort={direction || undefined}
              >
                {sortable ? (
                  <button type="button" className="tp-table__sortbtn" onClick={() => toggleSort(id)}>
                    {label}
                    <SortIndicator direction={direction} />
                  </button>
                ) : (
                  <span className="tp-table__thlabel">{label}</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
      <div
        className="tp-table__body"
        ref={(el) => {
          scrollRef.current = el;
          edgeRef(el);
        }}
        role="rowgroup"
        // The header scrolls sideways with the rows when template columns make the table wider.
        onScroll={(e) => {
          if (headRef.current) headRef.current.scrollLeft = e.currentTarget.scrollLeft;
        }}
      >
        {total === null ? (
          <SkeletonRows extra={attrColumns.length} />
        ) : (
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {items.map((item) => {
              const row = rowsByIndex.get(item.index);
              const style = { transform: `translateY(${item.start}px)`, height: ROW_HEIGHT };
              if (!row) {
                return (
                  <div
                    key={`s${item.index}`}
                    className="tp-table__row tp-table__row--placeholder"
                    style={style}
                    role="row"
                    aria-rowindex={item.index + 2}
                  >
                    <PlaceholderCells extra={attrColumns.length} />
                  </div>
                );
              }
              return (
                <div
                  key={row.id}
                  className="tp-table__row tp-table__row--body"
                  style={style}
                  role="row"
                  aria-rowindex={item.index + 2}
                  tabIndex={0}
                  data-testid="customer-row"
                  data-id={row.original.id}
                  data-index={item.index}
                  onClick={() => onOpen(row.original.id)}
                  onKeyDown={(e) => onRowKey(e, row.original.id)}
                >
                  {row.getVisibleCells().map((cell) => (
                    <div key={cell.id} role="cell" className={`tp-table__td tp-table__td--${cell.column.id}`}>
                      {flexRender(cell.column.columnDef.cell, cell.getContext())}
                    </div>
                  ))}
                </div>
              );
            })}
          </div>
        )}
      </div>
    </div>
  );
}

const PLACEHOLDER_WIDTHS = ['70%', '60%', '55%', '28px', '52px', '80%', '60%', '64%'];

function PlaceholderCells({ extra = 0 }: { extra?: number }) {
  return (
    <>
      {[...PLACEHOLDER_WIDTHS, ...Array.from({ length: extra }, () => '60%')].map((w, i) => (
        <div key={i} className="tp-table__td" role="cell">
          <Skeleton width={w} height={10} />
        </div>
      ))}
    </>
  );
}

function SkeletonRows({ extra }: { extra: number }) {
  return (
    <div aria-busy="true">
      {Array.from({ length: 12 }, (_, i) => (
        <div
          key={i}
          className="tp-table__row tp-table__row--placeholder tp-table__row--static"
          style={{ height: ROW_HEIGHT }}
        >
          <PlaceholderCells extra={extra} />
        </div>
      ))}
    </div>
  );
}
