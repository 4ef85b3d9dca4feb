import type { TaskItem } from '../../../../../shared/api/contract';
import { calendarDaysBetween } from '../../../i18n/format';

/** Where a task stands against the calendar: overdue (red), due today, or later. */
export type TaskBucket = 'overdue' | 'today' | 'upcoming';

export function taskBucket(task: Pick<TaskItem, 'dueAt'>, now: number): TaskBucket {
  const days = calendarDaysBetween(now, task.dueAt);
  if (task.dueAt < now && days < 0) return 'overdue';
  if (days <= 0) return task.dueAt < now ? 'overdue' : 'today';
  return 'upcoming';
}

/** A customer's open tasks, the most pressing first. */
export function openTasks(tasks: readonly TaskItem[]): TaskItem[] {
  return tasks
    .filter((t) => t.status === 'open')
    .sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id));
}

/** Tasks grouped by the local day they are due, in order: Today's "next 7 days" reads day by day. */
export function groupByDay(
  tasks: readonly TaskItem[],
  startOf: (at: number) => number,
): { day: number; tasks: TaskItem[] }[] {
  const groups = new Map<number, TaskItem[]>();
  for (const t of [...tasks].sort((a, b) => a.dueAt - b.dueAt || a.id.localeCompare(b.id))) {
    const day = startOf(t.dueAt);
    const list = groups.get(day);
    if (list) list.push(t);
    else groups.set(day, [t]);
  }
  return [...groups].map(([day, list]) => ({ day, tasks: list }));
}
