import { flexRender, getCoreRowModel, useReactTable, type Row } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { LeadListItem } from '../../../../../shared/api/contract';
import { useAppStore } from '../../../app/store';
import { Skeleton, TableHead } from '../../../ui';
import { pagesForRange } from '../../customers/utils/customerPages';
import { useNow } from '../../shell/hooks/useNow';
import { LEAD_PAGE_SIZE } from '../states/leadsSlice';
import { LEAD_GRID_TEMPLATE, leadColumns } from './leadColumns';

const ROW_HEIGHT = 48;
const OVERSCAN = 10;

type IndexedRow = LeadListItem & { index: number };

/**
 * The lead pool as a table: the same scheme as the customer list (TanStack Table for the columns,
 * TanStack Virtual for the rows on screen, pages from the core), newest first as the core orders them.
 */
export function LeadTable({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const now = useNow(60_000);
  const { locale, pages, total, epoch, listKey, ensure } = useAppStore(
    useShallow((s) => ({
      locale: s.locale,
      pages: s.leadPages,
      total: s.leadTotal,
      epoch: s.customerEpoch,
      listKey: s.leadListKey,
      ensure: s.ensureLeadRows,
    })),
  );
  const scrollRef = useRef<HTMLDivElement>(null);
  const count = total ?? 0;

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
  const firstPage = Math.floor(first / LEAD_PAGE_SIZE);
  const lastPage = Math.floor(last / LEAD_PAGE_SIZE);

  useEffect(() => {
    ensure(first, total === null ? 0 : last);
  }, [ensure, first, last, epoch, listKey, total]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [listKey]);

  const data = useMemo<IndexedRow[]>(() => {
    const out: IndexedRow[] = [];
    for (const p of pagesForRange(firstPage * LEAD_PAGE_SIZE, lastPage * LEAD_PAGE_SIZE, LEAD_PAGE_SIZE)) {
      pages[p]?.rows.forEach((r, i) => out.push({ ...r, index: p * LEAD_PAGE_SIZE + i }));
    }
    return out;
  }, [pages, firstPage, lastPage]);

  const columns = useMemo(() => leadColumns(t, locale, now), [t, locale, now]);
  const table = useReactTable<LeadListItem>({
    data,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
    manualSorting: true,
    manualPagination: true,
  });
  const rowsByIndex = new Map<number, Row<LeadListItem>>();
  for (const row of table.getRowModel().rows) rowsByIndex.set((row.original as IndexedRow).index, row);

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
      className="tp-table"
      data-testid="lead-table"
      role="table"
      aria-rowcount={count}
      style={{ ['--tp-grid' as string]: LEAD_GRID_TEMPLATE }}
    >
      <TableHead headerGroup={headerGroup} testIdPrefix="lead-col-" />
      <div className="tp-table__body" ref={scrollRef} role="rowgroup">
        {total === null ? (
          <div aria-busy="true">
            {Array.from({ length: 10 }, (_, i) => (
              <div
                key={i}
                className="tp-table__row tp-table__row--placeholder tp-table__row--static"
                style={{ height: ROW_HEIGHT }}
              >
                <Placeholder />
              </div>
            ))}
          </div>
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
                  >
                    <Placeholder />
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
                  data-testid="lead-row"
                  data-id={row.original.id}
                  data-index={item.index}
                  data-status={row.original.leadStatus}
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

const WIDTHS = ['70%', '55%', '70%', '50%', '60px', '60%', '50%', '60%'];
function Placeholder() {
  return (
    <>
      {WIDTHS.map((w, i) => (
        <div key={i} className="tp-table__td" role="cell">
          <Skeleton width={w} height={10} />
        </div>
      ))}
    </>
  );
}
