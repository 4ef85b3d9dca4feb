import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { ContactRow } from '../../../../../shared/domain/rows';
import { followUpEditableUntil } from '../../../../../shared/mutations/followUps';
import { useAppStore } from '../../../app/store';
import { formatDate, formatDateTime, formatNumber, formatRelativeTime } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import type { AppErrorData } from '../../../../../shared/errors';
import { Avatar, Badge, Button, EmptyState, ErrorBanner, Icon, Skeleton } from '../../../ui';
import { FollowUpTimeline } from '../../followUps/components/FollowUpTimeline';
import { LogFollowUpDialog, type LoggedFollowUp } from '../../followUps/components/LogFollowUpDialog';
import type { CustomerOptions } from '../../followUps/hooks/useCustomerOptions';
import { ConvertLeadDialog } from '../../leads/components/ConvertLeadDialog';
import { LeadBanner } from '../../leads/components/LeadBanner';
import { LeadStatusBadge } from '../../leads/components/LeadStatusBadge';
import { OpportunitiesCard } from '../../opportunities/components/OpportunitiesCard';
import { LockedBadge, RecycleBadge } from '../../pools/components/RecycleBadge';
import { ReleaseCustomerDialog } from '../../pools/components/ReleaseCustomerDialog';
import { useCustomerPool } from '../../pools/hooks/usePools';
import { poolName } from '../../pools/utils/poolLabel';
import { recycleTone, recycleWording, ruleThreshold, ruleWording } from '../../pools/utils/recycleView';
import { canRelease } from '../../pools/utils/releaseForm';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { useNow } from '../../shell/hooks/useNow';
import { inboxReason } from '../../sync/utils/inboxView';
import { TasksCard } from '../../tasks/components/TasksCard';
import { AttrSummary } from '../../templates/components/AttrSummary';
import { BusinessProfileCard } from '../../templates/components/BusinessProfileCard';
import { useCustomerDetail, type CustomerDetail } from '../hooks/useCustomerDetail';
import { useRefusal } from '../hooks/useRefusal';
import { canTransfer } from '../utils/transferForm';
import { ContactDialog } from './ContactDialog';
import { CompanyMark, LevelBadge, StatusBadge } from './CustomerBadges';
import { EditCustomerDialog } from './EditCustomerDialog';
import { OwnershipHistory } from './OwnershipHistory';
import { TransferCustomerDialog } from './TransferCustomerDialog';

/**
 * One customer (or lead): who they are, their opportunities, everything that happened (newest first),
 * what is planned, who to talk to, and who owned them when. A lead shows the same page under a banner
 * with its status and the way to convert it.
 */
