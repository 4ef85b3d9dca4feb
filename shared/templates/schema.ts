import { z } from 'zod';
import { CURRENCIES } from '../domain/money';
import { optionKeySchema } from '../domain/settings';

/**
 * Business profiles from templates (SPEC §3, docs/templates.md). An org's **catalog** holds its managed
 * option lists and its field library; a **template** arranges library fields in sections for one entity
 * (and optionally one category, e.g. the customer's industry). Publishing a template makes an immutable
 * **template version** that carries a snapshot of the fields it uses, so a value is always judged by
 * the definition it was entered under. Option lists are not snapshotted: deactivating a value applies at
 * once everywhere, and keeps the records that hold it valid.
 */

export const FIELD_TYPES = [
  'text',
  'longText',
  'number',
  'money',
  'percent',
  'date',
  'datetime',
  'boolean',
  'select',
  'multiSelect',
  'phone',
  'email',
  'url',
  'region',
  'user',
  'rating',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Types whose values come from an option list. */
export const OPTION_FIELD_TYPES: readonly FieldType[] = ['select', 'multiSelect'];
/** Types compared as numbers by validation (min/max) and by filters (ranges). */
export const NUMERIC_FIELD_TYPES: readonly FieldType[] = ['number', 'money', 'percent', 'rating', 'datetime'];
/** Types whose min/max are string lengths. */
export const TEXT_FIELD_TYPES: readonly FieldType[] = ['text', 'longText', 'phone', 'email', 'url', 'region'];

export const TEMPLATE_ENTITIES = ['customer', 'contact', 'lead', 'opportunity', 'followUp'] as const;
export type TemplateEntity = (typeof TEMPLATE_ENTITIES)[number];

/** Keys of fields, option lists and their values: stable, lowercase, short (never reused). */
export const defKeySchema = optionKeySchema;

const label = z.string().trim().min(1, { message: 'Required' }).max(60);
const help = z.string().trim().max(300).nullable().default(null);

export const OPTION_COLORS = [
  'gray',
  'red',
  'orange',
  'amber',
  'green',
  'teal',
  'blue',
  'indigo',
  'purple',
  'pink',
] as const;
export type OptionColor = (typeof OPTION_COLORS)[number];

/** One value of an option list. Order is the array's order. */
export const optionValueSchema = z.object({
  key: defKeySchema,
  labelZh: label,
  labelEn: label,
  color: z.enum(OPTION_COLORS).default('gray'),
  /** Inactive values stay valid on the records that hold them; new choices cannot pick them. */
  active: z.boolean().default(true),
});
export type OptionValue = z.infer<typeof optionValueSchema>;

function uniqueKeys(list: readonly { key: string }[]): boolean {
  return new Set(list.map((o) => o.key)).size === list.length;
}

export const optionListSchema = z.object({
  key: defKeySchema,
  labelZh: label,
  labelEn: label,
  values: z.array(optionValueSchema).max(300).refine(uniqueKeys, { message: 'Value keys must be unique' }),
});
export type OptionList = z.infer<typeof optionListSchema>;

/** A regular expression an admin typed: must compile, and stays short enough to be cheap. */
const patternSchema = z
  .string()
  .min(1)
  .max(200)
  .refine(
    (p) => {
      try {
        new RegExp(p, 'u');
        return true;
      } catch {
        return false;
      }
    },
    { message: 'Not a valid regular expression' },
  );

/**
 * A field's rules. `min`/`max` bound the number (number, money in major units ×100 = minor, percent,
 * rating, datetime as epoch ms) or, for text types, the length; `unique` means unique among the org's
 * records of the entity (checked by the server, and against what the device holds offline).
 */
export const fieldValidationSchema = z
  .object({
    required: z.boolean().default(false),
    min: z.number().finite().nullable().default(null),
    max: z.number().finite().nullable().default(null),
    pattern: patternSchema.nullable().default(null),
    unique: z.boolean().default(false),
  })
  .refine((v) => v.min === null || v.max === null || v.min <= v.max, {
    message: 'min must not be greater than max',
    path: ['min'],
  });
export type FieldValidation = z.infer<typeof fieldValidationSchema>;

/** A field of the library. Its key and type never change once created (values depend on them). */
export const fieldDefSchema = z
  .object({
    key: defKeySchema,
    labelZh: label,
    labelEn: label,
    type: z.enum(FIELD_TYPES),
    /** The option list's key, for select and multiSelect (required for them, null otherwise). */
    optionList: defKeySchema.nullable().default(null),
    /** Money fields: the currency of their integer minor-unit values. */
    currency: z.enum(CURRENCIES).nullable().default(null),
    validation: fieldValidationSchema.default({
      required: false,
      min: null,
      max: null,
      pattern: null,
      unique: false,
    }),
    /** Put into new records' forms (the value's own shape, see `attrValueSchema`). */
    defaultValue: z.unknown().nullable().default(null),
    helpZh: help,
    helpEn: help,
    /** Indexed for filters and offered as a table column / filter in lists. */
    searchable: z.boolean().default(false),
    /** An inactive field is no longer offered to templates; published versions keep it. */
    active: z.boolean().default(true),
  })
  .refine((f) => !OPTION_FIELD_TYPES.includes(f.type) || f.optionList !== null, {
    message: 'A select field needs an option list',
    path: ['optionList'],
  });
export type FieldDef = z.infer<typeof fieldDefSchema>;

/**
 * When a field (or a section) is shown: a comparison with another field's value, or a group. Nesting is
 * allowed up to `MAX_CONDITION_DEPTH`; a field hidden because its controlling field is hidden is hidden
 * too (visibility is transitive).
 */
export const CONDITION_OPS = [
  'eq',
  'neq',
  'in',
  'notIn',
  'empty',
  'notEmpty',
  'gt',
  'gte',
  'lt',
  'lte',
  'contains',
] as const;
export type ConditionOp = (typeof CONDITION_OPS)[number];
export const MAX_CONDITION_DEPTH = 4;

export type Condition =
  | { field: string; op: ConditionOp; value?: unknown }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.object({ field: defKeySchema, op: z.enum(CONDITION_OPS), value: z.unknown().optional() }).strict(),
    z.object({ all: z.array(conditionSchema).min(1).max(20) }).strict(),
    z.object({ any: z.array(conditionSchema).min(1).max(20) }).strict(),
    z.object({ not: conditionSchema }).strict(),
  ]),
);

