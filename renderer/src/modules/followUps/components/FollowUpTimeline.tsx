import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FollowUpItem } from '../../../../../shared/api/contract';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { recordRoute } from '../../../app/routes';
import { useAppStore } from '../../../app/store';
import { formatDate, formatDateTime, formatRelativeTime } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Badge, ConfirmDialog, EmptyState, Icon, type IconName } from '../../../ui';
import { listLabel } from '../../opportunities/utils/stages';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { useNow } from '../../shell/hooks/useNow';
import type { CustomerOptions } from '../hooks/useCustomerOptions';
import { sortTimeline } from '../utils/timeline';
import { EditFollowUpDialog } from './EditFollowUpDialog';
import { AttrSummary } from '../../templates/components/AttrSummary';

/** The icon of each follow-up type every org starts with; an org's own types use the "other" dots. */
export const FOLLOW_UP_ICON: Record<string, IconName> = {
  visit: 'visit',
  call: 'call',
  wechat: 'wechat',
  email: 'email',
  meeting: 'meeting',
  other: 'other',
};

export function followUpIcon(type: string): IconName {
  return FOLLOW_UP_ICON[type] ?? 'other';
}

/**
 * The customer's story, newest first; entries still on this device only carry a "pending sync" tag. The
 * author may correct or withdraw an entry while the org's edit window is open; after that it is locked.
 */
export function FollowUpTimeline({
  items,
  options,
  onChanged,
}: {
  items: readonly FollowUpItem[];
  /** The customer's contacts and opportunities, for the contact names and the edit form. */
  options?: CustomerOptions;
  /** An entry was corrected or withdrawn: the page reloads. */
  onChanged?: () => void;
}) {
  const { t } = useTranslation();
  const [editing, setEditing] = useState<FollowUpItem | null>(null);
  const [deleting, setDeleting] = useState<FollowUpItem | null>(null);
  if (items.length === 0) {
    return (
      <EmptyState
        icon="clock"
        title={t('customer.noFollowUps')}
        body={t('customer.noFollowUpsBody')}
        testId="followup-empty"
      />
    );
  }
  const contactName = (id: string | null) =>
    id ? (options?.contacts.find((c) => c.id === id)?.name ?? null) : null;
  return (
    <>
      <ol className="tp-timeline" data-testid="followup-timeline">
        {sortTimeline(items).map((f) => (
          <FollowUpEntry
            key={f.id}
            item={f}
            contactName={contactName(f.contactId)}
            onEdit={() => setEditing(f)}
            onDelete={() => setDeleting(f)}
          />
        ))}
      </ol>
      {editing ? (
        <EditFollowUpDialog
          item={editing}
          options={options}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            onChanged?.();
          }}
        />
      ) : null}
      {deleting ? (
        <DeleteFollowUpDialog
          item={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setDeleting(null);
            onChanged?.();
          }}
        />
      ) : null}
    </>
  );
}

/**
 * One follow-up as the timeline and the team feed show it: type, when, who, what was said, the outcome
 * and the next date; in the feed also the customer it was for.
 */
