import { describe, expect, it } from 'vitest';
import {
  formatCountdown,
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
