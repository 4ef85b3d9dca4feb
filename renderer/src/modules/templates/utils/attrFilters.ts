import type { AttrFilter } from '../../../../../shared/templates/filter';
import type { FieldDef } from '../../../../../shared/templates/schema';
import { fromDateTimeLocalValue, parseMoneyInput, toMoneyInputValue } from '../../../i18n/format';
import { formatAttrValue, type AttrFormatContext } from './attrFormat';
import { moneyCurrency, parseNumberText } from './attrValues';

/**
 * Filters over template fields as a list's filter bar edits them (SPEC §8), by field type: options →
 * "any of" (`in`), numbers, money, percentages and ratings → a range, dates → a range of days, text →
 * "contains", yes/no → `in`; every type can also ask for "filled in" or "not filled in". The draft keeps
 * what the user typed; `toAttrFilter` makes the `customers.list` filter (money typed in 元 → 分, a date
 * range → instants of whole local days for datetime fields).
 */

export type FilterMode = 'value' | 'notEmpty' | 'empty';

export type AttrFilterDraft = {
  field: string;
  mode: FilterMode;
  /** Chosen option keys / user ids / 'true' | 'false'. */
  values: string[];
  /** Range bounds as typed ('' = open). */
  min: string;
  max: string;
  text: string;
};

/** What kind of editor a field type gets. */
export type FilterKind = 'options' | 'range' | 'dateRange' | 'text' | 'boolean' | 'user';

export function filterKind(def: Pick<FieldDef, 'type'>): FilterKind {
  switch (def.type) {
    case 'select':
    case 'multiSelect':
      return 'options';
    case 'number':
    case 'money':
    case 'percent':
    case 'rating':
      return 'range';
    case 'date':
    case 'datetime':
      return 'dateRange';
    case 'boolean':
      return 'boolean';
    case 'user':
      return 'user';
    default:
      return 'text';
  }
}

export function emptyFilterDraft(field: string): AttrFilterDraft {
  return { field, mode: 'value', values: [], min: '', max: '', text: '' };
}

/** Why a draft is not a filter yet, as a translation key under `filters.` (null: it is one). */
export type FilterProblem = 'pickSome' | 'needBound' | 'badNumber' | 'badRange' | 'needText';

function bound(def: FieldDef, text: string, end: 'min' | 'max'): number | string | null | undefined {
  const v = text.trim();
  if (v === '') return null;
  if (def.type === 'date') return /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined;
  if (def.type === 'datetime') {
    // A day range: from the start of the first day to the end of the last, in the device's time zone.
    const at = fromDateTimeLocalValue(`${v}T${end === 'min' ? '00:00' : '23:59'}`);
    if (!Number.isFinite(at)) return undefined;
    return end === 'min' ? at : at + 59_999;
  }
  if (def.type === 'money') {
    const negative = v.startsWith('-');
    const minor = parseMoneyInput(v.replace(/^-/, ''), moneyCurrency(def));
    if (minor === null || !Number.isFinite(minor)) return undefined;
    return negative ? -minor : minor;
  }
  const n = parseNumberText(v);
  return n === null || !Number.isFinite(n) ? undefined : n;
}

/** The `customers.list` filter a draft stands for, or why it is not one yet. */
export function toAttrFilter(
  def: FieldDef,
  d: AttrFilterDraft,
): { filter: AttrFilter } | { problem: FilterProblem } {
  if (d.mode === 'empty') return { filter: { field: def.key, op: 'empty' } };
  if (d.mode === 'notEmpty') return { filter: { field: def.key, op: 'notEmpty' } };
  switch (filterKind(def)) {
    case 'options':
    case 'user':
      return d.values.length > 0
        ? { filter: { field: def.key, op: 'in', values: [...d.values] } }
        : { problem: 'pickSome' };
    case 'boolean':
      return d.values.length > 0
        ? { filter: { field: def.key, op: 'in', values: d.values.map((v) => v === 'true') } }
        : { problem: 'pickSome' };
    case 'text': {
      const text = d.text.trim();
      return text ? { filter: { field: def.key, op: 'contains', text } } : { problem: 'needText' };
    }
    case 'range':
    case 'dateRange': {
      const min = bound(def, d.min, 'min');
      const max = bound(def, d.max, 'max');
      if (min === undefined || max === undefined) return { problem: 'badNumber' };
      if (min === null && max === null) return { problem: 'needBound' };
      if (min !== null && max !== null && min > max) return { problem: 'badRange' };
      return { filter: { field: def.key, op: 'range', min, max } };
    }
  }
}

