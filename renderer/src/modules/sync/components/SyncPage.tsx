import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../app/store';
import { formatDateTime, formatNumber, formatRelativeTime } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Badge, Button, Icon, type IconName } from '../../../ui';
import { PageHeader } from '../../shell/components/PageHeader';
import { useNow } from '../../shell/hooks/useNow';
import { inboxCount, syncHealth, syncStatusLine } from '../utils/syncView';
import { INBOX_ANCHOR_ID, InboxPanel } from './InboxPanel';
import { InitialSyncProgress } from './InitialSyncProgress';

/**
 * The sync screen: the full state behind the indicator, the place to force a sync, and the inbox of
 * conflicts and rejections the user decides on.
 */
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
  const inbox = inboxCount(status);
  const line = syncStatusLine(status);
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
    <div className="tp-page tp-syncpage" data-testid="sync-page">
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
      <InitialSyncProgress testId="sync-page-progress" />
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
        <Stat
          icon="inbox"
          label={`${t('sync.conflicts')} / ${t('sync.rejected')}`}
          onClick={() =>
            document.getElementById(INBOX_ANCHOR_ID)?.scrollIntoView({ behavior: 'smooth', block: 'start' })
          }
        >
          <span className={inbox > 0 ? 'tp-stat__number tp-stat__number--warning' : 'tp-stat__number'}>
            {formatNumber(inbox, locale)}
          </span>
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
          <Row label={t('sync.status')}>
            {line ? (
              <span className={`tp-syncline tp-syncline--${line.tone}`} data-testid="sync-page-status">
                <Icon
                  name={line.tone === 'success' ? 'check' : line.tone === 'warning' ? 'inbox' : 'sync'}
                  size={14}
                />
                {t(line.key, { count: line.count })}
              </span>
            ) : (
              <span className="tp-muted">—</span>
            )}
          </Row>
          {status?.lastError ? (
            <Row label={t('sync.lastError')}>
              <span className="tp-danger-text" title={status.lastError.message} data-testid="sync-page-error">
                {errorText(status.lastError)}
              </span>
            </Row>
          ) : null}
        </dl>
      </section>

      <InboxPanel />
    </div>
  );
}

function Stat({
  icon,
  label,
  children,
  onClick,
}: {
  icon: IconName;
  label: string;
  children: ReactNode;
  onClick?: () => void;
}) {
  const body = (
    <>
      <div className="tp-stat__label">
        <Icon name={icon} size={14} />
        {label}
      </div>
      <div className="tp-stat__value">{children}</div>
    </>
  );
  return onClick ? (
    <button type="button" className="tp-stat tp-stat--link" onClick={onClick}>
      {body}
    </button>
  ) : (
    <div className="tp-stat">{body}</div>
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
