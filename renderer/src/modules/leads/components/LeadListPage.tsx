import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../../app/store';
import { formatNumber } from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, EmptyState, Icon } from '../../../ui';
import { useDebouncedValue } from '../../customers/hooks/useDebouncedValue';
import { PageHeader } from '../../shell/components/PageHeader';
import { isLeadStatusFilter, LEAD_STATUS_FILTERS } from '../utils/leadView';
import { CreateLeadDialog } from './CreateLeadDialog';
import { LeadTable } from './LeadTable';

const SEARCH_DEBOUNCE_MS = 250;

/** The lead pool: prospects not yet verified, to qualify and convert (SPEC §2 Lead, §9 Leads). */
export function LeadListPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { query, status, total, error, epoch, locale, setQuery, setStatus, ensure, navigate, invalidate } =
    useAppStore(
      useShallow((s) => ({
        query: s.leadQuery,
        status: s.leadStatus,
        total: s.leadTotal,
        error: s.leadError,
        epoch: s.customerEpoch,
        locale: s.locale,
        setQuery: s.setLeadQuery,
        setStatus: s.setLeadStatus,
        ensure: s.ensureLeadRows,
        navigate: s.navigate,
        invalidate: s.invalidateData,
      })),
    );
  const [text, setText] = useState(query);
  const debounced = useDebouncedValue(text, SEARCH_DEBOUNCE_MS);
  const [creating, setCreating] = useState(false);
  const searchRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    setQuery(debounced.trim());
  }, [debounced, setQuery]);

  useEffect(() => {
    // While the empty state stands in for the table, nobody else asks for page 0 on data changes.
    if (total === 0) ensure(0, 0);
  }, [total, epoch, ensure]);

  useEffect(() => {
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

  const filtered = query !== '' || status !== 'open';
  const body = (() => {
    if (error && total === null) {
      return (
        <EmptyState
          icon="alert"
          tone="danger"
          title={t('lead.loadError')}
          body={errorText(error)}
          action={
            <Button icon="sync" onClick={invalidate}>
              {t('common.retry')}
            </Button>
          }
          testId="lead-list-error"
        />
      );
    }
    if (total === 0) {
      return filtered ? (
        <EmptyState
          icon="search"
          title={t('lead.noMatch')}
          body={t('lead.noMatchBody')}
          testId="lead-list-empty"
        />
      ) : (
        <EmptyState
          icon="lead"
          title={t('lead.empty')}
          body={t('lead.emptyBody')}
          action={
            <Button icon="plus" onClick={() => setCreating(true)}>
              {t('lead.new')}
            </Button>
          }
          testId="lead-list-empty"
        />
      );
    }
    return <LeadTable onOpen={(id) => navigate({ name: 'lead', id })} />;
  })();

  return (
    <div className="tp-page tp-page--fill">
      <PageHeader
        title={t('lead.title')}
        subtitle={
          <span data-testid="lead-count" data-count={total ?? undefined}>
            {total === null ? t('common.loading') : t('lead.count', { n: formatNumber(total, locale) })}
          </span>
        }
      >
        <select
          className="tp-input tp-select tp-filter"
          data-testid="lead-status-filter"
          aria-label={t('lead.statusFilter')}
          value={status}
          onChange={(e) => isLeadStatusFilter(e.target.value) && setStatus(e.target.value)}
        >
          {LEAD_STATUS_FILTERS.map((s) => (
            <option key={s} value={s}>
              {t(`lead.filter.${s}`)}
            </option>
          ))}
        </select>
        <label className="tp-search">
          <Icon name="search" size={15} />
          <input
            ref={searchRef}
            type="search"
            className="tp-search__input"
            data-testid="lead-search"
            placeholder={t('lead.searchPlaceholder')}
            aria-label={t('lead.searchPlaceholder')}
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setText('');
            }}
          />
          <kbd className="tp-kbd">/</kbd>
        </label>
        <Button variant="primary" icon="plus" onClick={() => setCreating(true)} data-testid="new-lead">
          {t('lead.new')}
        </Button>
      </PageHeader>
      <div className="tp-page__body">{body}</div>
      {creating ? (
        <CreateLeadDialog
          onClose={() => setCreating(false)}
          onCreated={(id) => {
            setCreating(false);
            invalidate();
            navigate({ name: 'lead', id });
          }}
        />
      ) : null}
    </div>
  );
}
