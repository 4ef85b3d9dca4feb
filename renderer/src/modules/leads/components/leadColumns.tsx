import { createColumnHelper } from '@tanstack/react-table';
import type { TFunction } from 'i18next';
import type { LeadListItem } from '../../../../../shared/api/contract';
import { formatDateCompact, formatDateTime, formatRelativeTime } from '../../../i18n/format';
import type { Locale } from '../../../i18n/locale';
import { Avatar } from '../../../ui';
import { CompanyMark } from '../../customers/components/CustomerBadges';
import { LockedBadge, RecycleBadge } from '../../pools/components/RecycleBadge';
import { recycleShownInList } from '../../pools/utils/recycleView';
import { LeadStatusBadge } from './LeadStatusBadge';

/** The lead table's column ids (header test ids `lead-col-<id>`). */
export type LeadColumnId =
  'name' | 'contact' | 'phone' | 'source' | 'status' | 'owner' | 'lastFollowUpAt' | 'createdAt';

export const LEAD_GRID_TEMPLATE =
  'minmax(220px, 2.4fr) minmax(96px, 1fr) 136px minmax(90px, .9fr) 112px minmax(96px, .9fr) 112px 128px';

const col = createColumnHelper<LeadListItem>();

function Dash() {
  return <span className="tp-muted">—</span>;
}

/** The columns, built per language and clock tick (cells show relative times). */
export function leadColumns(t: TFunction, locale: Locale, now: number) {
  return [
    col.accessor('name', {
      id: 'name',
      header: () => t('lead.columns.name'),
      cell: (c) => {
        const r = c.row.original;
        const where = [r.region, r.industry].filter(Boolean).join(' · ');
        return (
          <div className="tp-cell-name">
            <CompanyMark name={r.name} size={26} />
            <div className="tp-cell-name__text">
              <span className="tp-cell-name__name" title={r.name}>
                {r.name}
              </span>
              {where ? <span className="tp-cell-name__short">{where}</span> : null}
            </div>
            {r.locked ? <LockedBadge compact /> : null}
            {recycleShownInList(r.recycle, now) ? (
              <RecycleBadge countdown={r.recycle} now={now} compact />
            ) : null}
          </div>
        );
      },
    }),
    col.accessor('contactName', {
      id: 'contact',
      header: () => t('lead.columns.contact'),
      cell: (c) => c.getValue() ?? <Dash />,
    }),
    col.accessor('phone', {
      id: 'phone',
      header: () => t('lead.columns.phone'),
      cell: (c) => <span className="tp-cell-phone">{c.getValue() ?? '—'}</span>,
    }),
    col.accessor('source', {
      id: 'source',
      header: () => t('lead.columns.source'),
      cell: (c) => <span className="tp-cell-muted">{c.getValue() ?? '—'}</span>,
    }),
    col.accessor('leadStatus', {
      id: 'status',
      header: () => t('lead.columns.status'),
      cell: (c) => <LeadStatusBadge status={c.getValue()} />,
    }),
    col.accessor('ownerName', {
      id: 'owner',
      header: () => t('lead.columns.owner'),
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
      header: () => t('lead.columns.lastFollowUpAt'),
      cell: (c) => {
        const at = c.getValue();
        return at === null ? (
          <Dash />
        ) : (
          <span className="tp-cell-time" title={formatDateTime(at, locale)}>
            {formatRelativeTime(at, now, locale)}
          </span>
        );
      },
    }),
    col.accessor('createdAt', {
      id: 'createdAt',
      header: () => t('lead.columns.createdAt'),
      cell: (c) => (
        <span className="tp-cell-time" title={formatDateTime(c.getValue(), locale)}>
          {formatDateCompact(c.getValue(), locale)}
        </span>
      ),
    }),
  ];
}
