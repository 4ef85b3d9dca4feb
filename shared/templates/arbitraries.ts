import fc from 'fast-check';
import {
  fieldDefSchema,
  type Condition,
  type FieldDef,
  type FieldType,
  type OptionList,
  type TemplateSection,
  type TemplateShape,
} from './schema';

/**
 * fast-check generators of random templates and of values for them, valid and invalid, shared by the
 * validator's own properties and by the tests that compare the renderer's, the client core's and the
 * server's verdicts. Test-only (imported by *.test.ts files and test helpers).
 */

const TYPES: FieldType[] = [
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
];

export const SAMPLE_USER_IDS = [
  '00000000-0000-4000-8000-000000000001',
  '00000000-0000-4000-8000-000000000002',
];

/** Two option lists: one with an inactive value, one small. */
export const SAMPLE_OPTION_LISTS: OptionList[] = [
  {
    key: 'size',
    labelZh: '规模',
    labelEn: 'Size',
    values: [
      { key: 'small', labelZh: '小型', labelEn: 'Small', color: 'gray', active: true },
      { key: 'medium', labelZh: '中型', labelEn: 'Medium', color: 'blue', active: true },
      { key: 'large', labelZh: '大型', labelEn: 'Large', color: 'green', active: true },
      { key: 'legacy', labelZh: '旧分类', labelEn: 'Legacy', color: 'red', active: false },
    ],
  },
  {
    key: 'channel',
    labelZh: '渠道',
    labelEn: 'Channel',
    values: [
      { key: 'direct', labelZh: '直销', labelEn: 'Direct', color: 'teal', active: true },
      { key: 'agent', labelZh: '代理', labelEn: 'Agent', color: 'amber', active: true },
    ],
  },
];

/** True one time in four: most fields are optional, as in real forms. */
const rarely = fc.oneof(
  { weight: 3, arbitrary: fc.constant(false) },
  { weight: 1, arbitrary: fc.constant(true) },
);

const fieldArb = (key: string): fc.Arbitrary<FieldDef> =>
  fc
    .record({
      type: fc.constantFrom(...TYPES),
      required: rarely,
      bound: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 50 }) },
      ),
      span: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
      pattern: fc.option(fc.constantFrom('^[A-Z]', '\\d', '^.{2,}$'), { nil: null, freq: 4 }),
      list: fc.constantFrom('size', 'channel'),
      unique: fc.boolean(),
    })
    .map(({ type, required, bound, span, pattern, list, unique }) =>
      fieldDefSchema.parse({
        key,
        labelZh: `字段${key}`,
        labelEn: `Field ${key}`,
        type,
        optionList: type === 'select' || type === 'multiSelect' ? list : null,
        currency: type === 'money' ? 'CNY' : null,
        validation: {
          required,
          min: bound,
          max: bound === null || span === null ? null : bound + span,
          pattern: ['text', 'longText'].includes(type) ? pattern : null,
          unique,
        },
      }),
    );

/** One comparison with a field, with an operand of the field's kind (what publishing accepts). */
function comparisonArb(def: FieldDef): fc.Arbitrary<Condition> {
  const field = def.key;
  const presence = fc.constantFrom('empty' as const, 'notEmpty' as const).map((op) => ({ field, op }));
  const compare = (ops: string[], operand: fc.Arbitrary<unknown>) =>
    fc.record({
      field: fc.constant(field),
      op: fc.constantFrom(...ops),
      value: operand,
    }) as fc.Arbitrary<Condition>;
  let typed: fc.Arbitrary<Condition>;
  if (def.type === 'select' || def.type === 'multiSelect') {
    const keys = SAMPLE_OPTION_LISTS.find((l) => l.key === def.optionList)?.values.map((v) => v.key) ?? ['x'];
    typed = fc.oneof(
      compare(
        def.type === 'multiSelect' ? ['eq', 'neq', 'contains'] : ['eq', 'neq'],
        fc.constantFrom(...keys),
      ),
      compare(['in', 'notIn'], fc.subarray(keys, { minLength: 1 })),
    );
  } else if (def.type === 'boolean') {
    typed = compare(['eq', 'neq'], fc.boolean());
  } else if (def.type === 'date') {
    typed = compare(['eq', 'gt', 'lte'], fc.constantFrom('2000-01-01', '2024-02-29', '2026-11-25'));
  } else if (['number', 'money', 'percent', 'rating', 'datetime'].includes(def.type)) {
    typed = compare(['eq', 'neq', 'gt', 'gte', 'lt', 'lte'], fc.integer({ min: -5, max: 120 }));
  } else if (def.type === 'user') {
    typed = compare(['eq', 'neq'], fc.constantFrom(...SAMPLE_USER_IDS));
  } else {
    typed = fc.oneof(
      compare(['eq', 'neq'], fc.constantFrom('ABC', '12', '供应链')),
      compare(['contains'], fc.constantFrom('a', 'B', '1')),
    );
  }
  return fc.oneof(
    { weight: 1, arbitrary: presence as fc.Arbitrary<Condition> },
    { weight: 3, arbitrary: typed },
  );
}