/** The editor's starting content for a filter already applied (to change it). */
export function draftOf(def: FieldDef, f: AttrFilter): AttrFilterDraft {
  const d = emptyFilterDraft(def.key);
  switch (f.op) {
    case 'empty':
      return { ...d, mode: 'empty' };
    case 'notEmpty':
      return { ...d, mode: 'notEmpty' };
    case 'in':
      return { ...d, values: f.values.map(String) };
    case 'contains':
      return { ...d, text: f.text };
    case 'range':
      return { ...d, min: boundText(def, f.min), max: boundText(def, f.max) };
  }
}

function boundText(def: FieldDef, v: number | string | null): string {
  if (v === null) return '';
  if (def.type === 'money' && typeof v === 'number') {
    return v < 0 ? `-${toMoneyInputValue(-v, moneyCurrency(def))}` : toMoneyInputValue(v, moneyCurrency(def));
  }
  if (def.type === 'datetime' && typeof v === 'number') {
    const d = new Date(v);
    const p = (n: number) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  }
  return String(v);
}

/** Words of a filter chip: what it asks, in the UI language ("¥100万 – ¥500万", "汽车、电子"). */
export function describeFilter(
  def: FieldDef,
  f: AttrFilter,
  ctx: AttrFormatContext,
  words: {
    empty: string;
    notEmpty: string;
    contains: (text: string) => string;
    atLeast: (v: string) => string;
    atMost: (v: string) => string;
  },
): string {
  switch (f.op) {
    case 'empty':
      return words.empty;
    case 'notEmpty':
      return words.notEmpty;
    case 'contains':
      return words.contains(f.text);
    case 'in':
      return def.type === 'boolean'
        ? f.values.map((v) => formatAttrValue(def, v, ctx) ?? '').join(' / ')
        : def.type === 'multiSelect' || def.type === 'select'
          ? (formatAttrValue({ ...def, type: 'multiSelect' }, f.values, ctx) ?? '')
          : f.values
              .map((v) => formatAttrValue(def, v, ctx) ?? String(v))
              .join(ctx.locale === 'en' ? ', ' : '、');
    case 'range': {
      const show = (v: number | string) =>
        def.type === 'date' && typeof v === 'string'
          ? (formatAttrValue(def, v, { ...ctx, compact: true }) ?? v)
          : def.type === 'datetime' && typeof v === 'number'
            ? (formatAttrValue({ ...def, type: 'date' }, boundText(def, v), { ...ctx, compact: true }) ??
              String(v))
            : (formatAttrValue(def, v, ctx) ?? String(v));
      if (f.min !== null && f.max !== null) return `${show(f.min)} – ${show(f.max)}`;
      if (f.min !== null) return words.atLeast(show(f.min));
      return f.max !== null ? words.atMost(show(f.max)) : '';
    }
  }
}

/** Replaces (or adds) the filter of a field: one filter per field, in the order they were added. */
export function setFilter(filters: readonly AttrFilter[], next: AttrFilter): AttrFilter[] {
  const at = filters.findIndex((f) => f.field === next.field);
  if (at < 0) return [...filters, next];
  return filters.map((f, i) => (i === at ? next : f));
}

export function removeFilter(filters: readonly AttrFilter[], field: string): AttrFilter[] {
  return filters.filter((f) => f.field !== field);
}
