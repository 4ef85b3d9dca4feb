import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { ContactRow } from '../../../../../shared/domain/rows';
import { useAppStore } from '../../../app/store';
import { formatDate, formatDateTime, formatNumber, formatRelativeTime } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Avatar, Badge, Button, EmptyState, Icon, Skeleton } from '../../../ui';
import { FollowUpTimeline } from '../../followUps/components/FollowUpTimeline';
import { LogFollowUpDialog, type LoggedFollowUp } from '../../followUps/components/LogFollowUpDialog';
import { useNow } from '../../shell/hooks/useNow';
import { useCustomerDetail, type CustomerDetail } from '../hooks/useCustomerDetail';
import { canTransfer } from '../utils/transferForm';
import { CompanyMark, LevelBadge, StatusBadge } from './CustomerBadges';
import { AddContactDialog } from './AddContactDialog';
import { EditCustomerDialog } from './EditCustomerDialog';
import { TransferCustomerDialog } from './TransferCustomerDialog';

/** One customer: who they are, who to talk to, and everything that happened, newest first. */
export function CustomerDetailPage({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { navigate, user, invalidate, locale } = useAppStore(
    useShallow((s) => ({
      locale: s.locale,
      navigate: s.navigate,
      user: s.session?.user ?? null,
      invalidate: s.invalidateData,
    })),
  );
  const { detail, error, loading, reload, addOptimistic } = useCustomerDetail(customerId);
  const [logging, setLogging] = useState(false);
  const [editing, setEditing] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [addingContact, setAddingContact] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);

  const back = (
    <button type="button" className="tp-backlink" onClick={() => navigate({ name: 'customers' })}>
      <Icon name="chevronLeft" size={15} />
      {t('customer.backToList')}
    </button>
  );

  if (!detail) {
    return (
      <div className="tp-page">
        {back}
        {error ? (
          <EmptyState
            icon={error.code === 'not_found' ? 'customers' : 'alert'}
            tone={error.code === 'not_found' ? 'neutral' : 'danger'}
            title={error.code === 'not_found' ? t('customer.notFound') : t('customer.loadError')}
            body={error.code === 'not_found' ? undefined : errorText(error)}
            action={<Button onClick={reload}>{t('common.retry')}</Button>}
            testId="customer-detail-error"
          />
        ) : loading ? (
          <DetailSkeleton />
        ) : null}
      </div>
    );
  }

  const { customer } = detail;
  const onSaved = ({ id, input }: LoggedFollowUp) => {
    setLogging(false);
    const at = Date.now();
    addOptimistic({
      id,
      orgId: customer.orgId,
      customerId: customer.id,
      contactId: null,
      authorId: user?.id ?? customer.ownerId ?? customer.id,
      authorName: user?.displayName ?? null,
      type: input.type,
      content: input.content.trim(),
      outcome: input.outcome?.trim() || null,
      occurredAt: input.occurredAt,
      nextFollowUpAt: input.nextFollowUpAt ?? null,
      createdAt: at,
      updatedAt: at,
      version: 0,
      pending: true,
    });
    invalidate();
  };

  return (
    <div className="tp-page" data-testid="customer-detail" data-id={customer.id}>
      {back}
      <header className="tp-detailhead">
        <CompanyMark name={customer.shortName ?? customer.name} size={48} />
        <div className="tp-detailhead__text">
          <h1 className="tp-detailhead__name" data-testid="customer-name">
            {customer.name}
          </h1>
          <div className="tp-detailhead__meta">
            {customer.shortName ? <span className="tp-detailhead__short">{customer.shortName}</span> : null}
            <LevelBadge level={customer.level} />
            <StatusBadge status={customer.status} />
            <Badge tone={customer.poolState === 'private' ? 'neutral' : 'violet'}>
              {t(`customer.poolState.${customer.poolState}`)}
            </Badge>
          </div>
        </div>
        <div className="tp-detailhead__actions">
          {canTransfer(user?.role) ? (
            <Button icon="transfer" onClick={() => setTransferring(true)} data-testid="transfer-customer">
              {t('transfer.button')}
            </Button>
          ) : null}
          <Button icon="edit" onClick={() => setEditing(true)} data-testid="edit-customer">
            {t('common.edit')}
          </Button>
          <Button variant="primary" icon="plus" onClick={() => setLogging(true)} data-testid="log-followup">
            {t('followUp.log')}
          </Button>
        </div>
      </header>

      {notice ? (
        <div
          className="tp-banner tp-banner--info tp-detailnotice"
          role="status"
          data-testid="customer-notice"
        >
          <Icon name="check" size={16} />
          <span>{notice}</span>
          <button
            type="button"
            className="tp-iconbtn tp-detailnotice__close"
            onClick={() => setNotice(null)}
            aria-label={t('common.close')}
          >
            <Icon name="close" size={14} />
          </button>
        </div>
      ) : null}

      <BaseInfo detail={detail} />

      <div className="tp-detailgrid">
        <section className="tp-card">
          <header className="tp-card__header">
            <h2 className="tp-card__title">
              {t('customer.timeline')}
              <span className="tp-card__count">{formatNumber(detail.followUps.length, locale)}</span>
            </h2>
          </header>
          <div className="tp-card__body">
            <FollowUpTimeline items={detail.followUps} />
          </div>
        </section>
        <section className="tp-card">
          <header className="tp-card__header">
            <h2 className="tp-card__title">
              {t('customer.contacts')}
              <span className="tp-card__count">{formatNumber(detail.contacts.length, locale)}</span>
            </h2>
            <Button
              variant="ghost"
              size="sm"
              icon="plus"
              onClick={() => setAddingContact(true)}
              data-testid="add-contact"
            >
              {t('contact.add')}
            </Button>
          </header>
          <Contacts contacts={detail.contacts} />
        </section>
      </div>

      {logging ? (
        <LogFollowUpDialog
          customerId={customer.id}
          customerName={customer.shortName ?? customer.name}
          onClose={() => setLogging(false)}
          onSaved={onSaved}
        />
      ) : null}
      {editing ? (
        <EditCustomerDialog
          customer={customer}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setNotice(t('customerEdit.saved'));
            // The core wrote the edit locally (with the outbox entry): reload shows it at once.
            invalidate();
          }}
        />
      ) : null}
      {addingContact ? (
        <AddContactDialog
          customer={customer}
          onClose={() => setAddingContact(false)}
          onSaved={() => {
            setAddingContact(false);
            setNotice(t('contact.saved'));
            invalidate();
          }}
        />
      ) : null}
      {transferring ? (
        <TransferCustomerDialog
          customer={customer}
          onClose={() => setTransferring(false)}
          onSubmitted={() => {
            setTransferring(false);
            setNotice(t('transfer.submitted'));
            invalidate();
          }}
        />
      ) : null}
    </div>
  );
}

