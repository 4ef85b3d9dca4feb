import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { AssignedItem, TaskItem, Today } from '../../../../../shared/api/contract';
import { recordRoute } from '../../../app/routes';
import { useAppStore } from '../../../app/store';
import {
  formatDateTime,
  formatDayHeading,
  formatMoney,
  formatNumber,
  formatRelativeTime,
  startOfDay,
} from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, EmptyState, Icon, Skeleton, type IconName } from '../../../ui';
import { NoticeList } from '../../notices/components/NoticeList';
import { RecycleBadge } from '../../pools/components/RecycleBadge';
import { ruleWording } from '../../pools/utils/recycleView';
import { useNow } from '../../shell/hooks/useNow';
import { TaskList } from '../../tasks/components/TaskList';
import { useTaskActions } from '../../tasks/hooks/useTaskActions';
import { groupByDay } from '../../tasks/utils/taskView';
import { useToday } from '../hooks/useToday';
import { greetingKey, summaryKey, todaySummary } from '../utils/todayView';

/**
 * The rep's working day, the screen the app opens on: what is overdue (red), due today and planned for
 * the week, customers that just came into their private sea (from whom and why), and a few numbers
 * about the pipeline and the week's work. Every task can be logged or cancelled from here.
 */
export function TodayPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const now = useNow(30_000);
  const { user, locale, invalidate } = useAppStore(
    useShallow((s) => ({ user: s.session?.user ?? null, locale: s.locale, invalidate: s.invalidateData })),
  );
  const { today, error, reload } = useToday();
  const actions = useTaskActions({ onChanged: invalidate });
  const dateLine = new Intl.DateTimeFormat(locale, { dateStyle: 'full' }).format(now);
  const summary = today ? todaySummary(today) : null;

  return (
    <div className="tp-page tp-today" data-testid="today-page">
      <div className="tp-today__hello">
        <p className="tp-today__date">{dateLine}</p>
        <h1 className="tp-today__greeting">
          {t(greetingKey(new Date(now).getHours()), { name: user?.displayName ?? '' })}
        </h1>
        {summary ? (
          <p className="tp-today__summary" data-testid="today-summary">
            {t(summaryKey(summary), {
              overdue: formatNumber(summary.overdue, locale),
              today: formatNumber(summary.dueToday, locale),
              upcoming: formatNumber(summary.upcoming, locale),
            })}
          </p>
        ) : null}
      </div>

      <NoticeList />

      {error && !today ? (
        <EmptyState
          icon="alert"
          tone="danger"
          title={t('today.loadError')}
          body={errorText(error)}
          action={<Button onClick={reload}>{t('common.retry')}</Button>}
          testId="today-error"
        />
      ) : !today ? (
        <TodaySkeleton />
      ) : (
        <>
          <Stats today={today} />
          <div className="tp-today__grid">
            <div className="tp-today__main">
              {summary?.clear ? (
                <section className="tp-card">
                  <EmptyState
                    icon="check"
                    title={t('today.clearTitle')}
                    body={t('today.clearBody')}
                    testId="today-empty"
                  />
                </section>
              ) : (
                <>
                  {today.overdue.length > 0 ? (
                    <TaskSection
                      tone="danger"
                      icon="alert"
                      title={t('today.overdue')}
                      count={today.overdue.length}
                      testId="today-overdue"
                    >
                      <TaskList tasks={today.overdue} onLog={actions.logTask} onCancel={actions.cancelTask} />
                    </TaskSection>
                  ) : null}
                  <TaskSection
                    icon="today"
                    title={t('today.dueToday')}
                    count={today.dueToday.length}
                    testId="today-due-today"
                  >
                    {today.dueToday.length === 0 ? (
                      <p className="tp-today__none">{t('today.nothingToday')}</p>
                    ) : (
                      <TaskList
                        tasks={today.dueToday}
                        onLog={actions.logTask}
                        onCancel={actions.cancelTask}
                      />
                    )}
                  </TaskSection>
                  <TaskSection
                    icon="visit"
                    title={t('today.upcoming')}
                    count={today.upcoming.length}
                    testId="today-upcoming"
                  >
                    {today.upcoming.length === 0 ? (
                      <p className="tp-today__none">{t('today.nothingUpcoming')}</p>
                    ) : (
                      <UpcomingDays
                        tasks={today.upcoming}
                        onLog={actions.logTask}
                        onCancel={actions.cancelTask}
                      />
                    )}
                  </TaskSection>
                </>
              )}
            </div>
            <div className="tp-today__side">
              <Recycling items={today.recycling} now={now} />
              <Assigned items={today.recentlyAssigned} now={now} />
            </div>
          </div>
        </>
      )}
      {actions.dialogs}
    </div>
  );
}

