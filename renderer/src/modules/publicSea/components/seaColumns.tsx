import { createColumnHelper, type ColumnDef } from '@tanstack/react-table';
import type { TFunction } from 'i18next';
import type { PublicSeaItem } from '../../../../../shared/pools/schema';
import { formatDate, formatDateTime, formatRelativeTime } from '../../../i18n/format';
import type { Locale } from '../../../i18n/locale';
import { Avatar, Badge, Button, Icon } from '../../../ui';
import { CompanyMark, LevelBadge } from '../../customers/components/CustomerBadges';
import type { SeaClaim } from '../states/publicSeaSlice';
import type { ClaimBlock } from '../utils/publicSeaView';

/** The table's column ids (also the `sea-col-<id>` test ids of the headers). */
export type SeaColumnId =
  'name' | 'industry' | 'region' | 'level' | 'phone' | 'entered' | 'previousOwner' | 'actions';

/** Widths as one CSS grid template, shared by header and rows. */
export const SEA_GRID_TEMPLATE =
  'minmax(260px, 2.6fr) minmax(96px, 1fr) minmax(110px, 1.1fr) 64px 128px 112px minmax(100px, 1fr) 204px';

/** What a row needs beyond its data: this window's pending claims, who may do what, and the actions. */
export type SeaRowContext = {
  t: TFunction;
  locale: Locale;
  now: number;
  claims: Record<string, SeaClaim>;
  busyId: string | null;
  canClaim: boolean;
  canAssign: boolean;
  blockOf: (row: PublicSeaItem) => ClaimBlock | null;
  onClaim: (row: PublicSeaItem) => void;
  onAssign: (row: PublicSeaItem) => void;
};

const col = createColumnHelper<PublicSeaItem>();

/**
 * The public sea's columns: who the customer is (with protection, cooldown and a pending claim marked
 * by the name), where and what, the masked phone, since when it waits in the pool, who had it, and the
 * claim (a rep) or assign (a manager) button.
 */
export function seaColumns(ctx: SeaRowContext): ColumnDef<PublicSeaItem, unknown>[] {
  const { t, locale, now } = ctx;
  return [
    col.accessor('name', {
      id: 'name',
      header: () => t('publicSea.columns.name'),
      cell: (c) => {
        const r = c.row.original;
        const claim = ctx.claims[r.id];
        return (
          <div className="tp-cell-name">
            <CompanyMark name={r.name} size={26} />
            <div className="tp-cell-name__text">
              <span className="tp-cell-name__name" title={r.name}>
                {r.name}
              </span>
              <span className="tp-sea__marks">
                {claim?.state === 'pending' ? (
                  <Badge tone="brand" testId="sea-pending" attrs={{ 'data-mode': claim.mode }}>
                    <Icon name="sync" size={11} />
                    {claim.mode === 'assign'
                      ? t('publicSea.assignPending', { name: claim.toName ?? '' })
                      : t('publicSea.claimPending')}
                  </Badge>
                ) : claim?.state === 'refused' ? (
                  <Badge tone="danger" testId="sea-refused" title={t('publicSea.claimRefusedHint')}>
                    <Icon name="alert" size={11} />
                    {t('publicSea.claimRefused')}
                  </Badge>
                ) : null}
                {r.cooldownUntil !== null && r.cooldownUntil > now ? (
                  <Badge
                    tone="warning"
                    testId="sea-cooldown"
                    title={formatDateTime(r.cooldownUntil, locale)}
                    attrs={{ 'data-until': r.cooldownUntil }}
                  >
                    {t('publicSea.cooldownUntil', { date: formatDate(r.cooldownUntil, locale) })}
                  </Badge>
                ) : null}
                {r.protectedUntil !== null && r.protectedUntil > now ? (
                  <Badge
                    tone="info"
                    testId="sea-protected"
                    title={formatDateTime(r.protectedUntil, locale)}
                    attrs={{ 'data-until': r.protectedUntil }}
                  >
                    <Icon name="lock" size={11} />
                    {t('publicSea.protectedUntil', { date: formatDate(r.protectedUntil, locale) })}
                  </Badge>
                ) : null}
              </span>
            </div>
          </div>
        );
      },
    }),
    col.accessor('industry', {
      id: 'industry',
      header: () => t('publicSea.columns.industry'),
      cell: (c) => c.getValue() ?? <Dash />,
    }),
    col.accessor('region', {
      id: 'region',
      header: () => t('publicSea.columns.region'),
      cell: (c) => <span className="tp-cell-muted">{c.getValue() ?? '—'}</span>,
    }),
    col.accessor('level', {
      id: 'level',
      header: () => t('publicSea.columns.level'),
      cell: (c) => <LevelBadge level={c.getValue()} compact />,
    }),
    col.accessor('phoneMasked', {
      id: 'phone',
      header: () => t('publicSea.columns.phone'),
      cell: (c) => (
        <span className="tp-cell-phone" data-testid="sea-phone">
          {c.getValue() ?? '—'}
        </span>
      ),
    }),
    col.accessor('enteredPoolAt', {
      id: 'entered',
      header: () => t('publicSea.columns.entered'),
      cell: (c) => {
        const at = c.getValue();
        return at === null ? (
          <Dash />
        ) : (
          <span className="tp-cell-time" title={formatDateTime(at, locale)} data-testid="sea-entered">
            {formatRelativeTime(at, now, locale)}
          </span>
        );
      },
    }),
    col.accessor('previousOwnerName', {
      id: 'previousOwner',
      header: () => t('publicSea.columns.previousOwner'),
      cell: (c) => {
        const name = c.getValue();
        return name ? (
          <span className="tp-cell-owner" data-testid="sea-previous-owner">
            <Avatar name={name} size={20} />
            {name}
          </span>
        ) : (
          <Dash />
        );
      },
    }),
    col.display({
      id: 'actions',
      header: () => <span className="tp-visually-hidden">{t('publicSea.columns.actions')}</span>,
      cell: (c) => {
        const r = c.row.original;
        const block = ctx.blockOf(r);
        const claimState = ctx.claims[r.id]?.state;
        return (
          <div className="tp-sea__actions">
            {ctx.canAssign ? (
              <Button
                size="sm"
                variant="ghost"
                icon="user"
                disabled={claimState === 'pending'}
                onClick={() => ctx.onAssign(r)}
                data-testid="sea-assign"
              >
                {t('publicSea.assign')}
              </Button>
            ) : null}
            {ctx.canClaim ? (
              <Button
                size="sm"
                variant={block ? 'secondary' : 'primary'}
                icon="claim"
                busy={ctx.busyId === r.id}
                disabled={block !== null}
                title={block ? t(`publicSea.blocked.${block}`) : undefined}
                onClick={() => ctx.onClaim(r)}
                data-testid="sea-claim"
                data-blocked={block ?? undefined}
              >
                {t('publicSea.claim')}
              </Button>
            ) : null}
          </div>
        );
      },
    }),
  ] as ColumnDef<PublicSeaItem, unknown>[];
}

function Dash() {
  return <span className="tp-muted">—</span>;
}
