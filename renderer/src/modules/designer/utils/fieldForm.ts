import {
  fieldDefSchema,
  OPTION_FIELD_TYPES,
  TEXT_FIELD_TYPES,
  type FieldDef,
  type FieldType,
  type OptionList,
  type TemplateShape,
} from '../../../../../shared/templates/schema';
import { validateAttrs } from '../../../../../shared/templates/validate';
import { parseMoneyInput, toMoneyInputValue } from '../../../i18n/format';
import type { FieldProblemText } from '../../../i18n/useFieldError';
import { issueProblem } from '../../templates/utils/attrForm';
import {
  fromDraft,
  moneyCurrency,
  parseNumberText,
  toDraft,
  type AttrDraft,
} from '../../templates/utils/attrValues';

/**
 * The field-library editor's form (SPEC §3 "Field library"): what the admin types, checked with the
 * shared `fieldDefSchema` (the body of `PUT /admin/fields/:key`) plus the field's default judged by the
 * shared validator against the field itself. Key and type never change once the field is saved.
 */
export type FieldDraft = {
  key: string;
  labelZh: string;
  labelEn: string;
  type: FieldType;
  optionList: string;
  currency: string;
  required: boolean;
  unique: boolean;
  searchable: boolean;
  active: boolean;
  /** Bounds as typed: money in major units, the rest as numbers. */
  min: string;
  max: string;
  pattern: string;
  helpZh: string;
  helpEn: string;
  defaultDraft: AttrDraft;
};

/** What the min/max inputs bound for a type (null: the type has no bounds). */
export type BoundKind = 'length' | 'number' | 'money' | 'choices' | 'stars' | null;

export function boundKind(type: FieldType): BoundKind {
  if (type === 'money') return 'money';
  if (type === 'number' || type === 'percent') return 'number';
  if (type === 'rating') return 'stars';
  if (type === 'multiSelect') return 'choices';
  if (TEXT_FIELD_TYPES.includes(type)) return 'length';
  return null;
}

/** Types a `unique` rule makes sense for (one value that identifies a record). */
export function canBeUnique(type: FieldType): boolean {
  return ['text', 'phone', 'email', 'url', 'number'].includes(type);
}

export function emptyFieldDraft(type: FieldType = 'text'): FieldDraft {
  return {
    key: '',
    labelZh: '',
    labelEn: '',
    type,
    optionList: '',
    currency: 'CNY',
    required: false,
    unique: false,
    searchable: false,
    active: true,
    min: '',
    max: '',
    pattern: '',
    helpZh: '',
    helpEn: '',
    defaultDraft: null,
  };
}

function boundText(def: FieldDef, v: number | null): string {
  if (v === null) return '';
  return def.type === 'money' ? toMoneyInputValue(v, moneyCurrency(def)) : String(v);
}

export function fieldDraftOf(def: FieldDef): FieldDraft {
  return {
    key: def.key,
    labelZh: def.labelZh,
    labelEn: def.labelEn,
    type: def.type,
    optionList: def.optionList ?? '',
    currency: def.currency ?? 'CNY',
    required: def.validation.required,
    unique: def.validation.unique,
    searchable: def.searchable,
    active: def.active,
    min: boundText(def, def.validation.min),
    max: boundText(def, def.validation.max),
    pattern: def.validation.pattern ?? '',
    helpZh: def.helpZh ?? '',
    helpEn: def.helpEn ?? '',
    defaultDraft: toDraft(def, def.defaultValue),
  };
}

