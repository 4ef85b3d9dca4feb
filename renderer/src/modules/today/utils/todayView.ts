import type { Today } from '../../../../../shared/api/contract';

/**
 * The greeting for the hour of the day: working late from midnight until five, then morning until noon,
 * afternoon until six, evening after.
 */
export function greetingKey(
  hour: number,
): 'today.greetingLate' | 'today.greetingMorning' | 'today.greetingAfternoon' | 'today.greetingEvening' {
  if (hour < 5) return 'today.greetingLate';
  if (hour < 12) return 'today.greetingMorning';
  if (hour < 18) return 'today.greetingAfternoon';
  return 'today.greetingEvening';
}

/** How much is planned: the summary line under the greeting, and whether the day is clear. */
export function todaySummary(today: Pick<Today, 'overdue' | 'dueToday' | 'upcoming'>): {
  overdue: number;
  dueToday: number;
  upcoming: number;
  clear: boolean;
} {
  const overdue = today.overdue.length;
  const dueToday = today.dueToday.length;
  const upcoming = today.upcoming.length;
  return { overdue, dueToday, upcoming, clear: overdue + dueToday + upcoming === 0 };
}

/** The summary's translation key: what needs doing first. */
export function summaryKey(s: ReturnType<typeof todaySummary>): string {
  if (s.clear) return 'today.summaryClear';
  if (s.overdue > 0 && s.dueToday > 0) return 'today.summaryOverdueAndToday';
  if (s.overdue > 0) return 'today.summaryOverdue';
  if (s.dueToday > 0) return 'today.summaryToday';
  return 'today.summaryUpcoming';
}
