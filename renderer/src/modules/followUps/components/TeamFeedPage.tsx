import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { FollowUpItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { formatNumber } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, EmptyState, Skeleton } from '../../../ui';
import { PageHeader } from '../../shell/components/PageHeader';
import { useTeamReps } from '../../team/hooks/useTeamReps';
import { FollowUpEntry } from './FollowUpTimeline';

/** Entries per `followUps.feed` call; "load more" asks for the next ones. */
const FEED_PAGE = 50;

/**
 * The team's follow-ups, newest first (a manager's view of the work: who visited whom, what came of
 * it), narrowed to one rep when chosen; each entry links to its customer.
 */
export function TeamFeedPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { locale, dataVersion } = useAppStore(
    useShallow((s) => ({ locale: s.locale, dataVersion: s.dataVersion })),
  );
  const { reps, managerial } = useTeamReps();
  const [authorId, setAuthorId] = useState<string | null>(null);
  const [limit, setLimit] = useState(FEED_PAGE);
  const [feed, setFeed] = useState<{ key: string; rows: FollowUpItem[]; total: number } | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [reloads, setReloads] = useState(0);
  const key = authorId ?? '';

  useEffect(() => {
    let live = true;
    // One call for everything shown so far: a data change refreshes the whole list in place.
    getApi()
      .call('followUps.feed', { offset: 0, limit, ...(authorId ? { authorId } : {}) })
      .then(
        (res) => {
          if (!live) return;
          setFeed({ key: authorId ?? '', rows: res.rows, total: res.total });
          setError(null);
        },
        (err: unknown) => live && setError(toAppErrorData(err)),
      )
      .finally(() => live && setLoadingMore(false));
    return () => {
      live = false;
    };
  }, [authorId, limit, dataVersion, reloads]);

  const current = feed && feed.key === key ? feed : null;
  return (
    <div className="tp-page tp-page--narrow" data-testid="feed-page">
      <PageHeader
        title={t('feed.title')}
        subtitle={
          <span data-testid="feed-count" data-count={current?.total ?? undefined}>
            {current ? t('feed.count', { n: formatNumber(current.total, locale) }) : t('common.loading')}
          </span>
        }
      >
        {managerial ? (
          <select
            className="tp-input tp-select tp-filter"
            data-testid="feed-author-filter"
            aria-label={t('feed.authorFilter')}
            value={authorId ?? ''}
            onChange={(e) => {
              setAuthorId(e.target.value || null);
              setLimit(FEED_PAGE);
            }}
          >
            <option value="">{t('feed.allAuthors')}</option>
            {reps.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}
              </option>
            ))}
          </select>
        ) : null}
      </PageHeader>
      {error && !current ? (
        <EmptyState
          icon="alert"
          tone="danger"
          title={t('feed.loadError')}
          body={errorText(error)}
          action={<Button onClick={() => setReloads((n) => n + 1)}>{t('common.retry')}</Button>}
          testId="feed-error"
        />
      ) : !current ? (
        <section className="tp-card tp-card__body" aria-busy="true">
          <Skeleton width="60%" />
          <Skeleton width="80%" />
        </section>
      ) : current.rows.length === 0 ? (
        <section className="tp-card">
          <EmptyState icon="feed" title={t('feed.empty')} body={t('feed.emptyBody')} testId="feed-empty" />
        </section>
      ) : (
        <section className="tp-card">
          <div className="tp-card__body">
            <ol className="tp-timeline" data-testid="feed-list">
              {current.rows.map((f) => (
                <FollowUpEntry key={f.id} item={f} showCustomer testId="feed-item" />
              ))}
            </ol>
            {current.rows.length < current.total ? (
              <div className="tp-feed__more">
                <Button
                  busy={loadingMore}
                  onClick={() => {
                    setLoadingMore(true);
                    setLimit((l) => l + FEED_PAGE);
                  }}
                  data-testid="feed-load-more"
                >
                  {t('feed.loadMore', { n: formatNumber(current.total - current.rows.length, locale) })}
                </Button>
              </div>
            ) : null}
          </div>
        </section>
      )}
    </div>
  );
}
