import { useTranslation } from 'react-i18next';
import { CURRENCIES } from '../../../../../shared/domain/rows';
import { useAppStore } from '../../../app/store';
import { formatPercent } from '../../../i18n/format';
import { FormField } from '../../../ui';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import type { OpportunityFormField, OpportunityFormValues } from '../utils/opportunityForm';
import { openStages, stageLabel } from '../utils/stages';

/**
 * The opportunity's controls (name, amount + currency, stage, expected close), shared by the
 * new-opportunity and edit dialogs and the conversion form. Test ids `opportunity-field-<field>`.
 */
export function OpportunityFields({
  values,
  errorFor,
  onChange,
  onBlur,
  showStage = true,
  autoFocusName = true,
}: {
  values: OpportunityFormValues;
  errorFor: (f: OpportunityFormField) => string | null;
  onChange: (f: OpportunityFormField, value: string) => void;
  onBlur: (f: OpportunityFormField) => void;
  showStage?: boolean;
  autoFocusName?: boolean;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const settings = useOrgSettings();
  const control = (f: OpportunityFormField) => ({
    'data-testid': `opportunity-field-${f}`,
    value: values[f],
    onChange: (e: { target: { value: string } }) => onChange(f, e.target.value),
    onBlur: () => onBlur(f),
  });
  return (
    <div className="tp-oppform">
      <div className="tp-oppform__name">
        <FormField
          name="name"
          id="opportunity-name"
          label={t('opportunity.fields.name')}
          error={errorFor('name')}
        >
          {(c) => (
            <input
              className="tp-input"
              placeholder={t('opportunity.namePlaceholder')}
              {...(autoFocusName ? { 'data-autofocus': true } : {})}
              {...control('name')}
              {...c}
            />
          )}
        </FormField>
      </div>
      <div className="tp-oppform__amount">
        <FormField
          name="amount"
          id="opportunity-amount"
          label={t('opportunity.fields.amountMinor')}
          error={errorFor('amount')}
        >
          {(c) => (
            <input
              className="tp-input tp-num"
              inputMode="decimal"
              autoComplete="off"
              placeholder="0.00"
              {...control('amount')}
              {...c}
            />
          )}
        </FormField>
      </div>
      <div className="tp-oppform__currency">
        <FormField
          name="currency"
          id="opportunity-currency"
          label={t('opportunity.fields.currency')}
          error={errorFor('currency')}
        >
          {(c) => (
            <select className="tp-input tp-select" {...control('currency')} {...c}>
              {CURRENCIES.map((cur) => (
                <option key={cur} value={cur}>
                  {t(`opportunity.currencies.${cur}`)}
                </option>
              ))}
            </select>
          )}
        </FormField>
      </div>
      {showStage ? (
        <div className="tp-oppform__stage">
          <FormField
            name="stageKey"
            id="opportunity-stageKey"
            label={t('opportunity.fields.stageKey')}
            error={errorFor('stageKey')}
          >
            {(c) => (
              <select className="tp-input tp-select" {...control('stageKey')} {...c}>
                {openStages(settings).map((s) => (
                  <option key={s.key} value={s.key}>
                    {`${stageLabel(settings, s.key, locale)} · ${formatPercent(s.probability, locale)}`}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        </div>
      ) : null}
      <div className="tp-oppform__close">
        <FormField
          name="expectedCloseAt"
          id="opportunity-expectedCloseAt"
          label={t('opportunity.fields.expectedCloseAt')}
          optionalLabel={t('followUp.optional')}
          error={errorFor('expectedCloseAt')}
        >
          {(c) => <input type="date" className="tp-input" {...control('expectedCloseAt')} {...c} />}
        </FormField>
      </div>
    </div>
  );
}
