import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { UserItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { describedBy, Dialog, ErrorBanner, Field, FormField, FormFooter, Icon, Spinner } from '../../../ui';
import { transferCandidates, validateTransferForm } from '../utils/transferForm';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/** How many reps the picker shows at once before it scrolls. */
const PICKER_ROWS = 7;

/**
 * A manager moves a customer to another rep of the team (SPEC §4): a searchable picker of the team's
 * reps and a required reason that goes into the ownership history. The move itself is a server
 * operation: it is queued here and takes effect, on every device concerned, after the next sync.
 * `assign` is the same choice for a customer in the public sea (`customers.assign`): nobody owns it yet.
 */
export function TransferCustomerDialog({
  customer,
  onClose,
  onSubmitted,
  mode = 'transfer',
}: {
  customer: { id: string; name: string; ownerId: string | null; ownerName: string | null };
  onClose: () => void;
  /** The move was queued, to the rep named. */
  onSubmitted: (to: { id: string; displayName: string }) => void;
  mode?: 'transfer' | 'assign';
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const errorText = useErrorText();
  const { me, locale } = useAppStore(useShallow((s) => ({ me: s.session?.user ?? null, locale: s.locale })));
  const [users, setUsers] = useState<UserItem[] | null>(null);
  const [loadError, setLoadError] = useState<AppErrorData | null>(null);
  const [query, setQuery] = useState('');
  const [toUserId, setToUserId] = useState('');
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState({ toUserId: false, reason: false });
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);

  useEffect(() => {
    let live = true;
    getApi()
      .call('users.list', {})
      .then(
        (list) => live && setUsers(list),
        (err: unknown) => live && setLoadError(toAppErrorData(err)),
      );
    return () => {
      live = false;
    };
  }, []);

  const candidates = useMemo(
    () => (users && me ? transferCandidates(users, me, customer.ownerId, query, locale) : []),
    [users, me, customer.ownerId, query, locale],
  );
  const { errors } = validateTransferForm(customer.id, toUserId, reason);
  const errorFor = useFieldError<'toUserId' | 'reason'>({
    problems: errors,
    touched,
    submitted,
    serverError,
    serverField:
      serverError?.field === 'toUserId' || serverError?.field === 'reason' ? serverError.field : null,
  });

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    const result = validateTransferForm(customer.id, toUserId, reason);
    if (!result.input) {
      document.getElementById(result.errors.toUserId ? 'transfer-to' : 'transfer-reason')?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      const input = result.input;
      if (mode === 'assign') await getApi().call('customers.assign', input);
      else await getApi().call('customers.transfer', input);
      const to = candidates.find((u) => u.id === input.toUserId);
      onSubmitted({ id: input.toUserId, displayName: to?.displayName ?? '' });
    } catch (err) {
      setServerError(toAppErrorData(err));
      setSaving(false);
    }
  };

  const bannerError = serverError && serverError.field !== 'toUserId' && serverError.field !== 'reason';

  return (
    <Dialog
      title={t(`${mode}.title`, { customer: customer.name })}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={520}
    >
      <form className="tp-form" data-testid={`${mode}-form`} onSubmit={(e) => void submit(e)} noValidate>
        {bannerError ? (
          <ErrorBanner message={errorText(serverError)} code={serverError.code} testId={`${mode}-error`} />
        ) : null}
        {customer.ownerName ? (
          <p className="tp-transfer__owner">
            <Icon name="user" size={14} />
            {t('transfer.currentOwner', { name: customer.ownerName })}
          </p>
        ) : null}
        <Field name="toUserId" label={t(`${mode}.to`)} htmlFor="transfer-to" error={errorFor('toUserId')}>
          <div className="tp-picker">
            <label className="tp-search tp-picker__search">
              <Icon name="search" size={15} />
              <input
                type="search"
                className="tp-search__input"
                data-testid={`${mode}-search`}
                placeholder={t('transfer.search')}
                aria-label={t('transfer.search')}
                value={query}
                onChange={(e) => setQuery(e.target.value)}
                data-autofocus
              />
            </label>
            {loadError ? (
              <div className="tp-picker__empty tp-danger-text">
                {t('errors.withField', {
                  field: t('transfer.loadUsersError'),
                  message: errorText(loadError),
                })}
              </div>
            ) : !users ? (
              <div className="tp-picker__empty">
                <Spinner size={14} />
              </div>
            ) : candidates.length === 0 ? (
              <div className="tp-picker__empty" data-testid={`${mode}-no-candidates`}>
                {t('transfer.noCandidates')}
              </div>
            ) : (
              // A native list box: arrow keys, type-ahead and screen readers work as everywhere else.
              <select
                id="transfer-to"
                className="tp-picker__list"
                data-testid={`${mode}-to`}
                size={Math.min(PICKER_ROWS, Math.max(2, candidates.length))}
                value={toUserId}
                onChange={(e) => {
                  setToUserId(e.target.value);
                  setTouched((tch) => ({ ...tch, toUserId: true }));
                  if (serverError?.field === 'toUserId') setServerError(null);
                }}
                aria-invalid={errorFor('toUserId') ? true : undefined}
                aria-describedby={describedBy('transfer-to', errorFor('toUserId'))}
              >
                {candidates.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.displayName}
                  </option>
                ))}
              </select>
            )}
          </div>
        </Field>
        <FormField name="reason" id="transfer-reason" label={t('transfer.reason')} error={errorFor('reason')}>
          {(c) => (
            <textarea
              className="tp-input tp-textarea"
              data-testid={`${mode}-reason`}
              rows={3}
              placeholder={t(`${mode}.reasonPlaceholder`)}
              value={reason}
              onChange={(e) => {
                setReason(e.target.value);
                setTouched((tch) => ({ ...tch, reason: true }));
                if (serverError?.field === 'reason') setServerError(null);
              }}
              {...c}
            />
          )}
        </FormField>
        <FormFooter
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={t(`${mode}.submit`)}
          submitIcon={mode === 'assign' ? 'claim' : 'transfer'}
          busy={saving}
          submitTestId={`${mode}-submit`}
        />
      </form>
    </Dialog>
  );
}
