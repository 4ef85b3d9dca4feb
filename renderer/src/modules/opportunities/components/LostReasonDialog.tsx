import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../../app/store';
import { Dialog, ErrorBanner, FormField, FormFooter, hasModKey, ShortcutHint } from '../../../ui';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { listLabel } from '../utils/stages';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * Why it was lost: a lost stage needs one of the org's active lost reasons (win-rate analysis counts
 * them). Asked before the move is sent; Esc keeps the opportunity where it was.
 */
export function LostReasonDialog({
  opportunityName,
  busy,
  error,
  onConfirm,
  onClose,
}: {
  opportunityName: string;
  busy: boolean;
  /** The core's refusal, already in words. */
  error: { message: string; code: string } | null;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const locale = useAppStore((s) => s.locale);
  const settings = useOrgSettings();
  const reasons = settings.lostReasons.filter((r) => r.active);
  const [reason, setReason] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const missing = reason === '';

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    setSubmitted(true);
    if (missing) {
      document.getElementById('lost-reason')?.focus();
      return;
    }
    if (!busy) onConfirm(reason);
  };

  return (
    <Dialog
      title={t('opportunity.lostTitle', { name: opportunityName })}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={460}
    >
      <form
        className="tp-form"
        data-testid="lost-reason-form"
        noValidate
        onSubmit={submit}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hasModKey(e)) {
            e.preventDefault();
            submit();
          }
        }}
      >
        {error ? <ErrorBanner message={error.message} code={error.code} testId="lost-reason-error" /> : null}
        <p className="tp-muted">{t('opportunity.lostBody')}</p>
        <FormField
          name="lostReason"
          id="lost-reason"
          label={t('opportunity.fields.lostReason')}
          error={submitted && missing ? t('validation.chooseOne') : null}
        >
          {(c) => (
            <select
              className="tp-input tp-select"
              data-testid="lost-reason-select"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-autofocus
              {...c}
            >
              <option value="">{t('opportunity.chooseLostReason')}</option>
              {reasons.map((r) => (
                <option key={r.key} value={r.key}>
                  {listLabel(settings.lostReasons, r.key, locale)}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormFooter
          note={<ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />}
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={t('opportunity.markLost')}
          busy={busy}
          submitTestId="lost-reason-submit"
        />
      </form>
    </Dialog>
  );
}
