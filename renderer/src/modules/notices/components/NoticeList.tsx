import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { NoticeItem } from '../../../../../shared/api/contract';
import { recordRoute } from '../../../app/routes';
import { useAppStore } from '../../../app/store';
import { formatDateTime, formatRelativeTime } from '../../../i18n/format';
import { Button, Icon, type IconName } from '../../../ui';
import { useNow } from '../../shell/hooks/useNow';
import { noticeOpensRecord, noticeText, sortNotices } from '../utils/noticeView';

const KIND_ICON: Record<NoticeItem['kind'], IconName> = {
  recycledAway: 'wave',
  movedAway: 'transfer',
  assignedIn: 'claim',
};

/**
 * The notices of moves in or out of my private sea, newest first, each with the way to act on it (open
 * the customer that came in, look at the public sea for the one that left) and "got it". Today shows
 * them as a stack; the top bar's indicator shows the same list in its panel.
 */
export function NoticeList({ onNavigate }: { onNavigate?: () => void }) {
  const { t } = useTranslation();
  const now = useNow(60_000);
  const { notices, dismiss, navigate, locale } = useAppStore(
    useShallow((s) => ({
      notices: s.notices,
      dismiss: s.dismissNotices,
      navigate: s.navigate,
      locale: s.locale,
    })),
  );
  if (notices.length === 0) return null;
  const sorted = sortNotices(notices);
  return (
    <section
      className="tp-notices"
      data-testid="notices"
      data-count={notices.length}
      aria-label={t('notices.title')}
    >
      <ul className="tp-notices__list">
        {sorted.map((n) => (
          <li
            key={n.id}
            className={`tp-notice tp-notice--${n.kind}`}
            data-testid="notice-item"
            data-id={n.id}
            data-kind={n.kind}
            data-customer-id={n.customerId}
          >
            <span className="tp-notice__icon" aria-hidden="true">
              <Icon name={KIND_ICON[n.kind]} size={15} />
            </span>
            <div className="tp-notice__text">
              <span data-testid="notice-text">{noticeText(t, n)}</span>
              <time
                className="tp-notice__when"
                dateTime={new Date(n.at).toISOString()}
                title={formatDateTime(n.at, locale)}
              >
                {formatRelativeTime(n.at, now, locale)}
              </time>
            </div>
            <div className="tp-notice__actions">
              {noticeOpensRecord(n) ? (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    navigate(recordRoute(n.customerKind, n.customerId));
                    onNavigate?.();
                  }}
                  data-testid="notice-open"
                >
                  {t('notices.open')}
                </Button>
              ) : n.kind === 'recycledAway' ? (
                <Button
                  size="sm"
                  variant="ghost"
                  onClick={() => {
                    navigate({ name: 'sea' });
                    onNavigate?.();
                  }}
                  data-testid="notice-open-sea"
                >
                  {t('notices.openSea')}
                </Button>
              ) : null}
              <Button size="sm" onClick={() => void dismiss([n.id])} data-testid="notice-dismiss">
                {t('notices.dismiss')}
              </Button>
            </div>
          </li>
        ))}
      </ul>
      {notices.length > 1 ? (
        <div className="tp-notices__foot">
          <button
            type="button"
            className="tp-linkbtn"
            onClick={() => void dismiss(notices.map((n) => n.id))}
            data-testid="notices-dismiss-all"
          >
            {t('notices.dismissAll')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
