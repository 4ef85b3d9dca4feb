import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerListItem } from '../../../../../shared/api/contract';
import { Dialog, Icon } from '../../../ui';
import { CompanyMark } from '../../customers/components/CustomerBadges';
import { CustomerPicker } from '../../customers/components/CustomerPicker';
import { LogFollowUpForm, type LoggedFollowUp } from './LogFollowUpDialog';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

export type QuickLogged = LoggedFollowUp & { customer: Pick<CustomerListItem, 'id' | 'name' | 'shortName'> };

/**
 * "After the visit", from anywhere (Ctrl/⌘+K): choose the customer by typing part of its name, then the
 * usual log-follow-up form, saved with Ctrl/⌘+Enter. The whole flow never needs the mouse.
 */
export function QuickLogDialog({
  onClose,
  onSaved,
}: {
  onClose: () => void;
  onSaved: (saved: QuickLogged) => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const [customer, setCustomer] = useState<CustomerListItem | null>(null);
  const label = customer ? (customer.shortName ?? customer.name) : null;
  return (
    <Dialog
      title={label ? t('quickLog.titleFor', { customer: label }) : t('quickLog.title')}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={600}
      testId="quick-log-dialog"
    >
      {customer ? (
        <div className="tp-quicklog">
          <div className="tp-quicklog__chosen" data-testid="quick-log-customer" data-id={customer.id}>
            <CompanyMark name={label ?? customer.name} size={28} />
            <div className="tp-quicklog__chosenname">
              <strong>{customer.name}</strong>
              {customer.region || customer.industry ? (
                <span>{[customer.region, customer.industry].filter(Boolean).join(' · ')}</span>
              ) : null}
            </div>
            <button
              type="button"
              className="tp-linkbtn"
              data-testid="quick-log-change"
              onClick={() => setCustomer(null)}
            >
              <Icon name="transfer" size={13} />
              {t('quickLog.change')}
            </button>
          </div>
          <LogFollowUpForm
            key={customer.id}
            customerId={customer.id}
            onCancel={onClose}
            onSaved={(saved) => onSaved({ ...saved, customer })}
          />
        </div>
      ) : (
        <CustomerPicker testIdPrefix="quick-log" onPick={setCustomer} />
      )}
    </Dialog>
  );
}
