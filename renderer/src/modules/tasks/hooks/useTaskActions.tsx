import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskItem } from '../../../../../shared/api/contract';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { recordRoute } from '../../../app/routes';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { ConfirmDialog } from '../../../ui';
import type { CustomerOptions } from '../../followUps/hooks/useCustomerOptions';
import { LogFollowUpDialog } from '../../followUps/components/LogFollowUpDialog';

/**
 * What a task row offers wherever it is shown (Today, a customer's tasks): "Log" opens log-follow-up
 * for its customer with the task preset, so saving completes it; "Cancel" drops a plan no longer needed,
 * after a confirmation.
 */
export function useTaskActions({
  onChanged,
  options,
}: {
  onChanged: () => void;
  /** The customer's contacts and opportunities, when every task is of the one customer on screen. */
  options?: CustomerOptions;
}): { logTask: (task: TaskItem) => void; cancelTask: (task: TaskItem) => void; dialogs: ReactNode } {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const showToast = useAppStore((s) => s.showToast);
  const [logging, setLogging] = useState<TaskItem | null>(null);
  const [cancelling, setCancelling] = useState<TaskItem | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const confirmCancel = async () => {
    if (!cancelling) return;
    setBusy(true);
    setError(null);
    try {
      await getApi().call('tasks.cancel', { id: cancelling.id, customerId: cancelling.customerId });
      setCancelling(null);
      onChanged();
    } catch (err) {
      setError(errorText(toAppErrorData(err)));
    } finally {
      setBusy(false);
    }
  };

  const dialogs = (
    <>
      {logging ? (
        <LogFollowUpDialog
          customerId={logging.customerId}
          customerName={logging.customerName}
          completesTask={{ id: logging.id, title: logging.title, type: logging.type }}
          options={options}
          onClose={() => setLogging(null)}
          onSaved={() => {
            const task = logging;
            setLogging(null);
            showToast(t('task.logged', { customer: task.customerName }), {
              label: t('quickLog.openCustomer'),
              route: recordRoute(task.customerKind, task.customerId),
            });
            onChanged();
          }}
        />
      ) : null}
      {cancelling ? (
        <ConfirmDialog
          title={t('task.cancelTitle')}
          body={<p>{t('task.cancelBody', { title: cancelling.title, customer: cancelling.customerName })}</p>}
          confirmLabel={t('task.cancelConfirm')}
          cancelLabel={t('task.keep')}
          closeLabel={t('common.close')}
          busy={busy}
          error={error}
          onConfirm={() => void confirmCancel()}
          onClose={() => {
            setCancelling(null);
            setError(null);
          }}
        />
      ) : null}
    </>
  );

  return {
    logTask: setLogging,
    cancelTask: (task) => {
      setError(null);
      setCancelling(task);
    },
    dialogs,
  };
}
