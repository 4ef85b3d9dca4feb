import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../app/store';
import { formatDateTime, formatRelativeTime } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Icon } from '../../../ui';
import { useNow } from '../../shell/hooks/useNow';
import { syncHealth } from '../utils/syncView';

/**
 * Always-visible sync state (SPEC §5 "nothing typed is lost" made visible): online dot, what is still
 * on this device only, when the last sync was, a way to sync now, and why it is stuck if it is.
 */
export function SyncIndicator() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const now = useNow(15_000);
  const { status, locale, syncNow, navigate } = useAppStore(
    useShallow((s) => ({ status: s.syncStatus, locale: s.locale, syncNow: s.syncNow, navigate: s.navigate })),
  );
  const health = syncHealth(status);
  const online = status?.online ?? false;
  const pending = status?.pending ?? 0;
  const last = status?.lastSyncAt ?? null;
  const error = status?.lastError ?? null;

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
      <span
        className={pending > 0 ? 'tp-syncind__pending tp-syncind__pending--some' : 'tp-syncind__pending'}
        title={t('sync.pendingCount', { count: pending })}
      >
        <Icon name="arrowUp" size={12} />
        <span data-testid="sync-pending">{pending}</span>
        <span className="tp-syncind__pendinglabel">{t('sync.pending')}</span>
      </span>
      {health === 'stalled' && error ? (
        <span className="tp-syncind__error" data-testid="sync-error" title={error.message}>
          <Icon name="alert" size={13} />
          <span>{errorText(error)}</span>
        </span>
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
