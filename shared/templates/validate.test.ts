import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SAMPLE_OPTION_LISTS, sampleUserExists, templateArb, valuesArb } from './arbitraries';
import { matchesAttrFilter } from './filter';
import { pickTemplate } from './pick';
import {
  fieldDefSchema,
  templateLayoutSchema,
  type FieldDef,
  type TemplateShape,
  type TemplateVersionRow,
} from './schema';
import { initialAttrs, validateAttrs, visibleFieldKeys } from './validate';

const ctx = { optionLists: SAMPLE_OPTION_LISTS, userExists: sampleUserExists };

function field(key: string, type: FieldDef['type'], extra: Record<string, unknown> = {}): FieldDef {
  return fieldDefSchema.parse({ key, labelZh: key, labelEn: key, type, ...extra });
}

/** 是否上市 (listed) controls 上市代码 (ticker), which controls 上市板块 (board): nesting. */
const listed: TemplateShape = {
  fields: [
    field('listed', 'boolean'),
    field('ticker', 'text', { validation: { pattern: '^\\d{6}$' } }),
    field('board', 'select', { optionList: 'channel' }),
    field('size', 'select', { optionList: 'size', validation: { required: true } }),
    field('staff', 'number', { validation: { min: 1, max: 100000 } }),
    field('founded', 'date'),
    field('score', 'rating'),
  ],
  sections: [
    {
      key: 'basics',
      labelZh: '基本',
      labelEn: 'Basics',
      visibleWhen: null,
      fields: [
        { field: 'size', width: 'half', required: false, readOnly: false, visibleWhen: null },
        { field: 'staff', width: 'half', required: false, readOnly: false, visibleWhen: null },
        { field: 'founded', width: 'half', required: false, readOnly: false, visibleWhen: null },
        { field: 'score', width: 'half', required: false, readOnly: false, visibleWhen: null },
      ],
    },
    {
      key: 'market',
      labelZh: '上市',
      labelEn: 'Listing',
      visibleWhen: null,
      fields: [
        { field: 'listed', width: 'third', required: false, readOnly: false, visibleWhen: null },
        {
          field: 'ticker',
          width: 'third',
          required: true,
          readOnly: false,
          visibleWhen: { field: 'listed', op: 'eq', value: true },
        },
        {
          field: 'board',
          width: 'third',
          required: false,
          readOnly: false,
          visibleWhen: { field: 'ticker', op: 'notEmpty' },
        },
      ],
    },
  ],
};

function issues(values: Record<string, unknown>, previous: Record<string, unknown> | null = null) {
  const v = validateAttrs(listed, values, { ...ctx, previous });
  return v.ok ? [] : v.issues.map((i) => `${i.field}:${i.rule}`);
}

