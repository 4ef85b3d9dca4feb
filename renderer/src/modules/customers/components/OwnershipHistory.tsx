import { useTranslation } from 'react-i18next';
import type { OwnershipItem } from '../../../../../shared/api/contract';
import { useAppStore } from '../../../app/store';
import { formatDateTime, formatRelativeTime } from '../../../i18n/format';
import { EmptyState, Icon } from '../../../ui';
import { useNow } from '../../shell/hooks/useNow';

/**
 * Who owned the customer when, and why (SPEC §2 ownership history): every move between private seas
 * and the public sea, newest first — from → to, who or what moved it (a person, a pool rule, an external
 * event), the reason and the time.
 */
export function OwnershipHistory({ items }: { items: readonly OwnershipItem[] }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const now = useNow(60_000);
  if (items.length === 0) {
    return <EmptyState icon="history" title={t('ownership.empty')} testId="ownership-empty" />;
  }
  const holder = (name: string | null, pool: OwnershipItem['toPoolState'] | null) =>
    pool === 'public' ? t('ownership.publicSea') : (name ?? t('ownership.nobody'));
  return (
    <ol className="tp-ownership" data-testid="ownership-history">
      {[...items]
        .sort((a, b) => b.at - a.at)
        .map((e) => (
          <li key={e.id} className="tp-ownership__item" data-testid="ownership-item" data-actor={e.actorType}>
            <div className="tp-ownership__move">
              {e.fromOwnerId === null && e.fromPoolState === null ? (
                <span className="tp-muted">{t('ownership.created')}</span>
              ) : (
                <span data-testid="ownership-from">{holder(e.fromOwnerName, e.fromPoolState)}</span>
              )}
              <Icon name="convert" size={12} />
              <strong data-testid="ownership-to">{holder(e.toOwnerName, e.toPoolState)}</strong>
            </div>
            <div className="tp-ownership__meta">
              <span>
                {e.actorType === 'user'
                  ? t('ownership.byUser', { name: e.actorName ?? t('ownership.someone') })
                  : t(`ownership.actor.${e.actorType}`)}
              </span>
              <time title={formatDateTime(e.at, locale)} dateTime={new Date(e.at).toISOString()}>
                {formatRelativeTime(e.at, now, locale)}
              </time>
            </div>
            {e.reason ? <p className="tp-ownership__reason">{e.reason}</p> : null}
          </li>
        ))}
    </ol>
  );
}
