import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { formatNumber, formatRelativeTime } from '../../../i18n/format';
import { Button, Icon } from '../../../ui';
import { useNow } from '../../shell/hooks/useNow';

/** The first screen of the day. Tasks and recycle warnings arrive in a later issue; the frame is ready. */
export function TodayPage() {
  const { t } = useTranslation();
  const now = useNow(30_000);
  const { user, locale, status, navigate, dataVersion } = useAppStore(
    useShallow((s) => ({
      user: s.session?.user ?? null,
      locale: s.locale,
      status: s.syncStatus,
      navigate: s.navigate,
      dataVersion: s.dataVersion,
    })),
  );
  const [customerCount, setCustomerCount] = useState<number | null>(null);

  useEffect(() => {
    let live = true;
    getApi()
      .call('customers.list', { offset: 0, limit: 1, sort: { column: 'updatedAt', desc: true } })
      .then((r) => live && setCustomerCount(r.total))
      .catch(() => live && setCustomerCount(null));
    return () => {
      live = false;
    };
  }, [dataVersion]);

  const hour = new Date(now).getHours();
  const greeting =
    hour < 12 ? 'today.greetingMorning' : hour < 18 ? 'today.greetingAfternoon' : 'today.greetingEvening';
  const dateLine = new Intl.DateTimeFormat(locale, { dateStyle: 'full' }).format(now);

  return (
    <div className="tp-page tp-page--narrow" data-testid="today-page">
      <div className="tp-today__hello">
        <p className="tp-today__date">{dateLine}</p>
        <h1 className="tp-today__greeting">{t(greeting, { name: user?.displayName ?? '' })}</h1>
      </div>
      <div className="tp-statgrid tp-statgrid--3">
        <button
          type="button"
          className="tp-stat tp-stat--link"
          onClick={() => navigate({ name: 'customers' })}
        >
          <div className="tp-stat__label">
            <Icon name="customers" size={14} />
            {t('today.myCustomers')}
          </div>
          <div className="tp-stat__value">
            <span className="tp-stat__number">
              {customerCount === null ? '—' : formatNumber(customerCount, locale)}
            </span>
          </div>
        </button>
        <button type="button" className="tp-stat tp-stat--link" onClick={() => navigate({ name: 'sync' })}>
          <div className="tp-stat__label">
            <Icon name="arrowUp" size={14} />
            {t('today.pendingChanges')}
          </div>
          <div className="tp-stat__value">
            <span className="tp-stat__number">{formatNumber(status?.pending ?? 0, locale)}</span>
          </div>
        </button>
        <div className="tp-stat">
          <div className="tp-stat__label">
            <Icon name="clock" size={14} />
            {t('today.lastSync')}
          </div>
          <div className="tp-stat__value">
            <span className="tp-stat__text">
              {status?.lastSyncAt ? formatRelativeTime(status.lastSyncAt, now, locale) : t('sync.never')}
            </span>
          </div>
        </div>
      </div>
      <section className="tp-card tp-today__planned">
        <div className="tp-today__plannedicon">
          <Icon name="today" size={22} />
        </div>
        <div>
          <h2 className="tp-card__title">
            {t('today.plannedTitle')}{' '}
            <span className="tp-badge tp-badge--neutral">{t('common.comingSoon')}</span>
          </h2>
          <p className="tp-muted">{t('today.plannedBody')}</p>
        </div>
        <Button variant="secondary" icon="chevronRight" onClick={() => navigate({ name: 'customers' })}>
          {t('today.openCustomers')}
        </Button>
      </section>
    </div>
  );
}
