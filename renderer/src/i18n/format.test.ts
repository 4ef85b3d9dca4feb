import { describe, expect, it } from 'vitest';
import {
  calendarDaysBetween,
  currencyDigits,
  formatCountdown,
  formatDayHeading,
  formatDateCompact,
  formatDueDay,
  formatDueTime,
  formatMoney,
  formatMoneyCompact,
  formatPercent,
  parseMoneyInput,
  startOfDay,
  toDateValue,
  toMoneyInputValue,
  formatNumber,
  formatRelativeTime,
  fromDateTimeLocalValue,
  fromDateValueEndOfDay,
  toDateTimeLocalValue,
} from './format';

const now = new Date(2025, 4, 8, 14, 30, 0).getTime();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

describe('formatRelativeTime', () => {
  it('says minutes ago in Chinese and English', () => {
    expect(formatRelativeTime(now - 2 * MIN, now, 'zh-CN')).toBe('2分钟前');
    expect(formatRelativeTime(now - 2 * MIN, now, 'en')).toBe('2 minutes ago');
  });

  it('treats under 45 seconds either way as now', () => {
    expect(formatRelativeTime(now - 10_000, now, 'en')).toBe('now');
    expect(formatRelativeTime(now + 10_000, now, 'zh-CN')).toBe('现在');
  });

  it('uses calendar words for one day', () => {
    expect(formatRelativeTime(now - DAY, now, 'zh-CN')).toBe('昨天');
    expect(formatRelativeTime(now - DAY, now, 'en')).toBe('yesterday');
  });

  it('moves up to hours, days, months and years', () => {
    expect(formatRelativeTime(now - 3 * HOUR, now, 'en')).toBe('3 hours ago');
    expect(formatRelativeTime(now - 5 * DAY, now, 'en')).toBe('5 days ago');
    expect(formatRelativeTime(now - 90 * DAY, now, 'en')).toBe('3 months ago');
    expect(formatRelativeTime(now - 800 * DAY, now, 'zh-CN')).toBe('2年前');
  });

  it('speaks of the future too (a next follow-up date)', () => {
    expect(formatRelativeTime(now + 2 * HOUR, now, 'en')).toBe('in 2 hours');
    expect(formatRelativeTime(now + 2 * HOUR, now, 'zh-CN')).toBe('2小时后');
  });
});

describe('formatNumber', () => {
  it('groups thousands', () => {
    expect(formatNumber(2000, 'zh-CN')).toBe('2,000');
    expect(formatNumber(100000, 'en')).toBe('100,000');
  });
});

describe('datetime-local and date values', () => {
  it('round-trips an instant through a datetime-local value (minute precision)', () => {
    const v = toDateTimeLocalValue(now);
    expect(v).toBe('2025-05-08T14:30');
    expect(fromDateTimeLocalValue(v)).toBe(now);
  });

  it('gives NaN for blank or impossible values', () => {
    expect(fromDateTimeLocalValue('')).toBeNaN();
    expect(fromDateTimeLocalValue('2025-02-30T10:00')).toBeNaN();
    expect(fromDateTimeLocalValue('yesterday')).toBeNaN();
  });

  it('reads a next follow-up date as the end of that local day', () => {
    expect(fromDateValueEndOfDay('')).toBeNull();
    expect(fromDateValueEndOfDay('2025-05-08')).toBe(new Date(2025, 4, 8, 23, 59, 59, 999).getTime());
    expect(fromDateValueEndOfDay('2025-13-01')).toBeNaN();
  });
});

describe('formatCountdown', () => {
  it('counts seconds where a relative time would already say "now"', () => {
    expect(formatCountdown(now + 40_000, now, 'zh-CN')).toBe('40秒钟后');
    expect(formatCountdown(now + 1_500, now, 'en')).toBe('in 2 seconds');
    expect(formatCountdown(now - 5_000, now, 'en')).toBe('now');
    expect(formatCountdown(now + 5 * MIN, now, 'en')).toBe('in 5 minutes');
  });
});

