import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../app/store';
import { formatCountdown, formatDateTime, formatNumber, formatRelativeTime } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Icon, ProgressBar } from '../../../ui';
import { useNow } from '../../shell/hooks/useNow';
import { inboxCount, initialProgressView, syncHealth } from '../utils/syncView';
import { INBOX_ANCHOR_ID } from './InboxPanel';

/** The retry countdown reads "in 30 seconds"; a 5 s tick keeps it honest without re-rendering often. */
const CLOCK_TICK_MS = 5_000;

/**
 * Always-visible sync state (SPEC §5 "nothing typed is lost" made visible): online dot, what is still
 * on this device only, when the last sync was, a way to sync now, why it is stuck and when it tries
 * again, how far a first sync has come, and how many conflicts and rejections wait for the user.
 */
export function SyncIndicator() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const now = useNow(CLOCK_TICK_MS);
  const { status, locale, syncNow, navigate } = useAppStore(
    useShallow((s) => ({ status: s.syncStatus, locale: s.locale, syncNow: s.syncNow, navigate: s.navigate })),
  );
  const health = syncHealth(status);
  const online = status?.online ?? false;
  const pending = status?.pending ?? 0;
  const last = status?.lastSyncAt ?? null;
  const error = status?.lastError ?? null;
  const retryAt = status?.nextRetryAt ?? null;
  const inbox = inboxCount(status);
  const progress = initialProgressView(status);

  const openInbox = () => {
    navigate({ name: 'sync' });
    // The Sync page mounts on this navigation; scroll once it has rendered.
    requestAnimationFrame(() =>
      document.getElementById(INBOX_ANCHOR_ID)?.scrollIntoView({ behavior: 'smooth', block: 'start' }),
    );
  };

  const retryText = retryAt ? t('sync.retryAt', { when: formatCountdown(retryAt, now, locale) }) : null;

  return (
    <div
      className={`tp-syncind tp-syncind--${health}`}
      data-testid="sync-indicator"
      data-online={String(online)}
      data-health={health}
    >
      <button
        type="button"
        className="tp-syncind__state"
        onClick={() => navigate({ name: 'sync' })}
        title={t('sync.title')}
      >
        <span className="tp-syncind__dot" aria-hidden="true" />
        <span className="tp-syncind__label">{online ? t('sync.online') : t('sync.offline')}</span>
        <span className="tp-syncind__sep" aria-hidden="true">
          ·
        </span>
        <span
          className="tp-syncind__last"
          data-testid="sync-last"
          title={last ? formatDateTime(last, locale) : undefined}
        >
          {health === 'syncing'
            ? t('sync.syncing')
            : last
              ? formatRelativeTime(last, now, locale)
              : t('sync.never')}
        </span>
      </button>
      {progress ? (
        <span
          className="tp-syncind__progress"
          data-testid="sync-progress"
          data-received={progress.received}
          data-total={progress.total ?? undefined}
          title={
            progress.total !== null
              ? t('sync.progressReceived', {
                  received: formatNumber(progress.received, locale),
                  total: formatNumber(progress.total, locale),
                })
              : t('sync.progressReceivedNoTotal', { received: formatNumber(progress.received, locale) })
          }
        >
          <ProgressBar value={progress.fraction} size="sm" label={t('sync.progressTitle')} />
          <span className="tp-syncind__progresstext">
            {progress.fraction !== null
              ? `${Math.floor(progress.fraction * 100)}%`
              : formatNumber(progress.received, locale)}
          </span>
        </span>
      ) : null}
      <span
        className={pending > 0 ? 'tp-syncind__pending tp-syncind__pending--some' : 'tp-syncind__pending'}
        title={t('sync.pendingCount', { count: pending })}
      >
        <Icon name="arrowUp" size={12} />
        <span data-testid="sync-pending">{pending}</span>
        <span className="tp-syncind__pendinglabel">{t('sync.pendingInline')}</span>
      </span>
      {inbox > 0 ? (
        <button
          type="button"
          className="tp-syncind__inbox"
          onClick={openInbox}
          title={t('sync.inboxBadge', { count: inbox })}
          aria-label={t('sync.inboxBadge', { count: inbox })}
        >
          <Icon name="inbox" size={12} />
          <span data-testid="inbox-count">{inbox}</span>
        </button>
      ) : null}
      {health === 'stalled' && error ? (
        <button
          type="button"
          className="tp-syncind__error"
          data-testid="sync-error"
          data-code={error.code}
          onClick={() => navigate({ name: 'sync' })}
          title={[t('sync.stalledReason', { reason: errorText(error) }), retryText, error.message]
            .filter(Boolean)
            .join('\n')}
        >
          <Icon name="alert" size={13} />
          <strong>{t('sync.stalled')}</strong>
          <span className="tp-syncind__errortext">{errorText(error)}</span>
          <span className="tp-syncind__retry" data-testid="sync-retry">
            {retryText ?? t('sync.retryHalted')}
          </span>
        </button>
      ) : null}
      <button
        type="button"
        className="tp-iconbtn tp-syncind__now"
        data-testid="sync-now"
        onClick={() => void syncNow()}
        disabled={health === 'syncing'}
        title={t('sync.syncNow')}
        aria-label={t('sync.syncNow')}
      >
        <Icon name="sync" size={15} className={health === 'syncing' ? 'tp-spin' : undefined} />
      </button>
    </div>
  );
}
