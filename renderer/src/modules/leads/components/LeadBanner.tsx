import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerRow } from '../../../../../shared/domain/rows';
import { SETTABLE_LEAD_STATUSES } from '../../../../../shared/mutations/customers';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, Icon, Spinner } from '../../../ui';

/**
 * Above a lead's detail: it is a lead (not yet a customer), where the rep is with it (a status they set
 * by hand) and the way forward — Convert, which makes it a customer with its history.
 */
export function LeadBanner({
  lead,
  onChanged,
  onConvert,
}: {
  lead: Pick<CustomerRow, 'id' | 'leadStatus'>;
  onChanged: () => void;
  onConvert: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const status = lead.leadStatus ?? 'new';

  const setStatus = async (next: string) => {
    if (next === status) return;
    setBusy(true);
    setError(null);
    try {
      await getApi().call('customers.update', {
        id: lead.id,
        set: { leadStatus: next as (typeof SETTABLE_LEAD_STATUSES)[number] },
        base: { leadStatus: lead.leadStatus },
      });
      onChanged();
    } catch (err) {
      setError(errorText(toAppErrorData(err)));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="tp-leadbanner" data-testid="lead-banner" data-status={status}>
      <span className="tp-leadbanner__icon" aria-hidden="true">
        <Icon name="lead" size={18} />
      </span>
      <div className="tp-leadbanner__text">
        <strong>{t('lead.bannerTitle')}</strong>
        <span>{t('lead.bannerBody')}</span>
        {error ? (
          <span className="tp-danger-text" role="alert" data-testid="lead-status-error">
            {error}
          </span>
        ) : null}
      </div>
      {status === 'converted' ? null : (
        <>
          <label className="tp-leadbanner__status">
            <span>{t('lead.fields.leadStatus')}</span>
            <select
              className="tp-input tp-select"
              data-testid="lead-status"
              value={status}
              disabled={busy}
              onChange={(e) => void setStatus(e.target.value)}
            >
              {SETTABLE_LEAD_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`lead.status.${s}`)}
                </option>
              ))}
            </select>
            {busy ? <Spinner size={14} /> : null}
          </label>
          <Button variant="primary" icon="convert" onClick={onConvert} data-testid="convert-lead">
            {t('lead.convert')}
          </Button>
        </>
      )}
    </div>
  );
}