describe('money', () => {
  it('formats minor units in the currency and the language', () => {
    expect(formatMoney(1280050, 'CNY', 'zh-CN')).toBe('¥12,800.50');
    expect(formatMoney(1280050, 'CNY', 'en')).toBe('CN¥12,800.50');
    expect(formatMoney(5000, 'USD', 'en')).toBe('$50.00');
    expect(formatMoney(5000, 'JPY', 'en')).toBe('¥5,000');
  });

  it('formats totals compactly', () => {
    expect(formatMoneyCompact(128_000_000, 'CNY', 'zh-CN')).toBe('¥128万');
    expect(formatMoneyCompact(128_000_000, 'CNY', 'en')).toBe('CN¥1.28M');
    expect(formatMoneyCompact(85_000, 'CNY', 'zh-CN')).toBe('¥850');
  });

  it('knows each currency’s minor unit', () => {
    expect(currencyDigits('CNY')).toBe(2);
    expect(currencyDigits('JPY')).toBe(0);
  });

  it('parses what people type into minor units', () => {
    expect(parseMoneyInput('12,800.5', 'CNY')).toBe(1280050);
    expect(parseMoneyInput(' 300 000 ', 'CNY')).toBe(30000000);
    expect(parseMoneyInput('0.07', 'USD')).toBe(7);
    expect(parseMoneyInput('5000', 'JPY')).toBe(5000);
    expect(parseMoneyInput('', 'CNY')).toBeNull();
    expect(parseMoneyInput('1.234', 'CNY')).toBeNaN();
    expect(parseMoneyInput('1.5', 'JPY')).toBeNaN();
    expect(parseMoneyInput('-3', 'CNY')).toBeNaN();
    expect(parseMoneyInput('abc', 'CNY')).toBeNaN();
  });

  it('writes an amount back as an input value', () => {
    expect(toMoneyInputValue(1280050, 'CNY')).toBe('12800.50');
    expect(toMoneyInputValue(1280000, 'CNY')).toBe('12800');
    expect(toMoneyInputValue(5, 'CNY')).toBe('0.05');
    expect(toMoneyInputValue(5000, 'JPY')).toBe('5000');
    expect(parseMoneyInput(toMoneyInputValue(1234567, 'EUR'), 'EUR')).toBe(1234567);
  });

  it('formats a probability', () => {
    expect(formatPercent(30, 'zh-CN')).toBe('30%');
    expect(formatPercent(75, 'en')).toBe('75%');
  });
});

describe('due days', () => {
  const endOf = (y: number, m: number, d: number) => new Date(y, m, d, 23, 59, 59, 999).getTime();

  it('counts calendar days, not 24-hour spans', () => {
    expect(calendarDaysBetween(now, endOf(2025, 4, 8))).toBe(0);
    expect(calendarDaysBetween(now, new Date(2025, 4, 9, 0, 5).getTime())).toBe(1);
    expect(calendarDaysBetween(now, endOf(2025, 4, 6))).toBe(-2);
    expect(startOfDay(now)).toBe(new Date(2025, 4, 8).getTime());
  });

  it('says today, tomorrow, in n days and ago in both languages', () => {
    expect(formatDueDay(endOf(2025, 4, 8), now, 'zh-CN')).toBe('今天');
    expect(formatDueDay(endOf(2025, 4, 9), now, 'en')).toBe('Tomorrow');
    expect(formatDueDay(endOf(2025, 4, 11), now, 'zh-CN')).toBe('3天后');
    expect(formatDueDay(endOf(2025, 4, 5), now, 'en')).toBe('3 days ago');
    expect(formatDueDay(endOf(2025, 4, 8), now, 'en')).toBe('Today');
  });

  it('adds the time when a task is planned at a time of day', () => {
    expect(formatDueDay(new Date(2025, 4, 9, 14, 0).getTime(), now, 'en')).toBe('Tomorrow · 2:00 PM');
    expect(formatDueDay(new Date(2025, 4, 4, 15, 0).getTime(), now, 'en')).toBe('4 days ago · 3:00 PM');
    expect(formatDueDay(new Date(2025, 4, 10, 10, 0).getTime(), now, 'en')).toBe('In 2 days · 10:00 AM');
    expect(formatDueDay(new Date(2025, 4, 4, 15, 0).getTime(), now, 'zh-CN')).toBe('4天前 15:00');
    expect(formatDueDay(new Date(2025, 4, 8, 6, 18).getTime(), now, 'zh-CN')).toBe('今天 06:18');
  });

  it('gives only the time under a day heading, none for a task due by the end of the day', () => {
    expect(formatDueTime(new Date(2025, 4, 9, 14, 0).getTime(), 'en')).toBe('2:00 PM');
    expect(formatDueTime(new Date(2025, 4, 9, 14, 0).getTime(), 'zh-CN')).toBe('14:00');
    expect(formatDueTime(endOf(2025, 4, 9), 'en')).toBeNull();
  });

  it('formats a compact date for table cells', () => {
    expect(formatDateCompact(new Date(2026, 10, 15).getTime(), 'zh-CN')).toBe('2026/11/15');
    expect(formatDateCompact(new Date(2026, 10, 15).getTime(), 'en')).toBe('Nov 15, 2026');
  });

  it('uses a date beyond two weeks', () => {
    expect(formatDueDay(endOf(2025, 5, 20), now, 'zh-CN')).toBe('6月20日');
    expect(formatDueDay(endOf(2026, 0, 15), now, 'en')).toBe('Jan 15, 2026');
  });

  it('formats a day heading and a date input value', () => {
    expect(formatDayHeading(new Date(2025, 4, 8).getTime(), 'en')).toBe('Thu, May 8');
    expect(toDateValue(now)).toBe('2025-05-08');
  });
});
