import { useTranslation } from 'react-i18next';
import type { FollowUpItem } from '../../../../../shared/api/contract';
import type { FollowUpType } from '../../../../../shared/domain/rows';
import { useAppStore } from '../../../app/store';
import { formatDate, formatDateTime, formatRelativeTime } from '../../../i18n/format';
import { Badge, EmptyState, Icon, type IconName } from '../../../ui';
import { useNow } from '../../shell/hooks/useNow';
import { sortTimeline } from '../utils/timeline';

export const FOLLOW_UP_ICON: Record<FollowUpType, IconName> = {
  visit: 'visit',
  call: 'call',
  wechat: 'wechat',
  email: 'email',
  meeting: 'meeting',
  other: 'other',
};

/** The customer's story, newest first; entries still on this device only carry a "pending sync" tag. */
export function FollowUpTimeline({ items }: { items: readonly FollowUpItem[] }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const now = useNow(60_000);
  if (items.length === 0) {
    return (
      <EmptyState
        icon="clock"
        title={t('customer.noFollowUps')}
        body={t('customer.noFollowUpsBody')}
        testId="followup-empty"
      />
    );
  }
  return (
    <ol className="tp-timeline" data-testid="followup-timeline">
      {sortTimeline(items).map((f) => (
        <li
          key={f.id}
          className={`tp-timeline__item tp-timeline__item--${f.type}`}
          data-testid="followup-item"
          data-id={f.id}
          data-pending={String(f.pending)}
        >
          <span className="tp-timeline__icon" aria-hidden="true">
            <Icon name={FOLLOW_UP_ICON[f.type]} size={15} />
          </span>
          <div className="tp-timeline__card">
            <div className="tp-timeline__meta">
              <span className="tp-timeline__type">{t(`followUp.types.${f.type}`)}</span>
              <time
                className="tp-timeline__time"
                dateTime={new Date(f.occurredAt).toISOString()}
                title={formatDateTime(f.occurredAt, locale)}
              >
                {formatDateTime(f.occurredAt, locale)}
                <span className="tp-muted"> · {formatRelativeTime(f.occurredAt, now, locale)}</span>
              </time>
              {f.pending ? (
                <Badge tone="warning" testId="followup-pending">
                  <Icon name="arrowUp" size={11} />
                  {t('followUp.pendingSync')}
                </Badge>
              ) : null}
              {f.authorName ? (
                <span className="tp-timeline__author">{t('followUp.by', { name: f.authorName })}</span>
              ) : null}
            </div>
            <p className="tp-timeline__content">{f.content}</p>
            {f.outcome || f.nextFollowUpAt ? (
              <div className="tp-timeline__footer">
                {f.outcome ? (
                  <span className="tp-timeline__outcome">
                    <Icon name="flag" size={13} />
                    {f.outcome}
                  </span>
                ) : null}
                {f.nextFollowUpAt ? (
                  <span
                    className={
                      f.nextFollowUpAt < now
                        ? 'tp-timeline__next tp-timeline__next--overdue'
                        : 'tp-timeline__next'
                    }
                  >
                    <Icon name="today" size={13} />
                    {t('followUp.nextAt', { date: formatDate(f.nextFollowUpAt, locale) })}
                  </span>
                ) : null}
              </div>
            ) : null}
          </div>
        </li>
      ))}
    </ol>
  );
}
