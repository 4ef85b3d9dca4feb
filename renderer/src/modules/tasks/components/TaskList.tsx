import { useTranslation } from 'react-i18next';
import type { TaskItem } from '../../../../../shared/api/contract';
import { recordRoute } from '../../../app/routes';
import { useAppStore } from '../../../app/store';
import { formatDateTime, formatDueDay, formatDueTime } from '../../../i18n/format';
import { Badge, Button, Icon } from '../../../ui';
import { followUpIcon } from '../../followUps/components/FollowUpTimeline';
import { listLabel } from '../../opportunities/utils/stages';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { useNow } from '../../shell/hooks/useNow';
import { taskBucket } from '../utils/taskView';

/**
 * Planned follow-ups as rows: what (type and title), for whom (the customer, a link), when (relative, red
 * once overdue), and the two ways out: "Log" (completes it) and cancel. Under a heading that names the day
 * (Today's upcoming days), `due="time"` shows only the time. The row wraps (title above, due and actions
 * below) when the list is narrow, as in a customer's side card.
 */
export function TaskList({
  tasks,
  onLog,
  onCancel,
  showCustomer = true,
  due = 'day',
  testId,
}: {
  tasks: readonly TaskItem[];
  onLog: (task: TaskItem) => void;
  onCancel: (task: TaskItem) => void;
  showCustomer?: boolean;
  /** 'day': "Tomorrow · 2:00 PM"; 'time': "2:00 PM" (the day is named around the list). */
  due?: 'day' | 'time';
  testId?: string;
}) {
  return (
    <ul className="tp-tasklist" data-testid={testId}>
      {tasks.map((task) => (
        <TaskRow
          key={task.id}
          task={task}
          onLog={onLog}
          onCancel={onCancel}
          showCustomer={showCustomer}
          due={due}
        />
      ))}
    </ul>
  );
}

function TaskRow({
  task,
  onLog,
  onCancel,
  showCustomer,
  due,
}: {
  task: TaskItem;
  onLog: (task: TaskItem) => void;
  onCancel: (task: TaskItem) => void;
  showCustomer: boolean;
  due: 'day' | 'time';
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const navigate = useAppStore((s) => s.navigate);
  const me = useAppStore((s) => s.session?.user.id ?? null);
  const settings = useOrgSettings();
  const now = useNow(60_000);
  const bucket = taskBucket(task, now);
  return (
    <li
      className={`tp-task tp-task--${bucket}`}
      data-testid="task-item"
      data-id={task.id}
      data-bucket={bucket}
    >
      <span className="tp-task__icon" aria-hidden="true">
        <Icon name={followUpIcon(task.type)} size={15} />
      </span>
      <div className="tp-task__text">
        <div className="tp-task__title">
          <span className="tp-task__type">{listLabel(settings.followUpTypes, task.type, locale)}</span>
          <span className="tp-task__name" data-testid="task-title">
            {task.title}
          </span>
          {task.pending ? (
            <Badge tone="warning">
              <Icon name="arrowUp" size={11} />
              {t('followUp.pendingSync')}
            </Badge>
          ) : null}
        </div>
        <div className="tp-task__meta">
          {showCustomer ? (
            <button
              type="button"
              className="tp-task__customer"
              data-testid="task-customer"
              data-id={task.customerId}
              onClick={() => navigate(recordRoute(task.customerKind, task.customerId))}
            >
              {task.customerKind === 'lead' ? (
                <span className="tp-task__leadtag">{t('lead.tag')}</span>
              ) : null}
              {task.customerName}
            </button>
          ) : null}
          {task.assigneeId !== me && task.assigneeName ? (
            <span className="tp-task__assignee">
              <Icon name="user" size={12} />
              {task.assigneeName}
            </span>
          ) : null}
          {task.origin !== 'manual' ? (
            <span className="tp-task__origin">{t(`task.origin.${task.origin}`)}</span>
          ) : null}
        </div>
      </div>
      <time
        className="tp-task__due"
        data-testid="task-due"
        dateTime={new Date(task.dueAt).toISOString()}
        title={formatDateTime(task.dueAt, locale)}
      >
        {bucket === 'overdue' ? <Icon name="alert" size={12} /> : null}
        {due === 'time'
          ? (formatDueTime(task.dueAt, locale) ?? t('task.anyTime'))
          : formatDueDay(task.dueAt, now, locale)}
      </time>
      <div className="tp-task__actions">
        <Button size="sm" variant="primary" icon="edit" onClick={() => onLog(task)} data-testid="task-log">
          {t('task.log')}
        </Button>
        <button
          type="button"
          className="tp-iconbtn"
          data-testid="task-cancel"
          title={t('task.cancel')}
          aria-label={t('task.cancel')}
          onClick={() => onCancel(task)}
        >
          <Icon name="close" size={14} />
        </button>
      </div>
    </li>
  );
}
