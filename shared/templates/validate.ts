import { isValidPhone } from '../domain/validators';
import {
  NUMERIC_FIELD_TYPES,
  TEXT_FIELD_TYPES,
  type Condition,
  type FieldDef,
  type OptionList,
  type TemplateShape,
} from './schema';

/**
 * The one validator of template values (SPEC §3): the renderer runs it as the user types, the client core
 * before a write enters the outbox, and the server inside the mutation. It is a pure function of
 * (template version, option lists, values, stored values, known users), so the same inputs reach the same
 * verdict everywhere. Messages are English (logs, API users); the renderer translates `rule` + `params`.
 */

export const ATTR_RULES = [
  'required',
  'type',
  'option',
  'inactiveOption',
  'min',
  'max',
  'pattern',
  'readOnly',
  'unknownField',
  'user',
  'format',
] as const;
export type AttrRule = (typeof ATTR_RULES)[number];

export type AttrIssue = {
  /** The field's key (the error's field path is `attrs.<field>`). */
  field: string;
  rule: AttrRule;
  message: string;
  params: Record<string, string | number>;
};

export type AttrContext = {
  optionLists: readonly OptionList[];
  /**
   * The record's stored values before this edit (null or absent for a new record). Values of retired
   * fields and inactive options it holds stay valid; read-only fields must keep them.
   */
  previous?: Readonly<Record<string, unknown>> | null;
  /** Is this a user of the org? For `user` fields (absent: any user id passes). */
  userExists?: ((userId: string) => boolean) | undefined;
};

export type UniqueCheck = { field: string; value: unknown };

export type AttrVerdict =
  | {
      ok: true;
      /** What to store: normalised values, empty and hidden fields removed, retired fields kept. */
      values: Record<string, unknown>;
      /** Changed values of `unique` fields: the runner checks them against the org's other records. */
      unique: UniqueCheck[];
    }
  | { ok: false; issues: AttrIssue[] };