export const FIELD_WIDTHS = ['full', 'half', 'third'] as const;

/** A library field placed in a template section. */
export const templateFieldSchema = z.object({
  field: defKeySchema,
  width: z.enum(FIELD_WIDTHS).default('half'),
  /** Required in this template (on top of the field's own `validation.required`). */
  required: z.boolean().default(false),
  /** Shown, never changed through this template's form. */
  readOnly: z.boolean().default(false),
  visibleWhen: conditionSchema.nullable().default(null),
});
export type TemplateField = z.infer<typeof templateFieldSchema>;

export const templateSectionSchema = z.object({
  key: defKeySchema,
  labelZh: label,
  labelEn: label,
  fields: z.array(templateFieldSchema).max(100),
  visibleWhen: conditionSchema.nullable().default(null),
});
export type TemplateSection = z.infer<typeof templateSectionSchema>;

export const MAX_TEMPLATE_FIELDS = 200;

function conditionDepth(c: Condition): number {
  if ('all' in c) return 1 + Math.max(...c.all.map(conditionDepth));
  if ('any' in c) return 1 + Math.max(...c.any.map(conditionDepth));
  if ('not' in c) return 1 + conditionDepth(c.not);
  return 1;
}

export function conditionFields(c: Condition | null, out: string[] = []): string[] {
  if (!c) return out;
  if ('all' in c) c.all.forEach((x) => conditionFields(x, out));
  else if ('any' in c) c.any.forEach((x) => conditionFields(x, out));
  else if ('not' in c) conditionFields(c.not, out);
  else out.push(c.field);
  return out;
}

