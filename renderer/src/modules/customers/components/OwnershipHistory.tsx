import { useTranslation } from 'react-i18next';
import type { OwnershipItem } from '../../../../../shared/api/contract';
import { useAppStore } from '../../../app/store';
import { formatDateTime, formatRelativeTime } from '../../../i18n/format';
import { EmptyState, Icon } from '../../../ui';
import { usePools } from '../../pools/hooks/usePools';
import { poolName } from '../../pools/utils/poolLabel';
import { parseRecycleReason, ruleWording } from '../../pools/utils/recycleView';
import { useNow } from '../../shell/hooks/useNow';

/**
 * Who owned the customer when, and why (SPEC §2 ownership history): every move between private seas
 * and the public sea, newest first — what kind of move (claim, release, recycle…), from → to (the pool
 * by name when the move names one), who or what moved it (a person, a pool rule, an external event),
 * the reason and the time.
 */
export function OwnershipHistory({ items }: { items: readonly OwnershipItem[] }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const now = useNow(60_000);
  const pools = usePools();
  if (items.length === 0) {
    return <EmptyState icon="history" title={t('ownership.empty')} testId="ownership-empty" />;
  }
  const seaName = (poolId: string | null) => {
    const pool = poolId ? pools?.find((p) => p.id === poolId) : undefined;
    return pool ? t('ownership.publicSeaNamed', { pool: poolName(pool, locale) }) : t('ownership.publicSea');
  };
  // A rule's recycle records its rule (in English, for logs and API users): say it in the user's words.
  const reasonText = (e: OwnershipItem) => {
    const rule = e.actorType === 'rule' ? parseRecycleReason(e.reason) : null;
    if (!rule) return e.reason;
    const w = ruleWording(rule.rule, rule.days);
    return t(w.key, w.params);
  };
  const holder = (name: string | null, state: OwnershipItem['toPoolState'] | null, poolId: string | null) =>
    state === 'public' ? seaName(poolId) : (name ?? t('ownership.nobody'));
  return (
    <ol className="tp-ownership" data-testid="ownership-history">
      {[...items]
        .sort((a, b) => b.at - a.at)
        .map((e) => (
          <li
            key={e.id}
            className="tp-ownership__item"
            data-testid="ownership-item"
            data-actor={e.actorType}
            data-action={e.action ?? undefined}
          >
            <div className="tp-ownership__move">
              {e.action && e.action !== 'create' ? (
                <span
                  className={`tp-ownership__action tp-ownership__action--${e.action}`}
                  data-testid="ownership-action"
                >
                  {t(`ownership.action.${e.action}`)}
                </span>
              ) : null}
              {e.fromOwnerId === null && e.fromPoolState === null ? (
                <span className="tp-muted">{t('ownership.created')}</span>
              ) : (
                <span data-testid="ownership-from">
                  {/* A move out of the public sea names the pool it left; one into it, the pool it went to. */}
                  {holder(e.fromOwnerName, e.fromPoolState, e.toPoolState === 'public' ? null : e.poolId)}
                </span>
              )}
              <Icon name="convert" size={12} />
              <strong data-testid="ownership-to">
                {holder(e.toOwnerName, e.toPoolState, e.toPoolState === 'public' ? e.poolId : null)}
              </strong>
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
            {e.reason ? <p className="tp-ownership__reason">{reasonText(e)}</p> : null}
          </li>
        ))}
    </ol>
  );
}