/** The field the draft describes, before checks (bounds parsed; NaN when a bound is not a number). */
export function draftToDef(d: FieldDraft): FieldDef {
  const bound = (text: string): number | null => {
    const v = text.trim();
    if (v === '') return null;
    if (d.type === 'money') {
      const minor = parseMoneyInput(v, d.currency || 'CNY');
      return minor === null ? null : minor;
    }
    return parseNumberText(v);
  };
  const kind = boundKind(d.type);
  const base: FieldDef = {
    key: d.key.trim(),
    labelZh: d.labelZh,
    labelEn: d.labelEn,
    type: d.type,
    optionList: OPTION_FIELD_TYPES.includes(d.type) ? d.optionList || null : null,
    currency: d.type === 'money' ? ((d.currency || 'CNY') as FieldDef['currency']) : null,
    validation: {
      required: d.required,
      min: kind && kind !== 'stars' ? bound(d.min) : null,
      max: kind ? bound(d.max) : null,
      pattern: kind === 'length' && d.pattern.trim() ? d.pattern.trim() : null,
      unique: canBeUnique(d.type) ? d.unique : false,
    },
    defaultValue: null,
    helpZh: d.helpZh.trim() || null,
    helpEn: d.helpEn.trim() || null,
    searchable: d.searchable,
    active: d.active,
  };
  const parsed = fromDraft(base, d.defaultDraft);
  return { ...base, defaultValue: 'value' in parsed ? parsed.value : null };
}

export type FieldDraftErrors = Partial<
  Record<
    'key' | 'labelZh' | 'labelEn' | 'optionList' | 'min' | 'max' | 'pattern' | 'defaultValue',
    FieldProblemText
  >
>;

/**
 * Checks the draft with the shared schema and the field's default with the shared validator; `def` is
 * the body to send when everything is right. `taken` are the library's other keys (a new key must be new).
 */
export function checkFieldDraft(
  d: FieldDraft,
  opts: { isNew: boolean; taken: ReadonlySet<string>; optionLists: readonly OptionList[] },
): { errors: FieldDraftErrors; def: FieldDef | null } {
  const errors: FieldDraftErrors = {};
  const def = draftToDef(d);
  if (opts.isNew && opts.taken.has(def.key)) errors.key = { key: 'designer.keyTaken' };
  for (const b of ['min', 'max'] as const) {
    const v = def.validation[b];
    if (v !== null && !Number.isFinite(v))
      errors[b] = { key: d.type === 'money' ? 'attr.notMoney' : 'attr.notNumber', params: { digits: 2 } };
  }
  const parsed = fieldDefSchema.safeParse(def);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const [head, leaf] = issue.path.map(String);
      const field = head === 'validation' ? leaf : head;
      if (field === 'key' && !errors.key) errors.key = { key: 'designer.badKey' };
      else if ((field === 'labelZh' || field === 'labelEn') && !errors[field])
        errors[field] =
          issue.code === 'too_big' ? { key: 'tooLong', params: { max: 60 } } : { key: 'required' };
      else if (field === 'optionList' && !errors.optionList) errors.optionList = { key: 'chooseOne' };
      else if (field === 'min' && !errors.min) errors.min = { key: 'designer.minOverMax' };
      else if (field === 'pattern' && !errors.pattern) errors.pattern = { key: 'designer.badPattern' };
    }
  }
  const fromDefault = fromDraft(def, d.defaultDraft);
  if ('problem' in fromDefault) errors.defaultValue = fromDefault.problem;
  else if (def.defaultValue !== null && parsed.success) {
    // The default must itself be a valid value of the field (its list, its bounds, its format).
    const key = def.key || 'x';
    const shape: TemplateShape = {
      sections: [
        {
          key: 'x',
          labelZh: 'x',
          labelEn: 'x',
          fields: [{ field: key, width: 'full', required: false, readOnly: false, visibleWhen: null }],
          visibleWhen: null,
        },
      ],
      fields: [{ ...def, key }],
    };
    const verdict = validateAttrs(
      shape,
      { [key]: def.defaultValue },
      { optionLists: opts.optionLists, previous: null },
    );
    if (!verdict.ok && verdict.issues[0]) errors.defaultValue = issueProblem(verdict.issues[0], def);
  }
  const ok = Object.keys(errors).length === 0 && parsed.success;
  return { errors, def: ok ? def : null };
}