export function CustomerDetailPage({ customerId, asLead = false }: { customerId: string; asLead?: boolean }) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const { navigate, user, invalidate, locale, showToast } = useAppStore(
    useShallow((s) => ({
      locale: s.locale,
      navigate: s.navigate,
      user: s.session?.user ?? null,
      invalidate: s.invalidateData,
      showToast: s.showToast,
    })),
  );
  const settings = useOrgSettings();
  const { detail, error, loading, reload, addOptimistic } = useCustomerDetail(customerId);
  const [logging, setLogging] = useState(false);
  const [editing, setEditing] = useState(false);
  const [transferring, setTransferring] = useState(false);
  const [addingContact, setAddingContact] = useState(false);
  const [editingContact, setEditingContact] = useState<ContactRow | null>(null);
  const [converting, setConverting] = useState(false);
  const [releasing, setReleasing] = useState(false);
  const [locking, setLocking] = useState(false);
  const [lockError, setLockError] = useState<AppErrorData | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const now = useNow(60_000);
  const pool = useCustomerPool(detail ? detail.customer : null);
  const options = useMemo<CustomerOptions | undefined>(
    () => (detail ? { contacts: detail.contacts, opportunities: detail.opportunities } : undefined),
    [detail],
  );

  const refusal = useRefusal(customerId);
  const isLead = detail ? detail.customer.kind === 'lead' : asLead;
  const back = (
    <button
      type="button"
      className="tp-backlink"
      data-testid="detail-back"
      onClick={() => navigate(isLead ? { name: 'leads' } : { name: 'customers' })}
    >
      <Icon name="chevronLeft" size={15} />
      {isLead ? t('lead.backToList') : t('customer.backToList')}
    </button>
  );

  if (!detail) {
    return (
      <div className="tp-page">
        {back}
        {error?.code === 'not_found' ? (
          <NotFound customerId={customerId} onRetry={reload} />
        ) : error ? (
          <EmptyState
            icon="alert"
            tone="danger"
            title={t('customer.loadError')}
            body={errorText(error)}
            action={<Button onClick={reload}>{t('common.retry')}</Button>}
            testId="customer-detail-error"
          />
        ) : loading ? (
          <DetailSkeleton />
        ) : null}
      </div>
    );
  }

  const { customer, recycle } = detail;
  const changed = () => invalidate();
  const release = user ? canRelease(user, customer) : { allowed: false, reason: null };
  const managerial = canTransfer(user?.role);
  const ruleDays = recycle ? ruleThreshold(pool, recycle.rule, customer.level) : null;
  const toggleLock = async () => {
    if (locking) return;
    setLocking(true);
    setLockError(null);
    try {
      await getApi().call('customers.lock', { customerId: customer.id, locked: !customer.locked });
      setNotice(customer.locked ? t('lock.unlocked') : t('lock.locked'));
      // Written locally with its outbox entry: the reload shows the badge (and the countdown) at once.
      invalidate();
    } catch (err) {
      setLockError(toAppErrorData(err));
    } finally {
      setLocking(false);
    }
  };
  const claimed = (name: string | null) => {
    showToast(name ? t('duplicate.claimedNamed', { customer: name }) : t('duplicate.claimed'), {
      label: t('nav.sync'),
      route: { name: 'sync' },
    });
  };
  const onSaved = ({ id, input }: LoggedFollowUp) => {
    setLogging(false);
    const at = Date.now();
    addOptimistic({
      id,
      orgId: customer.orgId,
      customerId: customer.id,
      contactId: input.contactId ?? null,
      opportunityId: input.opportunityId ?? null,
      authorId: user?.id ?? customer.ownerId ?? customer.id,
      authorName: user?.displayName ?? null,
      type: input.type,
      content: input.content.trim(),
      outcome: input.outcome?.trim() || null,
      occurredAt: input.occurredAt,
      nextFollowUpAt: input.nextFollowUpAt ?? null,
      attrs: input.attrs ?? {},
      templateVersionId: input.templateVersionId ?? null,
      createdAt: at,
      updatedAt: at,
      version: 0,
      pending: true,
      editableUntil: followUpEditableUntil({ createdAt: at }, settings),
      customerName: null,
      opportunityName: detail.opportunities.find((o) => o.id === input.opportunityId)?.name ?? null,
    });
    invalidate();
  };

  return (
    <div className="tp-page" data-testid="customer-detail" data-id={customer.id} data-kind={customer.kind}>
      {back}
      <header className="tp-detailhead">
        <CompanyMark name={customer.shortName ?? customer.name} size={48} />
        <div className="tp-detailhead__text">
          <h1 className="tp-detailhead__name" data-testid="customer-name">
            {customer.name}
          </h1>
          <div className="tp-detailhead__meta">
            {customer.shortName ? <span className="tp-detailhead__short">{customer.shortName}</span> : null}
            {isLead ? (
              <LeadStatusBadge status={customer.leadStatus ?? 'new'} />
            ) : (
              <>
                {customer.level ? <LevelBadge level={customer.level} /> : null}
                <StatusBadge status={customer.status} />
              </>
            )}
            <Badge tone={customer.poolState === 'private' ? 'neutral' : 'violet'}>
              {t(`customer.poolState.${customer.poolState}`)}
            </Badge>
            {customer.locked ? <LockedBadge /> : null}
            {recycle ? <RecycleBadge countdown={recycle} now={now} ruleDays={ruleDays} /> : null}
            {customer.convertedAt ? (
              <Badge tone="violet" title={formatDateTime(customer.convertedAt, locale)}>
                {t('lead.convertedOn', { date: formatDate(customer.convertedAt, locale) })}
              </Badge>
            ) : null}
          </div>
        </div>
        <div className="tp-detailhead__actions">
          {managerial && customer.poolState === 'private' ? (
            <Button
              variant="ghost"
              icon="lock"
              busy={locking}
              onClick={() => void toggleLock()}
              title={customer.locked ? t('lock.unlockTitle') : t('lock.lockTitle')}
              data-testid="lock-customer"
              data-locked={String(customer.locked)}
            >
              {customer.locked ? t('lock.unlock') : t('lock.lock')}
            </Button>
          ) : null}
          {managerial && !isLead ? (
            <Button icon="transfer" onClick={() => setTransferring(true)} data-testid="transfer-customer">
              {t('transfer.button')}
            </Button>
          ) : null}
          {customer.poolState === 'private' && release.reason !== 'notOwner' ? (
            <Button
              icon="upload"
              onClick={() => setReleasing(true)}
              disabled={!release.allowed}
              title={release.reason === 'locked' ? t('release.lockedHint') : undefined}
              data-testid="release-customer"
            >
              {t('release.button')}
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

      {refusal ? (
        <div
          className="tp-banner tp-banner--danger tp-detailnotice"
          role="alert"
          data-testid="customer-refused-banner"
          data-code={refusal.reason.code}
        >
          <Icon name="alert" size={16} />
          <span>
            <strong>{t('customer.refusedBanner')}</strong>{' '}
            {inboxReason(t, (k) => i18n.exists(k), refusal, locale)}
          </span>
          <Button
            size="sm"
            icon="inbox"
            onClick={() => navigate({ name: 'sync' })}
            data-testid="customer-refused-inbox"
          >
            {t('customer.openInbox')}
          </Button>
        </div>
      ) : null}

      {isLead ? (
        <LeadBanner lead={customer} onChanged={changed} onConvert={() => setConverting(true)} />
      ) : null}

      {recycle && recycleTone(recycle, now) !== 'calm' ? (
        <div
          className={`tp-banner tp-banner--${recycleTone(recycle, now) === 'danger' ? 'danger' : 'warning'} tp-detailnotice`}
          role="status"
          data-testid="recycle-banner"
        >
          <Icon name="clock" size={16} />
          <span>
            {(() => {
              const w = recycleWording(recycle, now);
              const r = ruleWording(recycle.rule, ruleDays);
              return t('recycle.banner', { countdown: t(w.key, w.params), rule: t(r.key, r.params) });
            })()}{' '}
            {t('recycle.resetHint')}
          </span>
          <Button size="sm" icon="plus" onClick={() => setLogging(true)} data-testid="recycle-banner-log">
            {t('followUp.log')}
          </Button>
        </div>
      ) : null}

      {lockError ? (
        <ErrorBanner message={errorText(lockError)} code={lockError.code} testId="lock-error" />
      ) : null}

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

      <BusinessProfileCard
        record={customer}
        onSaved={() => {
          setNotice(t('templates.profileSaved'));
          // Written locally with its outbox entry: the reload shows the new values at once.
          invalidate();
        }}
      />

      <div className="tp-detailgrid">
        <div className="tp-detailgrid__main">
          {isLead ? null : (
            <OpportunitiesCard
              customer={{ id: customer.id, name: customer.shortName ?? customer.name }}
              opportunities={detail.opportunities}
              stageChanges={detail.stageChanges}
              onChanged={changed}
            />
          )}
          <section className="tp-card">
            <header className="tp-card__header">
              <h2 className="tp-card__title">
                <Icon name="clock" size={16} />
                {t('customer.timeline')}
                <span className="tp-card__count">{formatNumber(detail.followUps.length, locale)}</span>
              </h2>
            </header>
            <div className="tp-card__body">
              <FollowUpTimeline items={detail.followUps} options={options} onChanged={changed} />
            </div>
          </section>
        </div>
        <div className="tp-detailgrid__side">
          <TasksCard
            customer={{
              id: customer.id,
              name: customer.shortName ?? customer.name,
              ownerId: customer.ownerId,
            }}
            tasks={detail.tasks}
            options={options ?? { contacts: [], opportunities: [] }}
            onChanged={changed}
          />
          <section className="tp-card">
            <header className="tp-card__header">
              <h2 className="tp-card__title">
                <Icon name="user" size={16} />
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
            <Contacts contacts={detail.contacts} onEdit={setEditingContact} />
          </section>
          <section className="tp-card" data-testid="ownership">
            <header className="tp-card__header">
              <h2 className="tp-card__title">
                <Icon name="history" size={16} />
                {t('ownership.title')}
              </h2>
            </header>
            <OwnershipHistory items={detail.ownership} />
          </section>
        </div>
      </div>

      {logging ? (
        <LogFollowUpDialog
          customerId={customer.id}
          customerName={customer.shortName ?? customer.name}
          options={options}
          onClose={() => setLogging(false)}
          onSaved={onSaved}
        />
      ) : null}
      {editing ? (
        <EditCustomerDialog
          customer={customer}
          checkDuplicates={!isLead}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            setNotice(t('customerEdit.saved'));
            // The core wrote the edit locally (with the outbox entry): reload shows it at once.
            invalidate();
          }}
          onClaimed={(name) => {
            setEditing(false);
            claimed(name);
          }}
        />
      ) : null}
      {addingContact ? (
        <ContactDialog
          customer={customer}
          onClose={() => setAddingContact(false)}
          onSaved={() => {
            setAddingContact(false);
            setNotice(t('contact.saved'));
            invalidate();
          }}
        />
      ) : null}
      {editingContact ? (
        <ContactDialog
          customer={customer}
          contact={editingContact}
          onClose={() => setEditingContact(null)}
          onSaved={() => {
            setEditingContact(null);
            setNotice(t('contact.updated'));
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
      {releasing ? (
        <ReleaseCustomerDialog
          customer={{
            id: customer.id,
            name: customer.shortName ?? customer.name,
            kind: customer.kind,
            poolId: customer.poolId,
            ownerId: customer.ownerId,
          }}
          onClose={() => setReleasing(false)}
          onReleased={(target) => {
            setReleasing(false);
            // Written on this device: the customer left the private sea, so its page has nothing to show.
            invalidate();
            showToast(
              t('release.done', {
                customer: customer.shortName ?? customer.name,
                pool: target ? poolName(target, locale) : t('ownership.publicSea'),
              }),
              { label: t('nav.sea'), route: { name: 'sea' } },
            );
            navigate(isLead ? { name: 'leads' } : { name: 'customers' });
          }}
        />
      ) : null}
      {converting ? (
        <ConvertLeadDialog
          lead={customer}
          onClose={() => setConverting(false)}
          onConverted={(id) => {
            setConverting(false);
            invalidate();
            showToast(t('lead.converted', { customer: customer.name }));
            navigate({ name: 'customer', id });
          }}
          onClaimed={(name) => {
            setConverting(false);
            claimed(name);
          }}
        />
      ) : null}
    </div>
  );
}

/**
 * A record that is not (or no longer) on this device. When its create was refused by the server (a
 * duplicate, say), the inbox says why and keeps the values: say so and link there, rather than leaving a
 * blank page.
 */
function NotFound({ customerId, onRetry }: { customerId: string; onRetry: () => void }) {
  const { t, i18n } = useTranslation();
  const navigate = useAppStore((s) => s.navigate);
  const locale = useAppStore((s) => s.locale);
  const refusal = useRefusal(customerId, true);
  if (refusal === undefined) return <DetailSkeleton />;
  if (refusal) {
    return (
      <div className="tp-refused" data-testid="customer-refused" data-code={refusal.reason.code}>
        <EmptyState
          icon="inbox"
          tone="danger"
          title={t('customer.refusedTitle', { name: refusal.rowLabel ?? t('inbox.unknownRecord') })}
          body={
            <>
              <span className="tp-refused__reason">
                {inboxReason(t, (k) => i18n.exists(k), refusal, locale)}
              </span>
              <br />
              {t('customer.refusedBody')}
            </>
          }
          action={
            <Button
              variant="primary"
              icon="inbox"
              onClick={() => navigate({ name: 'sync' })}
              data-testid="customer-refused-inbox"
            >
              {t('customer.openInbox')}
            </Button>
          }
        />
      </div>
    );
  }
  return (
    <EmptyState
      icon="customers"
      title={t('customer.notFound')}
      action={<Button onClick={onRetry}>{t('common.retry')}</Button>}
      testId="customer-detail-error"
    />
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

function Contacts({
  contacts,
  onEdit,
}: {
  contacts: readonly ContactRow[];
  onEdit: (contact: ContactRow) => void;
}) {
  const { t } = useTranslation();
  if (contacts.length === 0) return <EmptyState icon="user" title={t('customer.noContacts')} />;
  const sorted = [...contacts].sort(
    (a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.name.localeCompare(b.name),
  );
  return (
    <ul className="tp-contacts" data-testid="contact-list">
      {sorted.map((c) => (
        <li key={c.id} className="tp-contact" data-testid="contact-item" data-id={c.id}>
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
            <AttrSummary entity="contact" attrs={c.attrs} max={3} testId="contact-attrs" />
          </div>
          <button
            type="button"
            className="tp-iconbtn tp-contact__edit"
            onClick={() => onEdit(c)}
            aria-label={t('contact.editLabel', { name: c.name })}
            title={t('contact.editLabel', { name: c.name })}
            data-testid="contact-edit"
          >
            <Icon name="edit" size={14} />
          </button>
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