function Stats({ today }: { today: Today }) {
  const { t } = useTranslation();
  const { locale, navigate } = useAppStore(useShallow((s) => ({ locale: s.locale, navigate: s.navigate })));
  const weighted = today.stats.weightedPipeline.filter((w) => w.amountMinor > 0);
  return (
    <div className="tp-statgrid tp-statgrid--3">
      <button
        type="button"
        className="tp-stat tp-stat--link"
        data-testid="today-stat-open-opportunities"
        data-value={today.stats.openOpportunities}
        onClick={() => navigate({ name: 'pipeline' })}
      >
        <div className="tp-stat__label">
          <Icon name="target" size={14} />
          {t('today.openOpportunities')}
        </div>
        <div className="tp-stat__value">
          <span className="tp-stat__number">{formatNumber(today.stats.openOpportunities, locale)}</span>
        </div>
      </button>
      <div className="tp-stat" data-testid="today-stat-weighted">
        <div className="tp-stat__label">
          <Icon name="money" size={14} />
          {t('today.weightedPipeline')}
        </div>
        <div className="tp-stat__value tp-stat__value--stack">
          {weighted.length === 0 ? (
            <span className="tp-stat__number">{formatMoney(0, 'CNY', locale)}</span>
          ) : (
            weighted.map((w, i) => (
              <span
                key={w.currency}
                className={i === 0 ? 'tp-stat__number' : 'tp-stat__sub'}
                data-currency={w.currency}
                data-amount-minor={w.amountMinor}
              >
                {formatMoney(w.amountMinor, w.currency, locale)}
              </span>
            ))
          )}
        </div>
      </div>
      <div className="tp-stat" data-testid="today-stat-follow-ups" data-value={today.stats.followUpsThisWeek}>
        <div className="tp-stat__label">
          <Icon name="clock" size={14} />
          {t('today.followUpsThisWeek')}
        </div>
        <div className="tp-stat__value">
          <span className="tp-stat__number">{formatNumber(today.stats.followUpsThisWeek, locale)}</span>
        </div>
      </div>
    </div>
  );
}

function TaskSection({
  title,
  icon,
  count,
  tone = 'neutral',
  testId,
  children,
}: {
  title: string;
  icon: IconName;
  count: number;
  tone?: 'neutral' | 'danger';
  testId: string;
  children: ReactNode;
}) {
  const locale = useAppStore((s) => s.locale);
  return (
    <section
      className={`tp-card tp-today__section tp-today__section--${tone}`}
      data-testid={testId}
      data-count={count}
    >
      <header className="tp-card__header">
        <h2 className="tp-card__title">
          <Icon name={icon} size={16} />
          {title}
          <span className="tp-card__count">{formatNumber(count, locale)}</span>
        </h2>
      </header>
      {children}
    </section>
  );
}

function UpcomingDays({
  tasks,
  onLog,
  onCancel,
}: {
  tasks: readonly TaskItem[];
  onLog: (task: TaskItem) => void;
  onCancel: (task: TaskItem) => void;
}) {
  const locale = useAppStore((s) => s.locale);
  return (
    <div className="tp-today__days">
      {groupByDay(tasks, startOfDay).map((g) => (
        <div key={g.day} className="tp-today__day" data-testid="today-day">
          <h3 className="tp-today__dayhead">{formatDayHeading(g.day, locale)}</h3>
          <TaskList tasks={g.tasks} onLog={onLog} onCancel={onCancel} due="time" />
        </div>
      ))}
    </div>
  );
}

/** How many customers the card lists before "N more" (the soonest ones). */
const RECYCLING_SHOWN = 8;

/**
 * My customers inside their pool's warning window, soonest first: what to follow up on before the
 * rules send them back to the public sea. A follow-up resets the countdown at once, offline too.
 */