/** A condition over some of `defs` (leaves, or one level of all / any / not). */
const conditionArb = (defs: FieldDef[]): fc.Arbitrary<Condition> => {
  const leaf = fc.constantFrom(...defs).chain(comparisonArb);
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((all) => ({ all })) },
    { weight: 1, arbitrary: fc.array(leaf, { minLength: 1, maxLength: 3 }).map((any) => ({ any })) },
    { weight: 1, arbitrary: leaf.map((not) => ({ not })) },
  );
};

/** A template of 1–8 fields in 1–3 sections, some conditional, some required or read-only. */
export const templateArb: fc.Arbitrary<TemplateShape> = fc
  .integer({ min: 1, max: 8 })
  .chain((n) => {
    const keys = Array.from({ length: n }, (_, i) => `f${i}`);
    return fc.tuple(...keys.map(fieldArb));
  })
  .chain((fields) =>
    fc.record({
      fields: fc.constant(fields),
      sectionOf: fc.tuple(...fields.map(() => fc.integer({ min: 0, max: 2 }))),
      required: fc.tuple(...fields.map(() => rarely)),
      // A field's condition refers only to fields before it: layouts are acyclic, as publishing requires.
      conditions: fc.tuple(
        ...fields.map((_, i) =>
          i === 0 ? fc.constant(null) : fc.option(conditionArb(fields.slice(0, i)), { nil: null, freq: 2 }),
        ),
      ),
    }),
  )
  .map(({ fields, sectionOf, required, conditions }) => {
    const sections: TemplateSection[] = [0, 1, 2].map((i) => ({
      key: `s${i}`,
      labelZh: `分组${i}`,
      labelEn: `Section ${i}`,
      visibleWhen: null,
      fields: [],
    }));
    fields.forEach((f, i) => {
      sections[sectionOf[i]!]!.fields.push({
        field: f.key,
        width: 'half',
        required: required[i]!,
        readOnly: false,
        visibleWhen: conditions[i] ?? null,
      });
    });
    return { sections: sections.filter((s) => s.fields.length > 0), fields };
  });

/** A value for a field: usually of the right shape, sometimes not (to exercise every refusal). */
export function valueArb(def: FieldDef): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(
    fc.constant(''),
    fc.constant(null),
    fc.constant('x'),
    fc.constant(-1),
    fc.constant([1]),
  );
  const right: fc.Arbitrary<unknown> = (() => {
    switch (def.type) {
      case 'text':
      case 'longText':
        return fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('ABC', '  Padded  ', '12', '供应链'));
      case 'number':
      case 'percent':
        return fc.oneof(fc.integer({ min: -10, max: 200 }), fc.double({ min: -5, max: 150, noNaN: true }));
      case 'money':
        return fc.integer({ min: -100, max: 10_000_000 });
      case 'rating':
        return fc.integer({ min: 0, max: 7 });
      case 'datetime':
        return fc.integer({ min: 0, max: 2_000_000_000_000 });
      case 'date':
        return fc.constantFrom('2026-11-25', '2024-02-29', '2023-02-29', '1999-12-31', '2026-13-01');
      case 'boolean':
        return fc.boolean();
      case 'select':
        return fc.constantFrom('small', 'medium', 'large', 'legacy', 'direct', 'agent', 'nope');
      case 'multiSelect':
        return fc.subarray(['small', 'medium', 'large', 'legacy', 'direct', 'agent', 'nope']);
      case 'phone':
        return fc.constantFrom('13800138000', '021-68888888', '12345', '+86 139 0000 1111');
      case 'email':
        return fc.constantFrom('li.na@example.cn', 'not-an-email', 'a@b.co');
      case 'url':
        return fc.constantFrom('https://tidepool.example.com', 'example.cn/path', 'nope');
      case 'region':
        return fc.constantFrom('广东省/深圳市/南山区', '浙江省', 'a/b/c/d', '江苏省//苏州');
      case 'user':
        return fc.constantFrom(...SAMPLE_USER_IDS, '00000000-0000-4000-8000-00000000dead', 'someone');
    }
  })();
  return fc.oneof({ weight: 9, arbitrary: right }, { weight: 1, arbitrary: wrong });
}

/** Values for every field of a template, some left out. */
export function valuesArb(shape: TemplateShape): fc.Arbitrary<Record<string, unknown>> {
  const entries = shape.fields.map((f) => fc.option(valueArb(f), { nil: undefined, freq: 4 }));
  return fc.tuple(...entries).map((vals) => {
    const out: Record<string, unknown> = {};
    shape.fields.forEach((f, i) => {
      if (vals[i] !== undefined) out[f.key] = vals[i];
    });
    return out;
  });
}

export const sampleUserExists = (id: string): boolean => SAMPLE_USER_IDS.includes(id);
