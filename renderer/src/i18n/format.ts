import type { Locale } from './locale';

/**
 * Dates and numbers through Intl, in the chosen language. Pure functions of (value, now, locale) so they
 * are tested without a DOM; formatters are cached because building one costs more than using it.
 */

const cache = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.RelativeTimeFormat | Intl.NumberFormat>(
  key: string,
  make: () => T,
): T {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f as T;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * "2 分钟前", "3 days ago", "in 2 hours". Under 45 seconds either way is "now"; whole days use calendar
 * words where the language has them ("昨天", "yesterday").
 */
export function formatRelativeTime(at: number, now: number, locale: Locale): string {
  const rtf = cached(`rtf:${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  const diff = at - now;
  const abs = Math.abs(diff);
  if (abs < 45 * SECOND) return rtf.format(0, 'second');
  if (abs < 45 * MINUTE) return rtf.format(Math.round(diff / MINUTE), 'minute');
  if (abs < 22 * HOUR) return rtf.format(Math.round(diff / HOUR), 'hour');
  if (abs < 26 * DAY) return rtf.format(Math.round(diff / DAY), 'day');
  if (abs < 320 * DAY) return rtf.format(Math.round(diff / (30 * DAY)), 'month');
  return rtf.format(Math.round(diff / (365 * DAY)), 'year');
}

/**
 * When something due soon will happen: "40 秒后" / "in 40 seconds" where `formatRelativeTime` would round
 * to "now" (a retry countdown in the near future must not read as already happening); past or due → "now".
 */
export function formatCountdown(at: number, now: number, locale: Locale): string {
  const rtf = cached(`rtf:${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  const diff = at - now;
  if (diff < SECOND) return rtf.format(0, 'second');
  if (diff < 45 * SECOND) return rtf.format(Math.ceil(diff / SECOND), 'second');
  return formatRelativeTime(at, now, locale);
}

/** "2025年5月8日" / "May 8, 2025". */
export function formatDate(at: number, locale: Locale): string {
  return cached(`d:${locale}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })).format(at);
}

/**
 * A date for a narrow table cell: "2025/05/08" / "May 8, 2025" (the medium Chinese form, "2025年5月8日",
 * is too wide for a date column).
 */
export function formatDateCompact(at: number, locale: Locale): string {
  return locale === 'en'
    ? formatDate(at, locale)
    : cached(
        `dc:${locale}`,
        () => new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit' }),
      ).format(at);
}

/** "2025/5/8 14:30" / "May 8, 2025, 2:30 PM". */
export function formatDateTime(at: number, locale: Locale): string {
  return cached(
    `dt:${locale}`,
    () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }),
  ).format(at);
}

/** "14:30" / "2:30 PM". */
export function formatTime(at: number, locale: Locale): string {
  return cached(`t:${locale}`, () => new Intl.DateTimeFormat(locale, { timeStyle: 'short' })).format(at);
}

/** "2,000" in both languages (grouping by thousands is how Chinese business software shows counts too). */
export function formatNumber(n: number, locale: Locale): string {
  return cached(`n:${locale}`, () => new Intl.NumberFormat(locale)).format(n);
}

/** The value of a `<input type="datetime-local">` for an instant, in the device's time zone. */
export function toDateTimeLocalValue(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The instant of a `datetime-local` value in the device's time zone, or NaN when blank or malformed. */
export function fromDateTimeLocalValue(value: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  return date.getMonth() === Number(mo) - 1 ? date.getTime() : Number.NaN;
}

/**
 * The instant a `<input type="date">` value stands for as a next follow-up date: the end of that day in
 * the device's time zone, so "follow up again today" is never earlier than a visit logged this afternoon.
 * Null when blank, NaN when malformed.
 */
export function fromDateValueEndOfDay(value: string): number | null {
  const v = value.trim();
  if (v === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return Number.NaN;
  const [, y, mo, d] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), 23, 59, 59, 999);
  return date.getMonth() === Number(mo) - 1 ? date.getTime() : Number.NaN;
}

/**
 * How many decimals a currency's minor unit has (CNY 2: 分, JPY 0), as Intl knows it. Amounts travel as
 * integers of that minor unit (`amountMinor`), so sums are exact on every side.
 */
export function currencyDigits(currency: string): number {
  return (
    cached(
      `cur:${currency}`,
      () => new Intl.NumberFormat('en', { style: 'currency', currency }),
    ).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** "¥12,800.00" / "CN¥12,800.00": an amount in minor units, in the currency and the UI language. */
export function formatMoney(amountMinor: number, currency: string, locale: Locale): string {
  const digits = currencyDigits(currency);
  return cached(
    `m:${locale}:${currency}`,
    () => new Intl.NumberFormat(locale, { style: 'currency', currency }),
  ).format(amountMinor / 10 ** digits);
}

/** "¥128万" / "CN¥1.28M": a total on a pipeline column or a stat, where the last digits only add noise. */
export function formatMoneyCompact(amountMinor: number, currency: string, locale: Locale): string {
  const digits = currencyDigits(currency);
  return cached(
    `mc:${locale}:${currency}`,
    () =>
      new Intl.NumberFormat(locale, {
        style: 'currency',
        currency,
        notation: 'compact',
        minimumFractionDigits: 0,
        maximumFractionDigits: 2,
      }),
  ).format(amountMinor / 10 ** digits);
}

/**
 * The minor units a typed amount stands for ("12,800.5" → 1280050 for CNY), or null when blank and NaN
 * when it is not a plain non-negative number with at most the currency's decimals. Thousands separators
 * and spaces are allowed, as people type them.
 */
export function parseMoneyInput(value: string, currency: string): number | null {
  const v = value.replace(/[\s,，]/g, '');
  if (v === '') return null;
  const digits = currencyDigits(currency);
  const m = /^(\d+)(?:\.(\d*))?$/.exec(v);
  if (!m) return Number.NaN;
  const [, whole = '', fraction = ''] = m;
  if (fraction.length > digits) return Number.NaN;
  const minor = Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) ? minor : Number.NaN;
}

/** The text an amount input starts with for an amount in minor units ("12800.50"; no separators). */
export function toMoneyInputValue(amountMinor: number, currency: string): string {
  const digits = currencyDigits(currency);
  if (digits === 0) return String(amountMinor);
  const whole = Math.floor(amountMinor / 10 ** digits);
  const fraction = String(amountMinor % 10 ** digits).padStart(digits, '0');
  return /^0+$/.test(fraction) ? String(whole) : `${whole}.${fraction}`;
}

/** "12%" / "12%": a percentage from 0–100. */
export function formatPercent(value: number, locale: Locale): string {
  return cached(`p:${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent' })).format(value / 100);
}

/** Midnight at the start of the local day `at` falls in. */
export function startOfDay(at: number): number {
  const d = new Date(at);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days from the day of `now` to the day of `at` (negative: before), in local time. */
export function calendarDaysBetween(now: number, at: number): number {
  // Rounded: a day across a daylight-saving change is 23 or 25 hours long.
  return Math.round((startOfDay(at) - startOfDay(now)) / DAY);
}

/** A due instant at 23:59 means "some time that day" (a task planned by date only): no time is shown. */
function isEndOfDay(at: number): boolean {
  const d = new Date(at);
  return d.getHours() === 23 && d.getMinutes() === 59;
}

/** "Today" for "today": English labels stand alone in a row, so they start with a capital. */
function capitalize(text: string, locale: Locale): string {
  return locale === 'en' ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/**
 * When something is due, by calendar day: "今天" / "明天" / "3天后" / "昨天" / "2 days ago" (whole days,
 * as a rep plans them), with the time when it is not the end of the day (a planned 14:00 call): "今天 14:00",
 * "4天前 15:00" / "Today · 2:00 PM", "4 days ago · 3:00 PM" (the dot keeps "in 2 days 10:00 AM" from
 * reading as one phrase). English labels start with a capital.
 */
export function formatDueDay(at: number, now: number, locale: Locale): string {
  const rtf = cached(`rtf:${locale}`, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));
  const days = calendarDaysBetween(now, at);
  const sameYear = new Date(at).getFullYear() === new Date(now).getFullYear();
  const monthDay = () =>
    cached(`md:${locale}`, () => new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric' })).format(
      at,
    );
  const day = capitalize(
    Math.abs(days) < 14 ? rtf.format(days, 'day') : sameYear ? monthDay() : formatDate(at, locale),
    locale,
  );
  if (isEndOfDay(at)) return day;
  return `${day}${locale === 'en' ? ' · ' : ' '}${formatTime(at, locale)}`;
}

/**
 * Only the time of a due instant ("14:00" / "2:00 PM"), for a list under a heading that already names the
 * day; null when it is due by the end of the day (no time of day was planned).
 */
export function formatDueTime(at: number, locale: Locale): string | null {
  return isEndOfDay(at) ? null : formatTime(at, locale);
}

/** "5月8日 周四" / "Thu, May 8": a day heading in a list of upcoming days. */
export function formatDayHeading(at: number, locale: Locale): string {
  return cached(
    `dh:${locale}`,
    () => new Intl.DateTimeFormat(locale, { weekday: 'short', month: 'short', day: 'numeric' }),
  ).format(at);
}

/** The value of an `<input type="date">` for an instant, in the device's time zone. */
export function toDateValue(at: number): string {
  return toDateTimeLocalValue(at).slice(0, 10);
}

/**
 * "12.5%" / "12.5%": a template percent field's value (12.5 = 12.5 %), with up to two decimals (unlike
 * `formatPercent`, which rounds win probabilities to whole percents).
 */
export function formatPercentValue(value: number, locale: Locale): string {
  return cached(
    `pv:${locale}`,
    () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 }),
  ).format(value / 100);
}

/** "¥" / "CN¥", "US$" / "$": how the UI language writes a currency, for a money input's prefix. */
export function currencySymbol(currency: string, locale: Locale): string {
  // The symbol itself is cached: `formatToParts` is slow enough to show on a 60-field form's mount.
  const key = `${locale}:${currency}`;
  let symbol = symbols.get(key);
  if (symbol === undefined) {
    const parts = new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0);
    symbol = parts.find((p) => p.type === 'currency')?.value ?? currency;
    symbols.set(key, symbol);
  }
  return symbol;
}
const symbols = new Map<string, string>();