function Recycling({ items, now }: { items: Today['recycling']; now: number }) {
  const { t } = useTranslation();
  const { locale, navigate } = useAppStore(useShallow((s) => ({ locale: s.locale, navigate: s.navigate })));
  const [all, setAll] = useState(false);
  const sorted = [...items].sort((a, b) => a.dueAt - b.dueAt);
  const shown = all ? sorted : sorted.slice(0, RECYCLING_SHOWN);
  return (
    <section
      className={`tp-card${items.length > 0 ? ' tp-today__section--warning' : ''}`}
      data-testid="today-recycling"
      data-count={items.length}
    >
      <header className="tp-card__header">
        <h2 className="tp-card__title">
          <Icon name="wave" size={16} />
          {t('today.recycling')}
          <span className="tp-card__count">{formatNumber(items.length, locale)}</span>
        </h2>
      </header>
      {items.length === 0 ? (
        <EmptyState icon="check" title={t('today.recyclingEmpty')} body={t('today.recyclingEmptyBody')} />
      ) : (
        <ul className="tp-recycling">
          {shown.map((r) => {
            const rule = ruleWording(r.rule, null);
            return (
              <li
                key={r.customerId}
                className="tp-recycling__item"
                data-testid="today-recycling-item"
                data-customer-id={r.customerId}
                data-rule={r.rule}
              >
                <button
                  type="button"
                  className="tp-assigned__name"
                  data-testid="today-recycling-customer"
                  onClick={() => navigate(recordRoute(r.customerKind, r.customerId))}
                >
                  {r.customerName}
                </button>
                <div className="tp-recycling__meta">
                  {/* Today lists only customers already inside their warning window. */}
                  <RecycleBadge countdown={{ dueAt: r.dueAt, warnAt: 0, rule: r.rule }} now={now} />
                  <span className="tp-recycling__rule">{t(rule.key, rule.params)}</span>
                </div>
              </li>
            );
          })}
          {shown.length < sorted.length ? (
            <li className="tp-recycling__more">
              <button
                type="button"
                className="tp-linkbtn"
                onClick={() => setAll(true)}
                data-testid="today-recycling-more"
              >
                {t('today.recyclingMore', { n: formatNumber(sorted.length - shown.length, locale) })}
              </button>
            </li>
          ) : null}
        </ul>
      )}
    </section>
  );
}

function Assigned({ items, now }: { items: readonly AssignedItem[]; now: number }) {
  const { t } = useTranslation();
  const { locale, navigate, me } = useAppStore(
    useShallow((s) => ({ locale: s.locale, navigate: s.navigate, me: s.session?.user.displayName ?? null })),
  );
  return (
    <section className="tp-card" data-testid="today-assigned">
      <header className="tp-card__header">
        <h2 className="tp-card__title">
          <Icon name="transfer" size={16} />
          {t('today.assigned')}
          <span className="tp-card__count">{formatNumber(items.length, locale)}</span>
        </h2>
      </header>
      {items.length === 0 ? (
        <EmptyState icon="customers" title={t('today.assignedEmpty')} body={t('today.assignedEmptyBody')} />
      ) : (
        <ul className="tp-assigned">
          {[...items]
            .sort((a, b) => b.at - a.at)
            .map((a) => (
              <li
                key={`${a.customerId}-${a.at}`}
                className="tp-assigned__item"
                data-testid="today-assigned-item"
                data-customer-id={a.customerId}
              >
                <button
                  type="button"
                  className="tp-assigned__name"
                  data-testid="today-assigned-customer"
                  onClick={() => navigate({ name: 'customer', id: a.customerId })}
                >
                  {a.customerName}
                </button>
                <div className="tp-assigned__meta">
                  <span data-testid="today-assigned-how">
                    {a.actorType === 'user'
                      ? a.fromOwnerName
                        ? t('today.assignedFrom', { name: a.fromOwnerName })
                        : t('today.assignedFromPublic')
                      : t(`today.assignedBy.${a.actorType}`)}
                    {/* A manager's transfer names the manager; a rep's own claim does not repeat "me". */}
                    {a.actorType === 'user' &&
                    a.actorName &&
                    a.actorName !== a.fromOwnerName &&
                    a.actorName !== me
                      ? ` · ${t('today.movedBy', { name: a.actorName })}`
                      : null}
                  </span>
                  <time title={formatDateTime(a.at, locale)} dateTime={new Date(a.at).toISOString()}>
                    {formatRelativeTime(a.at, now, locale)}
                  </time>
                </div>
                {a.reason ? <p className="tp-assigned__reason">{a.reason}</p> : null}
              </li>
            ))}
        </ul>
      )}
    </section>
  );
}

function TodaySkeleton() {
  return (
    <div className="tp-today__skeleton" aria-busy="true">
      <div className="tp-statgrid tp-statgrid--3">
        {[0, 1, 2].map((i) => (
          <div key={i} className="tp-stat">
            <Skeleton width="40%" />
            <Skeleton width="60%" height={22} />
          </div>
        ))}
      </div>
      <div className="tp-card" style={{ padding: 20, display: 'grid', gap: 12 }}>
        <Skeleton width="70%" />
        <Skeleton width="55%" />
        <Skeleton width="62%" />
      </div>
    </div>
  );
}
