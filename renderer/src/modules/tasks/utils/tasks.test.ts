import { describe, expect, it } from 'vitest';
import type { TaskItem } from '../../../../../shared/api/contract';
import { startOfDay } from '../../../i18n/format';
import { emptyTaskForm, validateTaskForm } from './taskForm';
import { groupByDay, openTasks, taskBucket } from './taskView';

const customerId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b85';
const me = '0190eafa-4bc7-7ee4-8714-3543b5ed0b86';
const now = new Date(2025, 4, 8, 14, 30).getTime();
const endOf = (d: number) => new Date(2025, 4, d, 23, 59, 59, 999).getTime();

let n = 0;
function task(dueAt: number, status: TaskItem['status'] = 'open'): TaskItem {
  n += 1;
  return {
    id: `0190eafa-4bc7-7ee4-8714-${String(n).padStart(12, '0')}`,
    orgId: customerId,
    customerId,
    assigneeId: me,
    title: `任务 ${n}`,
    type: 'visit',
    dueAt,
    origin: 'manual',
    status,
    sourceFollowUpId: null,
    doneFollowUpId: null,
    doneAt: null,
    createdBy: me,
    createdAt: 1,
    updatedAt: 1,
    version: 1,
    customerName: '恒瑞机械',
    customerKind: 'customer',
    assigneeName: '张伟',
    pending: false,
  };
}

describe('task form (the shared createTaskInput)', () => {
  it('plans a visit tomorrow for the given assignee', () => {
    const v = emptyTaskForm(now, 'visit', me);
    expect(v).toEqual({ title: '', type: 'visit', dueAt: '2025-05-09', assigneeId: me });
    expect(validateTaskForm(customerId, v, now, ['visit']).errors).toEqual({ title: { key: 'required' } });
  });

  it('builds the input with the due date at the end of that day', () => {
    const { input } = validateTaskForm(
      customerId,
      { title: '送样品', type: 'visit', dueAt: '2025-05-08', assigneeId: me },
      now,
      ['visit'],
    );
    expect(input).toEqual({ customerId, assigneeId: me, title: '送样品', type: 'visit', dueAt: endOf(8) });
  });

  it('refuses a retired type, a missing assignee and a day already gone', () => {
    const { errors } = validateTaskForm(
      customerId,
      { title: 'x', type: 'fax', dueAt: '2025-05-07', assigneeId: '' },
      now,
      ['visit'],
    );
    expect(errors).toEqual({
      type: { key: 'chooseOne' },
      assigneeId: { key: 'chooseOne' },
      dueAt: { key: 'dueInPast' },
    });
    expect(
      validateTaskForm(customerId, { title: 'x', type: 'visit', dueAt: '', assigneeId: me }, now, ['visit'])
        .errors,
    ).toEqual({ dueAt: { key: 'required' } });
  });
});

describe('task view', () => {
  it('buckets by calendar day', () => {
    expect(taskBucket({ dueAt: endOf(7) }, now)).toBe('overdue');
    expect(taskBucket({ dueAt: endOf(8) }, now)).toBe('today');
    expect(taskBucket({ dueAt: new Date(2025, 4, 8, 9, 0).getTime() }, now)).toBe('overdue');
    expect(taskBucket({ dueAt: endOf(9) }, now)).toBe('upcoming');
  });

  it('lists open tasks, soonest first', () => {
    const later = task(endOf(12));
    const sooner = task(endOf(9));
    const done = task(endOf(8), 'done');
    expect(openTasks([later, done, sooner]).map((t) => t.id)).toEqual([sooner.id, later.id]);
  });

  it('groups tasks by day', () => {
    const a = task(endOf(10));
    const b = task(new Date(2025, 4, 10, 9).getTime());
    const c = task(endOf(11));
    expect(groupByDay([c, a, b], startOfDay)).toEqual([
      { day: new Date(2025, 4, 10).getTime(), tasks: [b, a] },
      { day: new Date(2025, 4, 11).getTime(), tasks: [c] },
    ]);
  });
});
