import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { InboxAction, InboxItem } from '../../../../../shared/api/contract';
import { useAppStore } from '../../../app/store';
import { fieldLabel } from '../../../i18n/errors';
import { formatDateTime, formatRelativeTime } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Badge, Button, EmptyState, Icon, Skeleton, type IconName } from '../../../ui';
import { useNow } from '../../shell/hooks/useNow';
import {
  formatFieldValue,
  inboxActions,
  inboxBackInSea,
  inboxCustomerId,
  inboxRecordMissing,
  inboxReason,
  inboxValueRows,
  isMonoField,
  mutationLabel,
} from '../utils/inboxView';
import { inboxCount } from '../utils/syncView';

/** The DOM id the sync indicator's badge scrolls to. */
export const INBOX_ANCHOR_ID = 'sync-inbox';

/**
 * The conflicts-and-rejections inbox (issue 3 §8): every change the server did not take as it was, with
 * the record, the field, my value beside theirs, the reason and when, and the three ways out. Nothing
 * here is ever dropped without the user choosing to.
 */
export function InboxPanel() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { items, error, count, dataVersion, loadInbox } = useAppStore(
    useShallow((s) => ({
      items: s.inboxItems,
      error: s.inboxError,
      count: inboxCount(s.syncStatus),
      dataVersion: s.dataVersion,
      loadInbox: s.loadInbox,
    })),
  );

  // The counts in the status move when a pull delivers new conflicts or a resolution lands; data changes
  // can rename a record. Either refreshes the list.
  useEffect(() => {
    void loadInbox();
  }, [count, dataVersion, loadInbox]);

  return (
    <section
      className="tp-card tp-inbox"
      id={INBOX_ANCHOR_ID}
      data-testid="inbox"
      aria-labelledby="inbox-title"
    >
      <header className="tp-card__header tp-inbox__header">
        <div>
          <h2 className="tp-card__title" id="inbox-title">
            <Icon name="inbox" size={16} />
            {t('inbox.title')}
            {items && items.length > 0 ? <span className="tp-card__count">{items.length}</span> : null}
          </h2>
          <p className="tp-inbox__subtitle">{t('inbox.subtitle')}</p>
        </div>
      </header>
      {error && !items ? (
        <EmptyState
          icon="alert"
          tone="danger"
          title={t('inbox.loadError')}
          body={errorText(error)}
          action={<Button onClick={() => void loadInbox()}>{t('common.retry')}</Button>}
        />
      ) : !items ? (
        <div className="tp-inbox__loading" aria-busy="true">
          <Skeleton width="70%" />
          <Skeleton width="45%" />
        </div>
      ) : items.length === 0 ? (
        <EmptyState icon="check" title={t('inbox.empty')} body={t('inbox.emptyBody')} testId="inbox-empty" />
      ) : (
        <ul className="tp-inbox__list">
          {items.map((item) => (
            <InboxEntry key={item.id} item={item} />
          ))}
        </ul>
      )}
    </section>
  );
}

const ACTION_VIEW: Record<
  InboxAction,
  { testId: string; icon: IconName; variant: 'primary' | 'secondary' | 'ghost' }
> = {
  applyMine: { testId: 'inbox-apply-mine', icon: 'check', variant: 'primary' },
  keepTheirs: { testId: 'inbox-keep-theirs', icon: 'undo', variant: 'secondary' },
  discard: { testId: 'inbox-discard', icon: 'trash', variant: 'ghost' },
  claim: { testId: 'inbox-claim', icon: 'claim', variant: 'primary' },
  claimAndReapply: { testId: 'inbox-claim-reapply', icon: 'claim', variant: 'primary' },
};