export function isEmptyValue(v: unknown): boolean {
  return (
    v === null ||
    v === undefined ||
    (typeof v === 'string' && v.trim() === '') ||
    (Array.isArray(v) && v.length === 0)
  );
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmptyValue(a) && isEmptyValue(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

function compare(v: unknown, target: unknown): number | null {
  if (typeof v === 'number' && typeof target === 'number') return v - target;
  if (typeof v === 'string' && typeof target === 'string') return v < target ? -1 : v > target ? 1 : 0;
  return null;
}

/** Evaluates a visibility condition; `get` returns a field's value, or null when it is hidden. */
export function evalCondition(c: Condition, get: (field: string) => unknown): boolean {
  if ('all' in c) return c.all.every((x) => evalCondition(x, get));
  if ('any' in c) return c.any.some((x) => evalCondition(x, get));
  if ('not' in c) return !evalCondition(c.not, get);
  const v = get(c.field);
  const target = c.value;
  switch (c.op) {
    case 'empty':
      return isEmptyValue(v);
    case 'notEmpty':
      return !isEmptyValue(v);
    case 'eq':
      return Array.isArray(v) ? v.some((x) => same(x, target)) : same(v, target);
    case 'neq':
      return !(Array.isArray(v) ? v.some((x) => same(x, target)) : same(v, target));
    case 'in':
    case 'notIn': {
      const list = Array.isArray(target) ? target : [target];
      const hit = Array.isArray(v)
        ? v.some((x) => list.some((t) => same(x, t)))
        : list.some((t) => same(v, t));
      return c.op === 'in' ? hit : !hit;
    }
    case 'contains':
      if (typeof v === 'string' && typeof target === 'string')
        return v.toLowerCase().includes(target.toLowerCase());
      if (Array.isArray(v)) return v.some((x) => same(x, target));
      return false;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (isEmptyValue(v)) return false;
      const d = compare(v, target);
      if (d === null) return false;
      return c.op === 'gt' ? d > 0 : c.op === 'gte' ? d >= 0 : c.op === 'lt' ? d < 0 : d <= 0;
    }
  }
}

/**
 * Which of the template's fields are shown for these values. A condition that refers to a hidden field
 * sees it as empty, so hiding is transitive. Computed as a fixpoint from "all shown" (at most one pass
 * per field); a layout whose conditions form a cycle still gets a deterministic answer.
 */
export function visibleFieldKeys(
  shape: Pick<TemplateShape, 'sections'>,
  values: Readonly<Record<string, unknown>>,
): Set<string> {
  const placed = shape.sections.flatMap((s) => s.fields.map((f) => ({ section: s, f })));
  let visible = new Set(placed.map((p) => p.f.field));
  for (let pass = 0; pass <= placed.length; pass++) {
    const get = (k: string): unknown => (visible.has(k) ? (values[k] ?? null) : null);
    const next = new Set<string>();
    for (const { section, f } of placed) {
      if (section.visibleWhen && !evalCondition(section.visibleWhen, get)) continue;
      if (f.visibleWhen && !evalCondition(f.visibleWhen, get)) continue;
      next.add(f.field);
    }
    const stable = next.size === visible.size && [...next].every((k) => visible.has(k));
    visible = next;
    if (stable) break;
  }
  return visible;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_RE = /^(https?:\/\/)?[\w-]+(\.[\w-]+)+(\/\S*)?$/i;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_TEXT_LENGTH = { text: 500, longText: 5000 } as const;
export const DEFAULT_RATING_MAX = 5;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

type Issue = { rule: AttrRule; message: string; params?: Record<string, string | number> };
type Checked = { value: unknown } | Issue;

/** Checks one non-empty value's shape for its type and returns it normalised (trimmed strings). */
function checkType(def: FieldDef, raw: unknown, ctx: AttrContext, before: unknown): Checked {
  const typeIssue = (expected: string): Issue => ({
    rule: 'type',
    message: `expected ${expected}`,
    params: { expected },
  });
  switch (def.type) {
    case 'text':
    case 'longText':
    case 'phone':
    case 'email':
    case 'url':
    case 'region': {
      if (typeof raw !== 'string') return typeIssue('text');
      const value = raw.trim();
      const max = def.type === 'longText' ? MAX_TEXT_LENGTH.longText : MAX_TEXT_LENGTH.text;
      if (value.length > max) return { rule: 'max', message: `at most ${max} characters`, params: { max } };
      if (def.type === 'phone' && !isValidPhone(value)) {
        return { rule: 'format', message: 'not a valid phone number', params: { format: 'phone' } };
      }
      if (def.type === 'email' && !EMAIL.test(value)) {
        return { rule: 'format', message: 'not a valid email address', params: { format: 'email' } };
      }
      if (def.type === 'url' && !URL_RE.test(value)) {
        return { rule: 'format', message: 'not a valid web address', params: { format: 'url' } };
      }
      if (def.type === 'region') {
        const parts = value.split('/').map((p) => p.trim());
        if (parts.length > 3 || parts.some((p) => p.length === 0 || p.length > 30)) {
          return {
            rule: 'format',
            message: 'expected province[/city[/district]]',
            params: { format: 'region' },
          };
        }
        return { value: parts.join('/') };
      }
      return { value };
    }
    case 'number':
    case 'percent':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return typeIssue('number');
      // -0 is stored as 0: JSON has no negative zero, and every side must hold the same value.
      return { value: raw === 0 ? 0 : raw };
    case 'money':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw)) return typeIssue('integer minor units');
      return { value: raw === 0 ? 0 : raw };
    case 'rating':
      if (typeof raw !== 'number' || !Number.isInteger(raw)) return typeIssue('whole number');
      return { value: raw === 0 ? 0 : raw };
    case 'datetime':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) return typeIssue('date and time');
      return { value: raw === 0 ? 0 : raw };
    case 'date':
      if (typeof raw !== 'string' || !validDate(raw)) return typeIssue('date YYYY-MM-DD');
      return { value: raw };
    case 'boolean':
      if (typeof raw !== 'boolean') return typeIssue('yes or no');
      return { value: raw };
    case 'user':
      if (typeof raw !== 'string' || !UUID.test(raw)) return typeIssue('user');
      if (ctx.userExists && !ctx.userExists(raw)) {
        return { rule: 'user', message: 'no such user in the organisation', params: {} };
      }
      return { value: raw };
    case 'select':
    case 'multiSelect': {
      const list = ctx.optionLists.find((l) => l.key === def.optionList);
      const keys = def.type === 'select' ? [raw] : raw;
      if (!Array.isArray(keys) || keys.some((k) => typeof k !== 'string')) {
        return typeIssue(def.type === 'select' ? 'an option' : 'a list of options');
      }
      if (new Set(keys).size !== keys.length) {
        return {
          rule: 'type',
          message: 'an option is chosen twice',
          params: { expected: 'distinct options' },
        };
      }
      const held = new Set(
        Array.isArray(before) ? before : before === null || before === undefined ? [] : [before],
      );
      for (const k of keys as string[]) {
        const option = list?.values.find((v) => v.key === k);
        if (!option)
          return { rule: 'option', message: `"${k}" is not an option of this field`, params: { value: k } };
        if (!option.active && !held.has(k)) {
          return { rule: 'inactiveOption', message: `"${k}" is no longer offered`, params: { value: k } };
        }
      }
      return { value: def.type === 'select' ? raw : [...(keys as string[])] };
    }
  }
}

