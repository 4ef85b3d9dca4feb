import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { Dialog, ErrorBanner, FormField, FormFooter, hasModKey, ShortcutHint } from '../../../ui';
import { listLabel } from '../../opportunities/utils/stages';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { useNow } from '../../shell/hooks/useNow';
import { useTeamReps } from '../../team/hooks/useTeamReps';
import { assigneeOptions } from '../../team/utils/teamView';
import {
  emptyTaskForm,
  TASK_FORM_FIELDS,
  validateTaskForm,
  type TaskFormField,
  type TaskFormValues,
} from '../utils/taskForm';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * Plans a follow-up on a customer (`tasks.create`): what, which type, by when, and — for a manager —
 * which rep of the team does it (the customer's owner by default). A rep plans for themself.
 */
export function CreateTaskDialog({
  customer,
  onClose,
  onSaved,
}: {
  customer: { id: string; name: string; ownerId: string | null };
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const errorText = useErrorText();
  const settings = useOrgSettings();
  const { me, locale } = useAppStore(useShallow((s) => ({ me: s.session?.user ?? null, locale: s.locale })));
  const { users, managerial } = useTeamReps();
  const now = useNow(60_000);
  const activeTypes = useMemo(() => settings.followUpTypes.filter((x) => x.active), [settings]);
  const assignees = useMemo(
    () => (me ? assigneeOptions(managerial ? users : null, me, customer.ownerId, locale) : []),
    [me, managerial, users, customer.ownerId, locale],
  );
  const [values, setValues] = useState<TaskFormValues>(() =>
    emptyTaskForm(
      Date.now(),
      activeTypes.some((x) => x.key === 'visit') ? 'visit' : (activeTypes[0]?.key ?? 'visit'),
      me?.role === 'rep' ? me.id : (customer.ownerId ?? ''),
    ),
  );
  const [touched, setTouched] = useState<Partial<Record<TaskFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  const typeKeys = activeTypes.map((x) => x.key);
  const { errors } = validateTaskForm(customer.id, values, now, typeKeys);
  const serverField = (TASK_FORM_FIELDS as readonly string[]).includes(serverError?.field ?? '')
    ? (serverError?.field as TaskFormField)
    : null;
  const errorFor = useFieldError<TaskFormField>({
    problems: errors,
    touched,
    submitted,
    serverError,
    serverField,
  });

  const change = (f: TaskFormField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [f]: e.target.value }));
    setTouched((tch) => ({ ...tch, [f]: true }));
    if (serverField === f) setServerError(null);
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    const result = validateTaskForm(customer.id, values, Date.now(), typeKeys);
    if (!result.input) {
      const first = TASK_FORM_FIELDS.find((f) => result.errors[f]);
      if (first) document.getElementById(`task-${first}`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      await getApi().call('tasks.create', result.input);
      onSaved();
    } catch (err) {
      setServerError(toAppErrorData(err));
      setSaving(false);
    }
  };

  return (
    <Dialog
      title={t('task.newTitle', { customer: customer.name })}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={520}
    >
      <form
        className="tp-form"
        data-testid="task-form"
        noValidate
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hasModKey(e)) {
            e.preventDefault();
            void submit();
          }
        }}
      >
        {serverError && !serverField ? (
          <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="task-error" />
        ) : null}
        <FormField name="title" id="task-title" label={t('task.fields.title')} error={errorFor('title')}>
          {(c) => (
            <input
              className="tp-input"
              data-testid="task-field-title"
              placeholder={t('task.titlePlaceholder')}
              value={values.title}
              onChange={change('title')}
              onBlur={() => setTouched((tch) => ({ ...tch, title: true }))}
              data-autofocus
              {...c}
            />
          )}
        </FormField>
        <div className="tp-form__row">
          <FormField name="type" id="task-type" label={t('task.fields.type')} error={errorFor('type')}>
            {(c) => (
              <select
                className="tp-input tp-select"
                data-testid="task-field-type"
                value={values.type}
                onChange={change('type')}
                {...c}
              >
                {activeTypes.map((x) => (
                  <option key={x.key} value={x.key}>
                    {listLabel(settings.followUpTypes, x.key, locale)}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <FormField name="dueAt" id="task-dueAt" label={t('task.fields.dueAt')} error={errorFor('dueAt')}>
            {(c) => (
              <input
                type="date"
                className="tp-input"
                data-testid="task-field-dueAt"
                value={values.dueAt}
                onChange={change('dueAt')}
                {...c}
              />
            )}
          </FormField>
        </div>
        {managerial ? (
          <FormField
            name="assigneeId"
            id="task-assigneeId"
            label={t('task.fields.assigneeId')}
            error={errorFor('assigneeId')}
          >
            {(c) => (
              <select
                className="tp-input tp-select"
                data-testid="task-field-assignee"
                value={values.assigneeId}
                onChange={change('assigneeId')}
                {...c}
              >
                <option value="">{users ? t('task.chooseAssignee') : t('common.loading')}</option>
                {assignees.map((u) => (
                  <option key={u.id} value={u.id}>
                    {u.id === customer.ownerId
                      ? t('task.ownerOption', { name: u.displayName })
                      : u.displayName}
                  </option>
                ))}
              </select>
            )}
          </FormField>
        ) : null}
        <FormFooter
          note={<ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />}
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={saving ? t('common.saving') : t('task.create')}
          busy={saving}
          submitTestId="task-submit"
        />
      </form>
    </Dialog>
  );
}