describe('validateAttrs', () => {
  it('accepts valid values and stores them normalised, empty ones removed', () => {
    const v = validateAttrs(
      listed,
      { size: 'large', staff: 120, founded: '2008-05-12', score: 4, founded2: undefined },
      ctx,
    );
    expect(v).toEqual({
      ok: true,
      values: { size: 'large', staff: 120, founded: '2008-05-12', score: 4 },
      unique: [],
    });
  });

  it('names the field and the rule of every refusal', () => {
    expect(issues({})).toEqual(['size:required']);
    expect(issues({ size: 'huge' })).toEqual(['size:option']);
    expect(issues({ size: 'small', staff: 0 })).toEqual(['staff:min']);
    expect(issues({ size: 'small', staff: '12' })).toEqual(['staff:type']);
    expect(issues({ size: 'small', founded: '2023-02-29' })).toEqual(['founded:type']);
    expect(issues({ size: 'small', score: 6 })).toEqual(['score:max']);
    expect(issues({ size: 'small', listed: true })).toEqual(['ticker:required']);
    expect(issues({ size: 'small', listed: true, ticker: 'ABC' })).toEqual(['ticker:pattern']);
  });

  it('shows a field only when its condition holds, transitively, and drops hidden values', () => {
    expect([...visibleFieldKeys(listed, { listed: false, ticker: '600000' })]).not.toContain('board');
    expect([...visibleFieldKeys(listed, { listed: true, ticker: '600000' })]).toContain('board');
    const v = validateAttrs(listed, { size: 'small', listed: false, ticker: '600000', board: 'direct' }, ctx);
    expect(v).toEqual({ ok: true, values: { size: 'small', listed: false }, unique: [] });
  });

  it('keeps an inactive option a record already holds, and refuses it as a new choice', () => {
    expect(issues({ size: 'legacy' })).toEqual(['size:inactiveOption']);
    expect(issues({ size: 'legacy', staff: 5 }, { size: 'legacy' })).toEqual([]);
  });

  it('keeps a stored value a tighter rule would refuse, and applies the rule to new values', () => {
    expect(issues({ size: 'small', staff: 200_000 }, { staff: 200_000 })).toEqual([]);
    expect(issues({ size: 'small', staff: 200_001 }, { staff: 200_000 })).toEqual(['staff:max']);
  });

  it('keeps values of retired fields unchanged and refuses changing them', () => {
    const previous = { size: 'small', oldField: 'kept' };
    const v = validateAttrs(listed, { size: 'medium', oldField: 'kept' }, { ...ctx, previous });
    expect(v).toEqual({ ok: true, values: { oldField: 'kept', size: 'medium' }, unique: [] });
    expect(issues({ size: 'medium', oldField: 'changed' }, previous)).toEqual(['oldField:unknownField']);
    // Left out of the submission, a retired value is still kept.
    expect(validateAttrs(listed, { size: 'medium' }, { ...ctx, previous })).toMatchObject({
      values: { oldField: 'kept' },
    });
  });

  it('asks the runner to check changed values of unique fields', () => {
    const shape: TemplateShape = {
      fields: [field('erp', 'text', { validation: { unique: true } })],
      sections: [
        {
          key: 's',
          labelZh: 's',
          labelEn: 's',
          visibleWhen: null,
          fields: [{ field: 'erp', width: 'full', required: false, readOnly: false, visibleWhen: null }],
        },
      ],
    };
    expect(validateAttrs(shape, { erp: ' K-1 ' }, ctx)).toMatchObject({
      unique: [{ field: 'erp', value: 'K-1' }],
    });
    expect(validateAttrs(shape, { erp: 'K-1' }, { ...ctx, previous: { erp: 'K-1' } })).toMatchObject({
      unique: [],
    });
  });

  it('refuses a changed read-only field but accepts its default on a new record', () => {
    const shape: TemplateShape = {
      fields: [field('origin', 'text', { defaultValue: 'web' })],
      sections: [
        {
          key: 's',
          labelZh: 's',
          labelEn: 's',
          visibleWhen: null,
          fields: [{ field: 'origin', width: 'full', required: false, readOnly: true, visibleWhen: null }],
        },
      ],
    };
    expect(initialAttrs(shape)).toEqual({ origin: 'web' });
    expect(validateAttrs(shape, { origin: 'web' }, ctx).ok).toBe(true);
    expect(validateAttrs(shape, { origin: 'fair' }, { ...ctx, previous: { origin: 'web' } }).ok).toBe(false);
  });

  it('checks user fields against the org when the runner can tell', () => {
    const shape: TemplateShape = {
      fields: [field('helper', 'user')],
      sections: [
        {
          key: 's',
          labelZh: 's',
          labelEn: 's',
          visibleWhen: null,
          fields: [{ field: 'helper', width: 'full', required: false, readOnly: false, visibleWhen: null }],
        },
      ],
    };
    const stranger = '00000000-0000-4000-8000-00000000beef';
    expect(validateAttrs(shape, { helper: stranger }, ctx)).toMatchObject({
      ok: false,
      issues: [{ rule: 'user' }],
    });
    expect(validateAttrs(shape, { helper: stranger }, { optionLists: [] }).ok).toBe(true);
  });
});