export function FollowUpEntry({
  item: f,
  contactName,
  showCustomer = false,
  onEdit,
  onDelete,
  testId = 'followup-item',
}: {
  item: FollowUpItem;
  contactName?: string | null;
  showCustomer?: boolean;
  onEdit?: () => void;
  onDelete?: () => void;
  testId?: string;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const navigate = useAppStore((s) => s.navigate);
  const settings = useOrgSettings();
  const now = useNow(30_000);
  const editable = f.editableUntil !== null && f.editableUntil > now;
  const locked = f.editableUntil !== null && !editable;
  return (
    <li
      className={`tp-timeline__item tp-timeline__item--${f.type}`}
      data-testid={testId}
      data-id={f.id}
      data-pending={String(f.pending)}
    >
      <span className="tp-timeline__icon" aria-hidden="true">
        <Icon name={followUpIcon(f.type)} size={15} />
      </span>
      <div className="tp-timeline__card">
        <div className="tp-timeline__meta">
          <span className="tp-timeline__type">{listLabel(settings.followUpTypes, f.type, locale)}</span>
          {showCustomer && f.customerName ? (
            <button
              type="button"
              className="tp-timeline__customer"
              data-testid="feed-customer"
              onClick={() => navigate(recordRoute('customer', f.customerId))}
            >
              {f.customerName}
            </button>
          ) : null}
          <time
            className="tp-timeline__time"
            dateTime={new Date(f.occurredAt).toISOString()}
            title={formatDateTime(f.occurredAt, locale)}
          >
            {formatDateTime(f.occurredAt, locale)}
            <span className="tp-muted"> · {formatRelativeTime(f.occurredAt, now, locale)}</span>
          </time>
          {f.pending ? (
            <Badge tone="warning" testId="followup-pending">
              <Icon name="arrowUp" size={11} />
              {t('followUp.pendingSync')}
            </Badge>
          ) : null}
          <span className="tp-timeline__author">
            {f.authorName ? t('followUp.by', { name: f.authorName }) : null}
            {editable && onEdit && onDelete ? (
              <span className="tp-timeline__actions">
                <button
                  type="button"
                  className="tp-iconbtn tp-timeline__action"
                  data-testid="followup-edit"
                  title={t('followUp.editUntil', { when: formatDateTime(f.editableUntil ?? now, locale) })}
                  aria-label={t('common.edit')}
                  onClick={onEdit}
                >
                  <Icon name="edit" size={13} />
                </button>
                <button
                  type="button"
                  className="tp-iconbtn tp-timeline__action"
                  data-testid="followup-delete"
                  title={t('common.delete')}
                  aria-label={t('common.delete')}
                  onClick={onDelete}
                >
                  <Icon name="trash" size={13} />
                </button>
              </span>
            ) : locked ? (
              <span
                className="tp-timeline__locked"
                data-testid="followup-locked"
                title={t('followUp.lockedHint')}
              >
                <Icon name="lock" size={12} />
                {t('followUp.locked')}
              </span>
            ) : null}
          </span>
        </div>
        {contactName || f.opportunityName ? (
          <div className="tp-timeline__refs">
            {contactName ? (
              <span data-testid="followup-contact-name">
                <Icon name="user" size={12} />
                {contactName}
              </span>
            ) : null}
            {f.opportunityName ? (
              <span data-testid="followup-opportunity-name">
                <Icon name="target" size={12} />
                {f.opportunityName}
              </span>
            ) : null}
          </div>
        ) : null}
        <p className="tp-timeline__content">{f.content}</p>
        <AttrSummary entity="followUp" attrs={f.attrs} testId="followup-attrs" />
        {f.outcome || f.nextFollowUpAt ? (
          <div className="tp-timeline__footer">
            {f.outcome ? (
              <span className="tp-timeline__outcome">
                <Icon name="flag" size={13} />
                {f.outcome}
              </span>
            ) : null}
            {f.nextFollowUpAt ? (
              <span
                className={
                  f.nextFollowUpAt < now
                    ? 'tp-timeline__next tp-timeline__next--overdue'
                    : 'tp-timeline__next'
                }
              >
                <Icon name="today" size={13} />
                {t('followUp.nextAt', { date: formatDate(f.nextFollowUpAt, locale) })}
              </span>
            ) : null}
          </div>
        ) : null}
      </div>
    </li>
  );
}

/** Withdrawing a follow-up (a soft delete the team stops seeing), confirmed first. */
function DeleteFollowUpDialog({
  item,
  onClose,
  onDeleted,
}: {
  item: FollowUpItem;
  onClose: () => void;
  onDeleted: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await getApi().call('followUps.delete', { id: item.id, customerId: item.customerId });
      onDeleted();
    } catch (err) {
      setError(errorText(toAppErrorData(err)));
      setBusy(false);
    }
  };
  return (
    <ConfirmDialog
      title={t('followUp.deleteTitle')}
      body={
        <>
          <p>{t('followUp.deleteBody')}</p>
          <blockquote className="tp-confirm__quote">{item.content}</blockquote>
        </>
      }
      confirmLabel={t('common.delete')}
      cancelLabel={t('common.cancel')}
      closeLabel={t('common.close')}
      busy={busy}
      error={error}
      onConfirm={() => void confirm()}
      onClose={onClose}
    />
  );
}