function BaseInfo({ detail }: { detail: CustomerDetail }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const now = useNow(60_000);
  const c = detail.customer;
  const items: { key: string; value: ReactNode }[] = [
    { key: 'industry', value: c.industry },
    { key: 'region', value: c.region },
    { key: 'phone', value: c.phone ? <span className="tp-mono">{c.phone}</span> : null },
    { key: 'owner', value: c.ownerName },
    { key: 'creditCode', value: c.creditCode ? <span className="tp-mono">{c.creditCode}</span> : null },
    { key: 'source', value: c.source },
    {
      key: 'lastFollowUpAt',
      value: c.lastFollowUpAt ? (
        <span title={formatDateTime(c.lastFollowUpAt, locale)}>
          {formatRelativeTime(c.lastFollowUpAt, now, locale)}
        </span>
      ) : null,
    },
    { key: 'claimedAt', value: c.claimedAt ? formatDate(c.claimedAt, locale) : null },
    { key: 'address', value: c.address },
    {
      key: 'website',
      value: c.website ? <span className="tp-mono">{c.website}</span> : null,
    },
    { key: 'createdAt', value: formatDate(c.createdAt, locale) },
  ];
  return (
    <section className="tp-card">
      <header className="tp-card__header">
        <h2 className="tp-card__title">{t('customer.baseInfo')}</h2>
      </header>
      <dl className="tp-infogrid">
        {items.map((item) => (
          <div key={item.key} className={`tp-infogrid__item tp-infogrid__item--${item.key}`}>
            <dt>{t(`customer.fields.${item.key}`)}</dt>
            <dd>{item.value ?? <span className="tp-muted">—</span>}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function Contacts({ contacts }: { contacts: readonly ContactRow[] }) {
  const { t } = useTranslation();
  if (contacts.length === 0) return <EmptyState icon="user" title={t('customer.noContacts')} />;
  const sorted = [...contacts].sort(
    (a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.name.localeCompare(b.name),
  );
  return (
    <ul className="tp-contacts" data-testid="contact-list">
      {sorted.map((c) => (
        <li key={c.id} className="tp-contact" data-testid="contact-item">
          <Avatar name={c.name} size={32} />
          <div className="tp-contact__text">
            <div className="tp-contact__name">
              {c.name}
              {c.isPrimary ? <Badge tone="brand">{t('customer.primaryContact')}</Badge> : null}
            </div>
            {c.title ? <div className="tp-contact__title">{c.title}</div> : null}
            <div className="tp-contact__lines">
              {c.phone ? (
                <span>
                  <Icon name="call" size={12} />
                  <span className="tp-mono">{c.phone}</span>
                </span>
              ) : null}
              {c.email ? (
                <span>
                  <Icon name="mail" size={12} />
                  {c.email}
                </span>
              ) : null}
              {c.wechat ? (
                <span>
                  <Icon name="wechat" size={12} />
                  {c.wechat}
                </span>
              ) : null}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}

function DetailSkeleton() {
  return (
    <div className="tp-detailskeleton" aria-busy="true">
      <div className="tp-detailhead">
        <Skeleton width={48} height={48} />
        <div className="tp-detailhead__text">
          <Skeleton width={280} height={20} />
          <Skeleton width={180} height={12} />
        </div>
      </div>
      <div className="tp-card" style={{ padding: 20, display: 'grid', gap: 12 }}>
        <Skeleton width="60%" />
        <Skeleton width="80%" />
        <Skeleton width="40%" />
      </div>
    </div>
  );
}
