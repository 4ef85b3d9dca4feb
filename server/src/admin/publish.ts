import { AppError } from '../../../shared/errors';
import {
  conditionFields,
  NUMERIC_FIELD_TYPES,
  OPTION_FIELD_TYPES,
  TEXT_FIELD_TYPES,
  validateAttrs,
  type CatalogRow,
  type Condition,
  type ConditionOp,
  type FieldDef,
  type OptionList,
  type TemplateEntity,
  type TemplateLayout,
  type TemplateVersionRow,
  templateVersionRowSchema,
} from '../../../shared/templates';

/**
 * The checks an admin's work must pass before it reaches devices (docs/templates.md "Admin API"): a draft
 * against the library before it is published, a library field before it is saved. Pure functions of the
 * catalog; each refusal is an AppError naming the offending field by its path in the request body.
 */

type Catalog = Pick<CatalogRow, 'optionLists' | 'fields'>;

function invalid(field: string, message: string): AppError {
  return new AppError('validation', `${field}: ${message}`, { field });
}

/** A comparison's operand, described for the message ("compare it with …"). */
type Operand = { ok: (v: unknown) => boolean; expected: string };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What one value compared with a field of this type may be: a value of the field's own kind. */
function operandOf(def: FieldDef, list: OptionList | undefined): Operand {
  if (OPTION_FIELD_TYPES.includes(def.type)) {
    const keys = new Set(list?.values.map((v) => v.key) ?? []);
    return {
      ok: (v) => typeof v === 'string' && keys.has(v),
      expected: `an option of the list "${def.optionList ?? ''}"`,
    };
  }
  if (def.type === 'boolean') return { ok: (v) => typeof v === 'boolean', expected: 'true or false' };
  if (def.type === 'date') {
    return { ok: (v) => typeof v === 'string' && DATE.test(v), expected: 'a date "YYYY-MM-DD"' };
  }
  if (NUMERIC_FIELD_TYPES.includes(def.type)) {
    return { ok: (v) => typeof v === 'number' && Number.isFinite(v), expected: 'a number' };
  }
  // Text types and `user` (a user id) compare with strings.
  return { ok: (v) => typeof v === 'string' && v.length > 0, expected: 'a text' };
}

/** Types a range comparison (gt, gte, lt, lte) means something for: numbers, and dates as "YYYY-MM-DD". */
function isOrdered(def: FieldDef): boolean {
  return NUMERIC_FIELD_TYPES.includes(def.type) || def.type === 'date';
}

/**
 * Why one comparison cannot work, or null: the value must be of the field's kind (an option key of a
 * select's list, true/false for a yes/no field, a number, a date), `in`/`notIn` take a list of those,
 * ranges only order numbers and dates, `contains` searches text or a multi-select, and `empty` /
 * `notEmpty` take no value.
 */
function comparisonProblem(
  op: ConditionOp,
  value: unknown,
  def: FieldDef,
  list: OptionList | undefined,
): string | null {
  const operand = operandOf(def, list);
  const label = `"${def.key}" (${def.type})`;
  switch (op) {
    case 'empty':
    case 'notEmpty':
      return value === undefined || value === null ? null : `${op} takes no value`;
    case 'eq':
    case 'neq':
      return operand.ok(value) ? null : `${label} ${op}: compare it with ${operand.expected}`;
    case 'in':
    case 'notIn':
      return Array.isArray(value) && value.length > 0 && value.every(operand.ok)
        ? null
        : `${label} ${op}: expected a list of ${operand.expected}`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (!isOrdered(def)) return `${label} ${op}: only numbers and dates can be compared by size`;
      return operand.ok(value) ? null : `${label} ${op}: compare it with ${operand.expected}`;
    case 'contains':
      if (def.type === 'multiSelect') {
        return operand.ok(value) ? null : `${label} contains: expected ${operand.expected}`;
      }
      if (TEXT_FIELD_TYPES.includes(def.type)) {
        return typeof value === 'string' && value.trim().length > 0
          ? null
          : `${label} contains: expected a text to look for`;
      }
      return `${label} contains: only texts and multi-selects can contain something`;
  }
}

/** Every comparison of a condition tree, in order. */
function comparisons(c: Condition, out: { field: string; op: ConditionOp; value?: unknown }[] = []) {
  if ('all' in c) c.all.forEach((x) => comparisons(x, out));
  else if ('any' in c) c.any.forEach((x) => comparisons(x, out));
  else if ('not' in c) comparisons(c.not, out);
  else out.push(c);
  return out;
}

/**
 * Checks a draft against the library and returns the snapshot of the fields it places (the version's
 * `fields`, in layout order). Every placed field must exist in the library and be active, a select's
 * option list must exist, and every condition must refer to another field of this template and compare
 * it with a value of its kind. At least one field must be placed.
 */