function InboxEntry({ item }: { item: InboxItem }) {
  const { t, i18n } = useTranslation();
  const exists = (key: string) => i18n.exists(key);
  const errorText = useErrorText();
  const now = useNow(30_000);
  const customerId = inboxCustomerId(item);
  const { locale, navigate, busy, itemError, customerExists, resolve } = useAppStore(
    useShallow((s) => ({
      locale: s.locale,
      navigate: s.navigate,
      busy: s.inboxBusy[item.id] ?? null,
      itemError: s.inboxItemErrors[item.id] ?? null,
      customerExists: customerId ? (s.inboxCustomerExists[customerId] ?? true) : false,
      resolve: s.resolveInbox,
    })),
  );
  const rows = inboxValueRows(item);
  const conflict = item.kind === 'conflict';
  const label = item.rowLabel ?? t('inbox.unknownRecord');
  const reason = inboxReason(t, exists, item, locale);

  return (
    <li
      className={`tp-inboxitem tp-inboxitem--${item.kind}`}
      data-testid="inbox-item"
      data-kind={item.kind}
      data-id={item.id}
    >
      <div className="tp-inboxitem__head">
        <Badge tone={conflict ? 'warning' : 'danger'} dot>
          {t(`inbox.kinds.${item.kind}`)}
        </Badge>
        <span className="tp-inboxitem__mutation">{mutationLabel(t, exists, item.mutationName)}</span>
        <span className="tp-inboxitem__sep" aria-hidden="true">
          ·
        </span>
        {customerId && customerExists ? (
          <button
            type="button"
            className="tp-inboxitem__record tp-inboxitem__record--link"
            data-testid="inbox-record"
            onClick={() => navigate({ name: 'customer', id: customerId })}
            title={t('inbox.openCustomer')}
          >
            {label}
            <Icon name="chevronRight" size={13} />
          </button>
        ) : (
          <span className="tp-inboxitem__record" data-testid="inbox-record">
            {label}
            {customerId ? (
              <span className="tp-inboxitem__gone" data-missing={inboxRecordMissing(item)}>
                {t(
                  {
                    notSaved: 'inbox.recordNotSaved',
                    notClaimed: 'inbox.recordNotClaimed',
                    gone: 'inbox.recordGone',
                  }[inboxRecordMissing(item)],
                )}
              </span>
            ) : null}
          </span>
        )}
        <time
          className="tp-inboxitem__when"
          dateTime={new Date(item.at).toISOString()}
          title={formatDateTime(item.at, locale)}
        >
          {formatRelativeTime(item.at, now, locale)}
        </time>
      </div>

      <div
        className={`tp-inboxitem__reason tp-inboxitem__reason--${item.kind}`}
        data-testid="inbox-reason"
        data-code={item.reason.code}
      >
        <Icon name="alert" size={14} />
        <span>
          <span className="tp-inboxitem__reasonlabel">{t('inbox.reason')}</span>
          {reason}
        </span>
        {item.reason.message ? (
          <details className="tp-inboxitem__tech">
            <summary>{t('inbox.technical')}</summary>
            <code>{item.reason.message}</code>
          </details>
        ) : null}
      </div>

      {rows.length > 0 ? (
        <table className={`tp-compare${conflict ? '' : ' tp-compare--single'}`}>
          <thead>
            <tr>
              <th scope="col">{t('inbox.field')}</th>
              <th scope="col">{conflict ? t('inbox.mine') : t('inbox.myValues')}</th>
              {conflict ? <th scope="col">{t('inbox.theirs')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => {
              const mono = isMonoField(row.field) ? ' tp-mono' : '';
              return (
                <tr key={row.field} data-testid="inbox-field" data-field={row.field}>
                  <th scope="row">{fieldLabel(t, exists, row.field)}</th>
                  <td className={`tp-compare__mine${mono}`} data-testid="inbox-mine">
                    {formatFieldValue(t, locale, row.field, row.mine)}
                  </td>
                  {row.hasTheirs ? (
                    <td className={`tp-compare__theirs${mono}`} data-testid="inbox-theirs">
                      {formatFieldValue(t, locale, row.field, row.theirs)}
                    </td>
                  ) : null}
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}

      {inboxBackInSea(item, customerExists) ? (
        <p className="tp-inboxitem__hint" data-testid="inbox-reapply-hint">
          <Icon name="wave" size={14} />
          {t('inbox.reapplyHint')}
        </p>
      ) : null}

      {itemError ? (
        <div className="tp-banner tp-banner--danger" role="alert" data-testid="inbox-item-error">
          <Icon name="alert" size={16} />
          {t('inbox.resolveError', { reason: errorText(itemError) })}
        </div>
      ) : null}

      <div className="tp-inboxitem__actions">
        {inboxActions(item, customerExists).map((action) => {
          const view = ACTION_VIEW[action];
          return (
            <Button
              key={action}
              size="sm"
              variant={view.variant}
              icon={action === 'applyMine' && !conflict ? 'sync' : view.icon}
              busy={busy === action}
              disabled={busy !== null}
              onClick={() => void resolve(item.id, action)}
              data-testid={view.testId}
            >
              {action === 'applyMine' && !conflict
                ? t('inbox.retry')
                : action === 'claim'
                  ? t('inbox.claimInstead')
                  : t(`inbox.${action}`)}
            </Button>
          );
        })}
      </div>
    </li>
  );
}
