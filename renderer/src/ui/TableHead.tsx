import { flexRender, type HeaderGroup } from '@tanstack/react-table';

/**
 * The header row of a static (non-sorting) `tp-table` grid: one `columnheader` per column of the
 * header group, each with the test id `${testIdPrefix}${column id}` (docs/ui.md).
 */
export function TableHead<T>({
  headerGroup,
  testIdPrefix,
}: {
  headerGroup: HeaderGroup<T> | undefined;
  testIdPrefix: string;
}) {
  return (
    <div className="tp-table__head" role="rowgroup">
      <div className="tp-table__row tp-table__row--head" role="row">
        {headerGroup?.headers.map((header) => (
          <div
            key={header.id}
            role="columnheader"
            className="tp-table__th"
            data-testid={`${testIdPrefix}${header.column.id}`}
          >
            <span className="tp-table__thlabel">
              {flexRender(header.column.columnDef.header, header.getContext())}
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
