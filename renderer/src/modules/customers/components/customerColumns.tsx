import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import type { TFunction } from 'i18next';
import type { CustomerListItem, CustomerSortColumn } from '../../../../../shared/api/contract';
import type { FieldDef } from '../../../../../shared/templates/schema';
import { AttrValue } from '../../templates/components/AttrValueGrid';
import { labelOf, type AttrFormatContext } from '../../templates/utils/attrFormat';
import { attrColumnWidth } from '../utils/attrColumns';
import { formatDateTime, formatRelativeTime } from '../../../i18n/format';
import type { Locale } from '../../../i18n/locale';
import { Avatar, Icon } from '../../../ui';
import { LockedBadge, RecycleBadge } from '../../pools/components/RecycleBadge';
import { recycleShownInList } from '../../pools/utils/recycleView';
import { CompanyMark, LevelBadge, StatusBadge } from './CustomerBadges';

/** The table's column ids; they are also the `sort-<id>` test ids of the headers. */
export type CustomerColumnId =
  'name' | 'industry' | 'region' | 'level' | 'status' | 'phone' | 'owner' | 'lastFollowUpAt';

/** Columns the core can sort by (`customers.list` sort); the others are not clickable. */
export const SORTABLE_COLUMNS: Partial<Record<CustomerColumnId, CustomerSortColumn>> = {
  name: 'name',
  industry: 'industry',
  region: 'region',
  level: 'level',
  status: 'status',
  lastFollowUpAt: 'lastFollowUpAt',
};

/** Widths as one CSS grid template, shared by header and rows so they always line up. */
export const CUSTOMER_GRID_TEMPLATE =
  'minmax(240px, 2.6fr) minmax(96px, 1fr) minmax(110px, 1.1fr) 72px 120px 136px minmax(96px, .9fr) 120px';
/** The base columns' smallest total width (the sum of the template's minimums). */
const CUSTOMER_GRID_MIN_WIDTH = 240 + 96 + 110 + 72 + 120 + 136 + 96 + 120;

/** The id of a template field's column (its header's test id is `col-attr-<key>`). */
export const attrColumnId = (key: string) => `attr:${key}`;

/**
 * The grid with the chosen template columns after the base ones, and the width under which the table
 * scrolls sideways instead of squeezing its columns.
 */
export function customerGrid(attrDefs: readonly Pick<FieldDef, 'type'>[]): {
  template: string;
  minWidth: number;
} {
  const widths = attrDefs.map(attrColumnWidth);
  return {
    template: [CUSTOMER_GRID_TEMPLATE, ...widths.map((w) => `${w}px`)].join(' '),
    minWidth: CUSTOMER_GRID_MIN_WIDTH + widths.reduce((a, b) => a + b, 0),
  };
}

/** A follow-up older than this reads as a warning: the public-sea recycle rules count from it (SPEC §4). */
const STALE_FOLLOW_UP_MS = 30 * 24 * 60 * 60 * 1000;

const col = createColumnHelper<CustomerListItem>();

/**
 * The columns, built per language and clock tick (cells show relative times), then one per chosen
 * template field, its values formatted like everywhere else (money in its currency, option colours…).
 */
export function customerColumns(
  t: TFunction,
  locale: Locale,
  now: number,
  attrDefs: readonly FieldDef[] = [],
  format?: AttrFormatContext,
): ColumnDef<CustomerListItem, unknown>[] {
  const base = [
    col.accessor('name', {
      id: 'name',
      header: () => t('customers.columns.name'),
      cell: (c) => {
        const r = c.row.original;
        return (
          <div className="tp-cell-name">
            <CompanyMark name={r.shortName ?? r.name} size={26} />
            <div className="tp-cell-name__text">
              <span className="tp-cell-name__name" title={r.name}>
                {r.name}
              </span>
              {r.shortName ? <span className="tp-cell-name__short">{r.shortName}</span> : null}
            </div>
            {r.locked ? <LockedBadge compact /> : null}
            {recycleShownInList(r.recycle, now) ? (
              // Only inside the warning window: a calm list, and a badge that means "act now" when it shows.
              <RecycleBadge countdown={r.recycle} now={now} compact />
            ) : null}
            {r.dueTasks > 0 ? (
              <span
                className="tp-cell-due"
                data-testid="customer-due"
                data-count={r.dueTasks}
                title={t('customers.dueTasks', { n: r.dueTasks })}
              >
                <Icon name="task" size={11} />
                {r.dueTasks}
              </span>
            ) : null}
          </div>
        );
      },
    }),
    col.accessor('industry', {
      id: 'industry',
      header: () => t('customers.columns.industry'),
      cell: (c) => c.getValue() ?? <Dash />,
    }),
    col.accessor('region', {
      id: 'region',
      header: () => t('customers.columns.region'),
      cell: (c) => <span className="tp-cell-muted">{c.getValue() ?? '—'}</span>,
    }),
    col.accessor('level', {
      id: 'level',
      header: () => t('customers.columns.level'),
      cell: (c) => <LevelBadge level={c.getValue()} compact />,
    }),
    col.accessor('status', {
      id: 'status',
      header: () => t('customers.columns.status'),
      cell: (c) => <StatusBadge status={c.getValue()} />,
    }),
    col.accessor('phone', {
      id: 'phone',
      header: () => t('customers.columns.phone'),
      enableSorting: false,
      cell: (c) => <span className="tp-cell-phone">{c.getValue() ?? '—'}</span>,
    }),
    col.accessor('ownerName', {
      id: 'owner',
      header: () => t('customers.columns.owner'),
      enableSorting: false,
      cell: (c) => {
        const name = c.getValue();
        return name ? (
          <span className="tp-cell-owner">
            <Avatar name={name} size={20} />
            {name}
          </span>
        ) : (
          <Dash />
        );
      },
    }),
    col.accessor('lastFollowUpAt', {
      id: 'lastFollowUpAt',
      header: () => t('customers.columns.lastFollowUpAt'),
      cell: (c) => {
        const at = c.getValue();
        if (at === null) return <Dash />;
        const stale = now - at > STALE_FOLLOW_UP_MS;
        return (
          <span
            className={stale ? 'tp-cell-time tp-cell-time--stale' : 'tp-cell-time'}
            title={formatDateTime(at, locale)}
          >
            {formatRelativeTime(at, now, locale)}
          </span>
        );
      },
    }),
  ] as ColumnDef<CustomerListItem, unknown>[];
  const ctx: AttrFormatContext = format ?? { locale, optionLists: [], userName: () => null, compact: true };
  const extra = attrDefs.map((def) =>
    col.display({
      id: attrColumnId(def.key),
      header: () => labelOf(def, locale),
      cell: (c) => {
        const value = c.row.original.attrs[def.key];
        return value === undefined || value === null || value === '' ? (
          <Dash />
        ) : (
          <span className="tp-cell-attr" data-testid={`cell-attr-${def.key}`}>
            <AttrValue def={def} value={value} ctx={{ ...ctx, compact: true }} />
          </span>
        );
      },
    }),
  ) as ColumnDef<CustomerListItem, unknown>[];
  return [...base, ...extra];
}

function Dash() {
  return <span className="tp-muted">—</span>;
}