/** min / max / pattern, on a value of the right type. */
function checkRules(def: FieldDef, value: unknown): Issue | null {
  const { min, max, pattern } = def.validation;
  let measured: number | null = null;
  let unit = '';
  if (NUMERIC_FIELD_TYPES.includes(def.type) && typeof value === 'number') measured = value;
  else if (TEXT_FIELD_TYPES.includes(def.type) && typeof value === 'string') {
    measured = [...value].length;
    unit = ' characters';
  } else if (def.type === 'multiSelect' && Array.isArray(value)) {
    measured = value.length;
    unit = ' choices';
  }
  const lo = def.type === 'rating' ? (min ?? 1) : min;
  const hi = def.type === 'rating' ? (max ?? DEFAULT_RATING_MAX) : max;
  if (measured !== null && lo !== null && measured < lo) {
    return { rule: 'min', message: `at least ${lo}${unit}`, params: { min: lo } };
  }
  if (measured !== null && hi !== null && measured > hi) {
    return { rule: 'max', message: `at most ${hi}${unit}`, params: { max: hi } };
  }
  if (pattern !== null && typeof value === 'string' && TEXT_FIELD_TYPES.includes(def.type)) {
    if (!new RegExp(pattern, 'u').test(value)) {
      return { rule: 'pattern', message: `does not match the required format`, params: { pattern } };
    }
  }
  return null;
}

/**
 * Judges `values` (the whole attribute object after the edit) against a template version.
 * - shown fields: type, option lists, min/max/pattern, required (template or field), read-only;
 * - hidden fields (by a condition): removed, as the form does not show them;
 * - keys the template does not have (retired fields): kept when unchanged from `previous`, refused when
 *   changed — they are read-only history;
 * - empty values are removed (never stored as "").
 */
export function validateAttrs(
  shape: TemplateShape,
  values: Readonly<Record<string, unknown>>,
  ctx: AttrContext,
): AttrVerdict {
  const previous = ctx.previous ?? {};
  const defs = new Map(shape.fields.map((f) => [f.key, f]));
  const placed = new Map(shape.sections.flatMap((s) => s.fields.map((f) => [f.field, f] as const)));
  // Conditions see values as they will be stored (trimmed, normalised), so that what is accepted once is
  // accepted again unchanged when the stored record is validated on another side.
  const checkedValues = new Map<string, Checked>();
  const seen: Record<string, unknown> = {};
  for (const key of placed.keys()) {
    const def = defs.get(key);
    const raw = values[key];
    if (!def || isEmptyValue(raw)) continue;
    const checked = checkType(def, raw, ctx, previous[key] ?? null);
    checkedValues.set(key, checked);
    seen[key] = 'value' in checked ? checked.value : raw;
  }
  const visible = visibleFieldKeys(shape, seen);
  const issues: AttrIssue[] = [];
  const out: Record<string, unknown> = {};
  const unique: UniqueCheck[] = [];
  const push = (field: string, issue: Issue) =>
    issues.push({
      field,
      rule: issue.rule,
      message: `attrs.${field}: ${issue.message}`,
      params: issue.params ?? {},
    });

  for (const [key, value] of Object.entries(previous)) {
    if (!placed.has(key) && !isEmptyValue(value)) out[key] = value;
  }
  for (const [key, value] of Object.entries(values)) {
    if (placed.has(key)) continue;
    if (!same(value, previous[key] ?? null)) {
      push(key, { rule: 'unknownField', message: 'not a field of this form (it may have been retired)' });
    }
  }

  for (const [key, placement] of placed) {
    const def = defs.get(key);
    if (!def) {
      push(key, { rule: 'unknownField', message: 'the template has no definition for this field' });
      continue;
    }
    if (!visible.has(key)) continue;
    const raw = values[key];
    const before = previous[key] ?? null;
    if (placement.readOnly && !same(raw ?? null, before) && !same(raw ?? null, def.defaultValue)) {
      push(key, { rule: 'readOnly', message: 'this field is read-only' });
      continue;
    }
    if (isEmptyValue(raw)) {
      if (placement.required || def.validation.required) push(key, { rule: 'required', message: 'Required' });
      continue;
    }
    const checked = checkedValues.get(key) ?? checkType(def, raw, ctx, before);
    if (!('value' in checked)) {
      push(key, checked);
      continue;
    }
    // A value the record already holds is judged by the rules it was stored under: a newer version's
    // tighter min/max/pattern applies to values entered from now on, as an inactive option does, so an
    // old record stays editable without first rewriting its history.
    const ruleIssue = same(checked.value, before) ? null : checkRules(def, checked.value);
    if (ruleIssue) {
      push(key, ruleIssue);
      continue;
    }
    out[key] = checked.value;
    if (def.validation.unique && !same(checked.value, before))
      unique.push({ field: key, value: checked.value });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, values: out, unique };
}

/** The values a new record's form starts with: each shown field's default. */
export function initialAttrs(shape: TemplateShape): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const defs = new Map(shape.fields.map((f) => [f.key, f]));
  for (const s of shape.sections) {
    for (const f of s.fields) {
      const def = defs.get(f.field);
      if (def && !isEmptyValue(def.defaultValue)) out[f.field] = def.defaultValue;
    }
  }
  return out;
}
