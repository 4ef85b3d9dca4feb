import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskItem } from '../../../../../shared/api/contract';
import { useAppStore } from '../../../app/store';
import { formatNumber } from '../../../i18n/format';
import { Button, EmptyState, Icon } from '../../../ui';
import type { CustomerOptions } from '../../followUps/hooks/useCustomerOptions';
import { useTaskActions } from '../hooks/useTaskActions';
import { openTasks } from '../utils/taskView';
import { CreateTaskDialog } from './CreateTaskDialog';
import { TaskList } from './TaskList';

/** A customer's open tasks (planned follow-ups), the most pressing first, with "New task". */
export function TasksCard({
  customer,
  tasks,
  options,
  onChanged,
}: {
  customer: { id: string; name: string; ownerId: string | null };
  tasks: readonly TaskItem[];
  options: CustomerOptions;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const [creating, setCreating] = useState(false);
  const actions = useTaskActions({ onChanged, options });
  const open = openTasks(tasks);
  const done = tasks.filter((x) => x.status === 'done').length;
  return (
    <section className="tp-card" data-testid="tasks">
      <header className="tp-card__header">
        <h2 className="tp-card__title">
          <Icon name="task" size={16} />
          {t('task.title')}
          <span className="tp-card__count">{formatNumber(open.length, locale)}</span>
        </h2>
        <Button
          variant="ghost"
          size="sm"
          icon="plus"
          onClick={() => setCreating(true)}
          data-testid="new-task"
        >
          {t('task.new')}
        </Button>
      </header>
      {open.length === 0 ? (
        <EmptyState icon="task" title={t('task.empty')} body={t('task.emptyBody')} testId="task-empty" />
      ) : (
        <TaskList
          tasks={open}
          onLog={actions.logTask}
          onCancel={actions.cancelTask}
          showCustomer={false}
          testId="task-list"
        />
      )}
      {done > 0 ? (
        <p className="tp-card__foot">{t('task.doneCount', { n: formatNumber(done, locale) })}</p>
      ) : null}
      {actions.dialogs}
      {creating ? (
        <CreateTaskDialog
          customer={customer}
          onClose={() => setCreating(false)}
          onSaved={() => {
            setCreating(false);
            onChanged();
          }}
        />
      ) : null}
    </section>
  );
}
