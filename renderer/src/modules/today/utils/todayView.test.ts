import { describe, expect, it } from 'vitest';
import type { TaskItem } from '../../../../../shared/api/contract';
import { greetingKey, summaryKey, todaySummary } from './todayView';

const task = {} as TaskItem;

describe('today view', () => {
  it('greets by the hour', () => {
    expect(greetingKey(0)).toBe('today.greetingLate');
    expect(greetingKey(4)).toBe('today.greetingLate');
    expect(greetingKey(5)).toBe('today.greetingMorning');
    expect(greetingKey(8)).toBe('today.greetingMorning');
    expect(greetingKey(12)).toBe('today.greetingAfternoon');
    expect(greetingKey(19)).toBe('today.greetingEvening');
    expect(greetingKey(23)).toBe('today.greetingEvening');
  });

  it('says what needs doing first', () => {
    const none = todaySummary({ overdue: [], dueToday: [], upcoming: [] });
    expect(none.clear).toBe(true);
    expect(summaryKey(none)).toBe('today.summaryClear');
    expect(summaryKey(todaySummary({ overdue: [task], dueToday: [task, task], upcoming: [] }))).toBe(
      'today.summaryOverdueAndToday',
    );
    expect(summaryKey(todaySummary({ overdue: [task], dueToday: [], upcoming: [task] }))).toBe(
      'today.summaryOverdue',
    );
    expect(summaryKey(todaySummary({ overdue: [], dueToday: [task], upcoming: [] }))).toBe(
      'today.summaryToday',
    );
    expect(summaryKey(todaySummary({ overdue: [], dueToday: [], upcoming: [task] }))).toBe(
      'today.summaryUpcoming',
    );
  });
});
