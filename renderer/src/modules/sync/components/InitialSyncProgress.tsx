import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../../app/store';
import { formatNumber } from '../../../i18n/format';
import { Icon, ProgressBar } from '../../../ui';
import { initialProgressView } from '../utils/syncView';

/**
 * The first sync of a big book as a card: a bar of rows received over the announced total, the counts,
 * and a word that an interruption resumes rather than restarts. Shown over an empty customer list and on
 * the Sync page while `initialProgress` is set; renders nothing otherwise.
 */
export function InitialSyncProgress({ testId = 'sync-progress-overlay' }: { testId?: string }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  // Select the status (a stable reference) and derive outside: a selector returning a fresh object
  // would re-render forever.
  const progress = initialProgressView(useAppStore((s) => s.syncStatus));
  if (!progress) return null;
  const received = formatNumber(progress.received, locale);
  return (
    <div
      className="tp-initialsync"
      data-testid={testId}
      data-received={progress.received}
      data-total={progress.total ?? undefined}
    >
      <div className="tp-initialsync__icon">
        <Icon name="cloud" size={22} />
      </div>
      <div className="tp-initialsync__text">
        <div className="tp-initialsync__title">
          <span>{t('sync.progressTitle')}</span>
          {progress.fraction !== null ? (
            <span className="tp-initialsync__percent">{Math.floor(progress.fraction * 100)}%</span>
          ) : null}
        </div>
        <ProgressBar value={progress.fraction} label={t('sync.progressTitle')} />
        <div className="tp-initialsync__counts">
          {progress.total !== null
            ? t('sync.progressReceived', { received, total: formatNumber(progress.total, locale) })
            : t('sync.progressReceivedNoTotal', { received })}
        </div>
        <p className="tp-initialsync__body">{t('sync.progressBody')}</p>
      </div>
    </div>
  );
}
