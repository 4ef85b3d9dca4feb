import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../app/store';
import { formatDateTime, formatNumber, formatRelativeTime } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Badge, Button, Icon, type IconName } from '../../../ui';
import { PageHeader } from '../../shell/components/PageHeader';
import { useNow } from '../../shell/hooks/useNow';
import { syncHealth } from '../utils/syncView';

/** The sync screen: the full state behind the indicator, and the place to force a sync. */
export function SyncPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const now = useNow(5_000);
  const { status, locale, syncNow, requestError } = useAppStore(
    useShallow((s) => ({
      status: s.syncStatus,
      locale: s.locale,
      syncNow: s.syncNow,
      requestError: s.syncRequestError,
    })),
  );
  const health = syncHealth(status);
  const when = (at: number | null | undefined) =>
    at ? (
      <span title={formatDateTime(at, locale)}>
        {formatRelativeTime(at, now, locale)}
        <span className="tp-muted"> · {formatDateTime(at, locale)}</span>
      </span>
    ) : (
      <span className="tp-muted">{t('sync.never')}</span>
    );

  return (
    <div className="tp-page tp-page--narrow">
      <PageHeader
        title={t('sync.title')}
        subtitle={t('sync.explainOffline')}
        actions={
          <Button
            variant="primary"
            icon="sync"
            busy={health === 'syncing'}
            onClick={() => void syncNow()}
            data-testid="sync-page-now"
          >
            {t('sync.syncNow')}
          </Button>
        }
      />
      {status?.initialProgress ? (
        <div className="tp-banner tp-banner--info">
          <Icon name="cloud" size={16} />
          {t('sync.initialProgress', {
            received: formatNumber(status.initialProgress.received, locale),
            pages: status.initialProgress.pages,
          })}
        </div>
      ) : null}
      {requestError ? (
        <div className="tp-banner tp-banner--danger" role="alert">
          <Icon name="alert" size={16} />
          {errorText(requestError)}
        </div>
      ) : null}
      <div className="tp-statgrid">
        <Stat icon={status?.online ? 'cloud' : 'cloudOff'} label={t('sync.connection')}>
          {status ? (
            <Badge tone={status.online ? 'success' : 'neutral'} dot>
              {status.online ? t('sync.online') : t('sync.offline')}
            </Badge>
          ) : (
            '—'
          )}
        </Stat>
        <Stat icon="arrowUp" label={t('sync.pending')}>
          <span className="tp-stat__number">{formatNumber(status?.pending ?? 0, locale)}</span>
        </Stat>
        <Stat icon="alert" label={t('sync.rejected')}>
          <span className="tp-stat__number">{formatNumber(status?.rejected ?? 0, locale)}</span>
        </Stat>
        <Stat icon="clock" label={t('sync.lastSync')}>
          <span className="tp-stat__text">
            {status?.lastSyncAt ? formatRelativeTime(status.lastSyncAt, now, locale) : t('sync.never')}
          </span>
        </Stat>
      </div>

      <section className="tp-card">
        <header className="tp-card__header">
          <h2 className="tp-card__title">{t('sync.statusCard')}</h2>
        </header>
        <dl className="tp-deflist">
          <Row label={t('sync.lastSync')}>{when(status?.lastSyncAt)}</Row>
          <Row label={t('sync.nextRetry')}>
            {status?.nextRetryAt ? when(status.nextRetryAt) : <span className="tp-muted">—</span>}
          </Row>
          <Row label={t('sync.lastError')}>
            {status?.lastError ? (
              <span className="tp-danger-text" title={status.lastError.message}>
                {errorText(status.lastError)}
              </span>
            ) : (
              <span className="tp-success-text">
                <Icon name="check" size={14} /> {status && status.pending === 0 ? t('sync.allSynced') : '—'}
              </span>
            )}
          </Row>
        </dl>
        {status && status.rejected > 0 ? (
          <div className="tp-banner tp-banner--warning">
            <Icon name="alert" size={16} />
            {t('sync.rejectedHint', { count: status.rejected })}
          </div>
        ) : null}
      </section>
    </div>
  );
}

function Stat({ icon, label, children }: { icon: IconName; label: string; children: ReactNode }) {
  return (
    <div className="tp-stat">
      <div className="tp-stat__label">
        <Icon name={icon} size={14} />
        {label}
      </div>
      <div className="tp-stat__value">{children}</div>
    </div>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="tp-deflist__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