/** What an admin edits and publishes: sections of fields. Checked against the library on publish. */
export const templateLayoutSchema = z
  .object({ sections: z.array(templateSectionSchema).max(30) })
  .superRefine((layout, ctx) => {
    const seen = new Set<string>();
    const sectionKeys = new Set<string>();
    for (const [si, section] of layout.sections.entries()) {
      if (sectionKeys.has(section.key)) {
        ctx.addIssue({
          code: 'custom',
          message: 'Section keys must be unique',
          path: ['sections', si, 'key'],
        });
      }
      sectionKeys.add(section.key);
      for (const [fi, f] of section.fields.entries()) {
        if (seen.has(f.field)) {
          ctx.addIssue({
            code: 'custom',
            message: `Field "${f.field}" is placed twice`,
            path: ['sections', si, 'fields', fi, 'field'],
          });
        }
        seen.add(f.field);
      }
    }
    if (seen.size > MAX_TEMPLATE_FIELDS) {
      ctx.addIssue({ code: 'custom', message: `At most ${MAX_TEMPLATE_FIELDS} fields`, path: ['sections'] });
    }
    const all = [
      ...layout.sections.map((s) => s.visibleWhen),
      ...layout.sections.flatMap((s) => s.fields.map((f) => f.visibleWhen)),
    ];
    // A field shown only when it (or something it controls) has a value could never be filled in:
    // conditions must not form a cycle.
    const deps = new Map<string, string[]>();
    for (const section of layout.sections) {
      for (const f of section.fields) {
        deps.set(f.field, [...conditionFields(section.visibleWhen), ...conditionFields(f.visibleWhen)]);
      }
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const cyclic = (k: string): boolean => {
      if (state.get(k) === 'done') return false;
      if (state.get(k) === 'visiting') return true;
      state.set(k, 'visiting');
      const found = (deps.get(k) ?? []).some(cyclic);
      state.set(k, 'done');
      return found;
    };
    for (const k of deps.keys()) {
      if (cyclic(k)) {
        ctx.addIssue({
          code: 'custom',
          message: `The conditions of "${k}" depend on themselves`,
          path: ['sections'],
        });
        break;
      }
    }
    for (const c of all) {
      if (c && conditionDepth(c) > MAX_CONDITION_DEPTH) {
        ctx.addIssue({
          code: 'custom',
          message: `Conditions nest at most ${MAX_CONDITION_DEPTH} deep`,
          path: ['sections'],
        });
      }
      for (const ref of conditionFields(c)) {
        if (!seen.has(ref)) {
          ctx.addIssue({
            code: 'custom',
            message: `A condition refers to "${ref}", which is not in this template`,
            path: ['sections'],
          });
        }
      }
    }
  });
export type TemplateLayout = z.infer<typeof templateLayoutSchema>;

/** Where a category comes from: for customers and leads, the record's `industry`. */
export const CATEGORY_SOURCE: Record<TemplateEntity, 'industry' | null> = {
  customer: 'industry',
  lead: 'industry',
  contact: null,
  opportunity: null,
  followUp: null,
};

const id = z.uuid();
const ms = z.int().nonnegative();

/**
 * The org's option lists and field library: one synced row per org (`id` = the org's id), written only by
 * the server's admin operations (`/admin/...`), read-only on devices.
 */
export const catalogRowSchema = z.object({
  id,
  orgId: id,
  optionLists: z.array(optionListSchema).max(200),
  fields: z.array(fieldDefSchema).max(1000),
  updatedAt: ms,
  version: ms,
});
export type CatalogRow = z.infer<typeof catalogRowSchema>;

/**
 * A published, immutable template version, synced to every device of the org. `fields` is the snapshot
 * of the library fields its layout uses, as they were when it was published.
 */
export const templateVersionRowSchema = z.object({
  id,
  orgId: id,
  templateId: id,
  entity: z.enum(TEMPLATE_ENTITIES),
  /** null: the entity's default template; otherwise the category value it applies to (an industry). */
  category: z.string().max(100).nullable(),
  /** 1, 2, 3, … per template. The highest is the one forms render with. */
  number: z.int().positive(),
  nameZh: label,
  nameEn: label,
  sections: z.array(templateSectionSchema),
  fields: z.array(fieldDefSchema),
  publishedAt: ms,
  publishedBy: id,
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type TemplateVersionRow = z.infer<typeof templateVersionRowSchema>;

/** The parts of a version the validator and the form need (a draft being previewed has them too). */
export type TemplateShape = Pick<TemplateVersionRow, 'sections' | 'fields'>;

/** The value of one attribute as stored (JSON), by field type; null is "no value". */
export const ATTR_VALUE_SHAPES: Record<FieldType, string> = {
  text: 'string',
  longText: 'string',
  number: 'finite number',
  money: 'integer minor units (分/cents) of the field currency',
  percent: 'number, 12.5 = 12.5 %',
  date: 'calendar date "YYYY-MM-DD"',
  datetime: 'epoch milliseconds',
  boolean: 'true | false',
  select: 'an option key',
  multiSelect: 'array of distinct option keys',
  phone: 'string (a valid phone number, as typed)',
  email: 'string',
  url: 'string',
  region: '"province", "province/city" or "province/city/district"',
  user: 'a user id of the org',
  rating: 'integer 1..max (max defaults to 5)',
};
