import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../app/store';
import { formatNumber } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, EmptyState, Icon } from '../../../ui';
import { InitialSyncProgress } from '../../sync/components/InitialSyncProgress';
import { PageHeader } from '../../shell/components/PageHeader';
import { useTeamReps } from '../../team/hooks/useTeamReps';
import { AttrFilterBar } from '../../templates/components/AttrFilterBar';
import { useTemplateDefinitions } from '../../templates/hooks/useTemplates';
import {
  availableAttrColumns,
  readColumnPrefs,
  shownAttrColumns,
  writeColumnPrefs,
} from '../utils/attrColumns';
import { CustomerColumnChooser } from './CustomerColumnChooser';
import { useDebouncedValue } from '../hooks/useDebouncedValue';
import { CreateCustomerDialog } from './CreateCustomerDialog';
import { CustomerTable } from './CustomerTable';

const SEARCH_DEBOUNCE_MS = 250;

/** The private sea: search, count and the virtualised table. */
export function CustomerListPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const {
    query,
    total,
    error,
    locale,
    setQuery,
    navigate,
    invalidate,
    initialProgress,
    epoch,
    ensure,
    ownerId,
    setOwnerId,
    showToast,
    attrFilters,
    setAttrFilters,
    attrColumns,
    setAttrColumns,
    userId,
  } = useAppStore(
    useShallow((s) => ({
      attrFilters: s.customerAttrFilters,
      setAttrFilters: s.setCustomerAttrFilters,
      attrColumns: s.customerAttrColumns,
      setAttrColumns: s.setCustomerAttrColumns,
      userId: s.session?.user.id ?? null,
      ownerId: s.customerOwnerId,
      setOwnerId: s.setCustomerOwnerId,
      showToast: s.showToast,
      epoch: s.customerEpoch,
      ensure: s.ensureCustomerRows,
      query: s.customerQuery,
      total: s.customerTotal,
      error: s.customerError,
      locale: s.locale,
      setQuery: s.setCustomerQuery,
      navigate: s.navigate,
      invalidate: s.invalidateData,
      initialProgress: s.syncStatus?.initialProgress ?? null,
    })),
  );
  const [text, setText] = useState(query);
  const debounced = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  const searchRef = useRef<HTMLInputElement>(null);
  const [creating, setCreating] = useState(false);
  const { reps, managerial } = useTeamReps();
  const { versions } = useTemplateDefinitions();
  // Searchable fields of the customer templates: the optional columns and what the filter bar offers.
  const available = useMemo(() => availableAttrColumns(versions), [versions]);
  const shownColumns = useMemo(() => shownAttrColumns(attrColumns, available), [attrColumns, available]);

  useEffect(() => {
    // The user's own choice of columns, kept on this device (two reps sharing a laptop keep theirs).
    if (userId) setAttrColumns(readColumnPrefs(localStorage, userId));
  }, [userId, setAttrColumns]);
  const chooseColumns = (keys: string[]) => {
    if (userId) writeColumnPrefs(localStorage, userId, keys);
    setAttrColumns(keys);
  };

  useEffect(() => {
    setQuery(debounced.trim());
  }, [debounced, setQuery]);

  useEffect(() => {
    // The table asks for its own pages, but while an empty state stands in for it nobody would: keep
    // asking for page 0 on every data change, or a first sync landing after the first (empty) answer
    // would leave the list empty until a reload.
    if (total === 0) ensure(0, 0);
  }, [total, epoch, ensure]);

  useEffect(() => {
    // "/" jumps to search from anywhere on the list, as in most business tools.
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (
        e.key === '/' &&
        target &&
        !['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName) &&
        !document.querySelector('[role="dialog"]')
      ) {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const searching = query !== '' || ownerId !== null || attrFilters.length > 0;
  const body = (() => {
    if (error && total === null) {
      return (
        <EmptyState
          icon="alert"
          tone="danger"
          title={t('customers.loadError')}
          body={errorText(error)}
          action={
            <Button icon="sync" onClick={invalidate}>
              {t('common.retry')}
            </Button>
          }
          testId="customer-list-error"
        />
      );
    }
    if (total === 0 && searching) {
      return (
        <EmptyState
          icon="search"
          title={
            query
              ? t('customers.noMatch', { query })
              : attrFilters.length > 0
                ? t('filters.noMatch')
                : t('customers.noneForOwner')
          }
          body={t('customers.noMatchBody')}
          testId="customer-list-empty"
        />
      );
    }
    if ((total === 0 || total === null) && initialProgress) {
      // A first sync of a big book takes a while: say how far it is instead of "no customers".
      return (
        <div className="tp-initialsync__overlay">
          <InitialSyncProgress />
        </div>
      );
    }
    if (total === 0) {
      return (
        <EmptyState
          icon="customers"
          title={t('customers.empty')}
          body={t('customers.emptyBody')}
          action={
            <Button icon="plus" onClick={() => setCreating(true)}>
              {t('customerCreate.button')}
            </Button>
          }
          testId="customer-list-empty"
        />
      );
    }
    return <CustomerTable attrColumns={shownColumns} onOpen={(id) => navigate({ name: 'customer', id })} />;
  })();

  return (
    <div className="tp-page tp-page--fill">
      <PageHeader
        title={t('customers.title')}
        subtitle={
          <span data-testid="customer-count" data-count={total ?? undefined}>
            {total === null
              ? t('common.loading')
              : t(searching ? 'customers.countFiltered' : 'customers.count', {
                  n: formatNumber(total, locale),
                })}
          </span>
        }
      >
        {managerial ? (
          <select
            className="tp-input tp-select tp-filter"
            data-testid="customer-owner-filter"
            aria-label={t('customers.ownerFilter')}
            value={ownerId ?? ''}
            onChange={(e) => setOwnerId(e.target.value || null)}
          >
            <option value="">{t('customers.allOwners')}</option>
            {reps.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}
              </option>
            ))}
          </select>
        ) : null}
        <label className="tp-search">
          <Icon name="search" size={15} />
          <input
            ref={searchRef}
            type="search"
            className="tp-search__input"
            data-testid="customer-search"
            placeholder={t('customers.searchPlaceholder')}
            aria-label={t('customers.searchPlaceholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setText('');
            }}
          />
          <kbd className="tp-kbd">/</kbd>
        </label>
        <CustomerColumnChooser available={available} chosen={attrColumns} onChange={chooseColumns} />
        <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="new-customer">
          {t('customerCreate.button')}
        </Button>
      </PageHeader>
      <AttrFilterBar fields={available} filters={attrFilters} onChange={setAttrFilters} />
      <div className="tp-page__body">{body}</div>
      {creating ? (
        <CreateCustomerDialog
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            // Written locally with its outbox entry: the detail (and the list behind it) show it at once.
            invalidate();
            navigate({ name: 'customer', id });
          }}
          onClaimed={(name) => {
            setCreating(false);
            showToast(name ? t('duplicate.claimedNamed', { customer: name }) : t('duplicate.claimed'), {
              label: t('nav.sync'),
              route: { name: 'sync' },
            });
          }}
        />
      ) : null}
    </div>
  );
}
