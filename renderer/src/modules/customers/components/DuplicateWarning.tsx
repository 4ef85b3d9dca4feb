import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DuplicateMatch } from '../../../../../shared/domain/uniqueness';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, Icon } from '../../../ui';
import { claimableCustomerId, duplicateMessage } from '../utils/duplicates';

/**
 * The inline warning under a unique field (name, credit code, phone): who already has this customer —
 * the user ("已在你的客户中", with a link to it), a colleague ("已由 张伟 负责"), or nobody: it waits in
 * the public sea, and the user can claim it instead of capturing a duplicate.
 */
export function DuplicateWarning({
  field,
  match,
  offline,
  onClaimed,
  actionOnly = false,
}: {
  field: string;
  match: DuplicateMatch;
  /** Only this device's data was checked (offline). */
  offline: boolean;
  /** Only the way out (claim / open): the field's error message above already says who holds it. */
  actionOnly?: boolean;
  /** The claim was queued: the form has nothing left to save. */
  onClaimed: (customerName: string | null) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const navigate = useAppStore((s) => s.navigate);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const m = duplicateMessage(match);
  const claimId = claimableCustomerId(match);

  const claim = async () => {
    if (!claimId || busy) return;
    setBusy(true);
    setError(null);
    try {
      await getApi().call('customers.claim', { customerId: claimId, reason: t('duplicate.claimReason') });
      onClaimed(match.customerName ?? null);
    } catch (err) {
      setError(errorText(toAppErrorData(err)));
      setBusy(false);
    }
  };

  return (
    <div
      className={`tp-dupwarn tp-dupwarn--${match.holder}${actionOnly ? ' tp-dupwarn--action' : ''}`}
      role="status"
      data-testid={actionOnly ? `duplicate-action-${field}` : `duplicate-${field}`}
      data-holder={match.holder}
      data-online={String(!offline)}
    >
      {actionOnly ? null : <Icon name="alert" size={14} />}
      <span className="tp-dupwarn__text">
        {actionOnly ? null : t(`duplicate.${m.key}`, m.params)}
        {offline && !actionOnly ? (
          <span className="tp-dupwarn__offline">{t('duplicate.localOnly')}</span>
        ) : null}
        {error ? <span className="tp-dupwarn__error">{error}</span> : null}
      </span>
      {claimId ? (
        <Button size="sm" icon="claim" busy={busy} onClick={() => void claim()} data-testid="duplicate-claim">
          {t('duplicate.claim')}
        </Button>
      ) : match.holder === 'self' && match.customerId ? (
        <button
          type="button"
          className="tp-linkbtn"
          data-testid="duplicate-open"
          onClick={() => match.customerId && navigate({ name: 'customer', id: match.customerId })}
        >
          {t('duplicate.open')}
          <Icon name="chevronRight" size={12} />
        </button>
      ) : null}
    </div>
  );
}

/** Said once under the form when the check could only look at this device's data. */
export function DuplicateOfflineNote() {
  const { t } = useTranslation();
  return (
    <p className="tp-dupnote" data-testid="duplicate-offline">
      <Icon name="cloudOff" size={14} />
      {t('duplicate.offlineNote')}
    </p>
  );
}
