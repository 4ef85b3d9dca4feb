import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { AppErrorData } from '../../../../../shared/errors';
import type { PoolKind, PoolRow } from '../../../../../shared/pools/schema';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { Dialog, ErrorBanner, FormField, FormFooter, Icon, Spinner } from '../../../ui';
import { useOwnerTeamId, usePools } from '../hooks/usePools';
import { poolName } from '../utils/poolLabel';
import { defaultReleasePool, releaseTargets, validateReleaseForm } from '../utils/releaseForm';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * Release a customer to a public pool (SPEC §4): a required reason, kept in ownership history, and the
 * pool it goes to — the one it would go to anyway (its team's) unless the rep or manager picks another.
 * A mutation like any edit: written on this device at once (the customer leaves the private sea), sent
 * with the next sync, offline too.
 */
export function ReleaseCustomerDialog({
  customer,
  onClose,
  onReleased,
}: {
  customer: { id: string; name: string; kind: PoolKind; poolId: string | null; ownerId: string | null };
  onClose: () => void;
  /** After the release was written: the pool it went to (null: the server decides, none known here). */
  onReleased: (pool: PoolRow | null) => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const errorText = useErrorText();
  const { locale, me, online } = useAppStore(
    useShallow((s) => ({
      locale: s.locale,
      me: s.session?.user ?? null,
      online: s.syncStatus?.online ?? true,
    })),
  );
  const pools = usePools();
  const ownerTeamId = useOwnerTeamId(customer.ownerId);
  const targets = useMemo(() => (pools ? releaseTargets(pools, customer.kind) : []), [pools, customer.kind]);
  const fallback = useMemo(
    () => (pools ? (defaultReleasePool(pools, customer, ownerTeamId) ?? null) : null),
    [pools, customer, ownerTeamId],
  );
  const [picked, setPicked] = useState<string | null>(null);
  const chosen = picked ?? fallback?.id ?? targets[0]?.id ?? '';
  const [reason, setReason] = useState('');
  const [touched, setTouched] = useState({ reason: false, poolId: false });
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);

  const { errors } = validateReleaseForm(customer.id, reason, chosen, fallback?.id ?? null);
  const errorFor = useFieldError<'reason' | 'poolId'>({
    problems: errors,
    touched,
    submitted,
    serverError,
    serverField:
      serverError?.field === 'reason' || serverError?.field === 'poolId' ? serverError.field : null,
  });

  const label = (p: PoolRow) => {
    if (p.id !== fallback?.id) return poolName(p, locale);
    const key =
      ownerTeamId !== null && p.teamIds.includes(ownerTeamId)
        ? customer.ownerId === me?.id
          ? 'release.teamPool'
          : 'release.ownerTeamPool'
        : 'release.usualPool';
    return t(key, { name: poolName(p, locale) });
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    const result = validateReleaseForm(customer.id, reason, chosen, fallback?.id ?? null);
    if (!result.input) {
      document.getElementById(result.errors.poolId ? 'release-pool' : 'release-reason')?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      await getApi().call('customers.release', result.input);
      onReleased(targets.find((p) => p.id === chosen) ?? null);
    } catch (err) {
      setServerError(toAppErrorData(err));
      setSaving(false);
    }
  };

  const bannerError = serverError && serverError.field !== 'reason' && serverError.field !== 'poolId';
  const noPool = pools !== null && targets.length === 0;

  return (
    <Dialog
      title={t('release.title', { customer: customer.name })}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={520}
    >
      <form className="tp-form" data-testid="release-form" onSubmit={(e) => void submit(e)} noValidate>
        {bannerError ? (
          <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="release-error" />
        ) : null}
        <p className="tp-release__intro">{t('release.intro')}</p>
        {pools === null ? (
          <Spinner size={14} label={t('common.loading')} />
        ) : noPool ? (
          <div className="tp-banner tp-banner--warning" role="alert" data-testid="release-no-pool">
            <Icon name="alert" size={16} />
            <span>{t('release.noPool')}</span>
          </div>
        ) : (
          <FormField name="poolId" id="release-pool" label={t('release.pool')} error={errorFor('poolId')}>
            {(c) => (
              <select
                className="tp-input tp-select"
                data-testid="release-pool"
                data-default={fallback?.id}
                value={chosen}
                onChange={(e) => {
                  setPicked(e.target.value);
                  setTouched((tch) => ({ ...tch, poolId: true }));
                  if (serverError?.field === 'poolId') setServerError(null);
                }}
                {...c}
              >
                {targets.map((p) => (
                  <option key={p.id} value={p.id}>
                    {label(p)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        )}
        <FormField name="reason" id="release-reason" label={t('release.reason')} error={errorFor('reason')}>
          {(c) => (
            <textarea
              className="tp-input tp-textarea"
              data-testid="release-reason"
              rows={3}
              placeholder={t('release.reasonPlaceholder')}
              value={reason}
              data-autofocus
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
          note={online ? undefined : t('release.offlineNote')}
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={t('release.submit')}
          submitIcon="upload"
          busy={saving}
          submitTestId="release-submit"
        />
      </form>
    </Dialog>
  );
}