describe('validateAttrs properties', () => {
  const sample = templateArb.chain((shape) => fc.tuple(fc.constant(shape), valuesArb(shape)));

  it('is stable: what it accepts, it accepts again unchanged (what the server stores, a device re-validates)', () => {
    fc.assert(
      fc.property(sample, ([shape, values]) => {
        const first = validateAttrs(shape, values, ctx);
        if (!first.ok) return;
        const again = validateAttrs(shape, first.values, { ...ctx, previous: first.values });
        expect(again).toEqual({ ok: true, values: first.values, unique: [] });
        // A stored value survives a JSON round trip (the wire and both databases store JSON).
        expect(JSON.parse(JSON.stringify(first.values))).toEqual(first.values);
      }),
      { numRuns: 400 },
    );
  });

  it('only ever stores shown, non-empty values of placed fields', () => {
    fc.assert(
      fc.property(sample, ([shape, values]) => {
        const v = validateAttrs(shape, values, ctx);
        if (!v.ok) {
          expect(v.issues.length).toBeGreaterThan(0);
          for (const i of v.issues) expect(i.message.startsWith(`attrs.${i.field}: `)).toBe(true);
          return;
        }
        const shown = visibleFieldKeys(shape, values);
        for (const [k, value] of Object.entries(v.values)) {
          expect(shown.has(k)).toBe(true);
          expect(value === '' || value === null || (Array.isArray(value) && value.length === 0)).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('never throws, whatever the values', () => {
    fc.assert(
      fc.property(
        templateArb,
        fc.dictionary(fc.constantFrom('f0', 'f1', 'f2', 'zz'), fc.anything()),
        (shape, values) => {
          validateAttrs(shape, values, ctx);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the layout schema accepts every generated template (the designer publishes what the validator knows)', () => {
    fc.assert(
      fc.property(templateArb, (shape) => {
        expect(templateLayoutSchema.safeParse({ sections: shape.sections }).success).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

describe('attribute filters', () => {
  it('match ranges inclusively, dates as strings, multi-selects by any option', () => {
    const attrs = {
      staff: 120,
      founded: '2008-05-12',
      tags: ['a', 'b'],
      size: 'large',
      note: '华东 Key Account',
    };
    expect(matchesAttrFilter(attrs, { field: 'staff', op: 'range', min: 120, max: null })).toBe(true);
    expect(matchesAttrFilter(attrs, { field: 'staff', op: 'range', min: null, max: 119 })).toBe(false);
    expect(
      matchesAttrFilter(attrs, { field: 'founded', op: 'range', min: '2008-01-01', max: '2008-12-31' }),
    ).toBe(true);
    expect(matchesAttrFilter(attrs, { field: 'tags', op: 'in', values: ['b', 'z'] })).toBe(true);
    expect(matchesAttrFilter(attrs, { field: 'size', op: 'in', values: ['small'] })).toBe(false);
    expect(matchesAttrFilter(attrs, { field: 'note', op: 'contains', text: 'key' })).toBe(true);
    expect(matchesAttrFilter(attrs, { field: 'missing', op: 'empty' })).toBe(true);
    expect(matchesAttrFilter(attrs, { field: 'staff', op: 'range', min: '1', max: null })).toBe(false);
  });
});

describe('pickTemplate', () => {
  const base = {
    orgId: 'o',
    sections: [],
    fields: [],
    publishedBy: 'u',
    createdAt: 1,
    updatedAt: 1,
    version: 1,
  };
  const v = (
    id: string,
    templateId: string,
    category: string | null,
    number: number,
  ): TemplateVersionRow => ({
    ...base,
    id,
    templateId,
    entity: 'customer',
    category,
    number,
    nameZh: id,
    nameEn: id,
    publishedAt: number,
  });
  const versions = [v('d1', 'd', null, 1), v('d2', 'd', null, 2), v('m1', 'm', '制造业', 1)];

  it('prefers the category template, then the default, newest version first', () => {
    expect(pickTemplate(versions, 'customer', { industry: '制造业' })?.id).toBe('m1');
    expect(pickTemplate(versions, 'customer', { industry: '零售' })?.id).toBe('d2');
    expect(pickTemplate(versions, 'customer', null)?.id).toBe('d2');
    expect(pickTemplate(versions, 'contact', null)).toBeNull();
  });
});
