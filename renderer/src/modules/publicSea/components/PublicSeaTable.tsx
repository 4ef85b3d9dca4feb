import { flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useMemo, type ReactNode } from 'react';
import type { PublicSeaItem } from '../../../../../shared/pools/schema';
import { TableHead } from '../../../ui';
import { SEA_GRID_TEMPLATE, seaColumns, type SeaRowContext } from './seaColumns';

/** The grid's smallest width before it scrolls sideways (the sum of the template's minimums). */
const SEA_GRID_MIN_WIDTH = 260 + 96 + 110 + 64 + 128 + 112 + 100 + 204;

/**
 * The public sea's rows: TanStack Table for the columns, every loaded row rendered (the keyset pages
 * keep the list to what the rep asked for with "load more"), the footer (load more, the end) under them.
 */
export function PublicSeaTable({
  rows,
  ctx,
  busy,
  stateOf,
  footer,
}: {
  rows: PublicSeaItem[];
  ctx: SeaRowContext;
  busy: boolean;
  /** The row's `data-state`: claimable, why not, or where its claim stands. */
  stateOf: (row: PublicSeaItem) => string;
  footer: ReactNode;
}) {
  const columns = useMemo(() => seaColumns(ctx), [ctx]);
  // The React Compiler is not used here; TanStack's non-memoizable returns are what the lint warns about.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable<PublicSeaItem>({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (r) => r.id,
  });
  const headerGroup = table.getHeaderGroups()[0];
  return (
    <div
      className="tp-table tp-sea__table"
      data-testid="sea-table"
      role="table"
      aria-rowcount={rows.length}
      aria-busy={busy || undefined}
      style={{
        ['--tp-grid' as string]: SEA_GRID_TEMPLATE,
        ['--tp-grid-min' as string]: `${SEA_GRID_MIN_WIDTH}px`,
      }}
    >
      <TableHead headerGroup={headerGroup} testIdPrefix="sea-col-" />
      <div className="tp-table__body" role="rowgroup">
        {table.getRowModel().rows.map((row) => (
          <div
            key={row.id}
            className="tp-table__row tp-table__row--body tp-table__row--static tp-sea__row"
            role="row"
            data-testid="sea-row"
            data-id={row.original.id}
            data-state={stateOf(row.original)}
          >
            {row.getVisibleCells().map((cell) => (
              <div key={cell.id} role="cell" className={`tp-table__td tp-table__td--${cell.column.id}`}>
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </div>
            ))}
          </div>
        ))}
        {footer}
      </div>
    </div>
  );
}
