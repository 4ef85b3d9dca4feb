import type { FieldDef } from '../../../../../shared/templates/schema';
import { DEFAULT_RATING_MAX, isEmptyValue } from '../../../../../shared/templates/validate';
import {
  currencyDigits,
  fromDateTimeLocalValue,
  parseMoneyInput,
  toDateTimeLocalValue,
  toMoneyInputValue,
} from '../../../i18n/format';
import type { FieldProblemText } from '../../../i18n/useFieldError';

/**
 * What a template field's control holds while the user types, by field type (docs/templates.md "Value
 * shapes" is what is stored):
 * - text, long text, phone, email, url, region, user, select: the string in the control ('' = none);
 * - number, percent, money: the text as typed ("12,800.5"), so a half-typed "12." is not lost; money is
 *   typed in major units (元) and stored as integer minor units (分) of the field's currency;
 * - date: the `<input type="date">` value ("2025-05-08"); datetime: the `datetime-local` value;
 * - boolean: true / false / null (not answered);
 * - multi select: the chosen keys in the list's order;
 * - rating: 1..max, or null.
 */
export type AttrDraft = string | boolean | number | readonly string[] | null;

/** The currency a money field's minor units are in (CNY when the definition names none). */
export function moneyCurrency(def: Pick<FieldDef, 'currency'>): string {
  return def.currency ?? 'CNY';
}

/** The highest star of a rating field. */
export function ratingMax(def: Pick<FieldDef, 'validation'>): number {
  const max = def.validation.max;
  return max !== null && Number.isInteger(max) && max >= 1 && max <= 10 ? max : DEFAULT_RATING_MAX;
}

/** A control's starting content for a stored value (anything malformed reads as "no value"). */
export function toDraft(def: FieldDef, value: unknown): AttrDraft {
  const empty = value === null || value === undefined;
  switch (def.type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'multiSelect':
      return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    case 'rating':
      return typeof value === 'number' && Number.isFinite(value) ? value : null;
    case 'number':
    case 'percent':
      return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
    case 'money':
      if (typeof value !== 'number' || !Number.isFinite(value)) return '';
      return value < 0
        ? `-${toMoneyInputValue(-value, moneyCurrency(def))}`
        : toMoneyInputValue(value, moneyCurrency(def));
    case 'datetime':
      return typeof value === 'number' && Number.isFinite(value) ? toDateTimeLocalValue(value) : '';
    default:
      return empty ? '' : typeof value === 'string' ? value : String(value);
  }
}

/** A parsed control value, or why the typed text is no value of the field's type. */
export type ParsedDraft = { value: unknown } | { problem: FieldProblemText };

const NUMBER_RE = /^[-+]?(\d+(\.\d*)?|\.\d+)$/;

/** "12,800.5", "１２％" and " 12 " as people type them → 12800.5 / 12 (null when blank, NaN when not). */
export function parseNumberText(text: string): number | null {
  const v = text
    .replace(/[０-９．－]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s,，%％]/g, '');
  if (v === '') return null;
  return NUMBER_RE.test(v) ? Number(v) : Number.NaN;
}

/**
 * The stored shape of a control's content (null = no value). Text is kept as typed: the shared validator
 * trims it, checks it and says what is wrong, so the message is the one the core and the server give.
 */
export function fromDraft(def: FieldDef, draft: AttrDraft | undefined): ParsedDraft {
  if (draft === undefined || draft === null) return { value: null };
  switch (def.type) {
    case 'boolean':
      return { value: typeof draft === 'boolean' ? draft : null };
    case 'multiSelect':
      return { value: Array.isArray(draft) && draft.length > 0 ? [...(draft as string[])] : null };
    case 'rating':
      return { value: typeof draft === 'number' && draft > 0 ? draft : null };
    case 'number':
    case 'percent': {
      const n = parseNumberText(String(draft));
      if (n === null) return { value: null };
      return Number.isFinite(n) ? { value: n } : { problem: { key: 'attr.notNumber' } };
    }
    case 'money': {
      const text = String(draft).trim();
      const negative = /^[-－]/.test(text);
      const minor = parseMoneyInput(text.replace(/^[-－]/, ''), moneyCurrency(def));
      if (minor === null) return { value: null };
      if (!Number.isFinite(minor)) {
        return {
          problem: { key: 'attr.notMoney', params: { digits: currencyDigits(moneyCurrency(def)) } },
        };
      }
      return { value: negative ? -minor : minor };
    }
    case 'datetime': {
      const text = String(draft).trim();
      if (text === '') return { value: null };
      const at = fromDateTimeLocalValue(text);
      return Number.isFinite(at) ? { value: at } : { problem: { key: 'attr.notDateTime' } };
    }
    default: {
      const text = typeof draft === 'string' ? draft : String(draft);
      return { value: isEmptyValue(text) ? null : text };
    }
  }
}

/** The local midnight of a stored "YYYY-MM-DD" (for Intl formatting in the device's time zone). */
export function dateValueToInstant(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}

/** Structural equality of stored values, where every kind of "empty" is the same. */
export function sameAttrValue(a: unknown, b: unknown): boolean {
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