export function checkPublishable(layout: TemplateLayout, catalog: Catalog): FieldDef[] {
  const library = new Map(catalog.fields.map((f) => [f.key, f]));
  const lists = new Map(catalog.optionLists.map((l) => [l.key, l]));
  const placed = new Map<string, FieldDef>();
  for (const [si, section] of layout.sections.entries()) {
    for (const [fi, f] of section.fields.entries()) {
      const path = `layout.sections.${si}.fields.${fi}.field`;
      const def = library.get(f.field);
      if (!def) throw invalid(path, `"${f.field}" is not a field of the library`);
      if (!def.active)
        throw invalid(path, `"${f.field}" is inactive in the library; activate it or remove it`);
      if (OPTION_FIELD_TYPES.includes(def.type) && !lists.has(def.optionList ?? '')) {
        throw invalid(path, `the option list "${def.optionList ?? ''}" of "${f.field}" does not exist`);
      }
      placed.set(f.field, def);
    }
  }
  if (placed.size === 0) throw invalid('layout.sections', 'a template needs at least one field to publish');

  const check = (c: Condition | null, path: string, self: string | null) => {
    if (!c) return;
    for (const ref of conditionFields(c)) {
      if (ref === self) throw invalid(path, `a field cannot be shown depending on itself ("${ref}")`);
      if (!placed.has(ref)) throw invalid(path, `refers to "${ref}", which is not in this template`);
    }
    for (const { field, op, value } of comparisons(c)) {
      const def = placed.get(field) as FieldDef;
      const problem = comparisonProblem(op, value, def, lists.get(def.optionList ?? ''));
      if (problem) throw invalid(path, problem);
    }
  };
  for (const [si, section] of layout.sections.entries()) {
    check(section.visibleWhen, `layout.sections.${si}.visibleWhen`, null);
    for (const [fi, f] of section.fields.entries()) {
      check(f.visibleWhen, `layout.sections.${si}.fields.${fi}.visibleWhen`, f.field);
    }
  }
  return [...placed.values()];
}

/**
 * Checks a library field before it is saved, against the catalog and the field as it was (`existing`).
 * What stored values mean never changes: a field's type, its option list and its currency are fixed once
 * created (409 naming them); a select needs an existing list and only selects take one; a money field
 * needs its currency; the default must be a valid value of the field.
 */
export function checkFieldDef(def: FieldDef, existing: FieldDef | undefined, catalog: Catalog): void {
  if (existing) {
    for (const key of ['type', 'optionList', 'currency'] as const) {
      if (existing[key] !== def[key]) {
        throw new AppError(
          'conflict',
          `${key}: a field's ${key} never changes once created (it is ${JSON.stringify(existing[key])}): values stored under it depend on it; make a new field instead`,
          { field: key, params: { current: String(existing[key]) } },
        );
      }
    }
  }
  const isOption = OPTION_FIELD_TYPES.includes(def.type);
  if (isOption && !catalog.optionLists.some((l) => l.key === def.optionList)) {
    throw invalid('optionList', `no option list "${def.optionList ?? ''}"; save the list first`);
  }
  if (!isOption && def.optionList !== null) {
    throw invalid('optionList', 'only select and multi-select fields take an option list');
  }
  if (def.type === 'money' && def.currency === null)
    throw invalid('currency', 'a money field needs a currency');
  if (def.defaultValue !== null) {
    // The default as a value of a one-field form: the same validator every form runs.
    const probe = { ...def, validation: { ...def.validation, required: false, unique: false } };
    const verdict = validateAttrs(
      {
        sections: [
          {
            key: 'probe',
            labelZh: def.labelZh,
            labelEn: def.labelEn,
            visibleWhen: null,
            fields: [{ field: def.key, width: 'full', required: false, readOnly: false, visibleWhen: null }],
          },
        ],
        fields: [probe],
      },
      { [def.key]: def.defaultValue },
      { optionLists: catalog.optionLists },
    );
    if (!verdict.ok) {
      const why = verdict.issues[0]?.message.replace(/^attrs\.[^:]*: /, '') ?? 'invalid';
      throw invalid('defaultValue', `not a valid value of this field (${why})`);
    }
  }
}

/** A published version of `template` with `layout`, as the synced row (schema-checked). */
export function versionRow(p: {
  id: string;
  template: { id: string; entity: TemplateEntity; category: string | null; nameZh: string; nameEn: string };
  orgId: string;
  layout: TemplateLayout;
  fields: FieldDef[];
  number: number;
  publishedBy: string;
  now: number;
  version: number;
}): TemplateVersionRow {
  return templateVersionRowSchema.parse({
    id: p.id,
    orgId: p.orgId,
    templateId: p.template.id,
    entity: p.template.entity,
    category: p.template.category,
    number: p.number,
    nameZh: p.template.nameZh,
    nameEn: p.template.nameEn,
    sections: p.layout.sections,
    fields: p.fields,
    publishedAt: p.now,
    publishedBy: p.publishedBy,
    createdAt: p.now,
    updatedAt: p.now,
    version: p.version,
  });
}
