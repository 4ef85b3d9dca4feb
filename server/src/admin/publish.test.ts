import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { templateLayoutSchema, type CatalogRow, type Condition } from '../../../shared/templates';
import { DEMO_FIELDS, DEMO_OPTION_LISTS } from '../seed/demoTemplates';
import { checkFieldDef, checkPublishable } from './publish';

/**
 * The publish and field checks as pure functions (the HTTP paths are in templates.test.ts): what a
 * condition may compare each kind of field with, and what a catalog must hold for a draft to publish.
 */
const catalog: Pick<CatalogRow, 'optionLists' | 'fields'> = {
  optionLists: DEMO_OPTION_LISTS,
  fields: DEMO_FIELDS,
};

/** `target` placed after `control`, shown when `condition` holds. */
function draft(control: string, condition: Condition, target = 'business_notes') {
  return templateLayoutSchema.parse({
    sections: [
      {
        key: 's',
        labelZh: '节',
        labelEn: 'S',
        fields: [{ field: control }, { field: target, visibleWhen: condition }],
      },
    ],
  });
}

function refusal(work: () => unknown): { code: string; field?: string; message: string } | undefined {
  try {
    work();
    return undefined;
  } catch (err) {
    if (err instanceof AppError) return err.toJSON();
    throw err;
  }
}

describe('checkPublishable', () => {
  it('accepts comparisons of each kind of field with values of its kind', () => {
    const ok: [string, Condition][] = [
      ['company_size', { field: 'company_size', op: 'eq', value: 'large' }],
      // An inactive option is still an option: a condition on it keeps old records readable.
      ['company_size', { field: 'company_size', op: 'in', value: ['unknown', 'micro'] }],
      ['products', { field: 'products', op: 'contains', value: 'robots' }],
      ['is_listed', { field: 'is_listed', op: 'neq', value: false }],
      ['employee_count', { field: 'employee_count', op: 'gte', value: 1000 }],
      ['annual_purchase', { field: 'annual_purchase', op: 'lt', value: 5_000_000_00 }],
      ['founded_on', { field: 'founded_on', op: 'lt', value: '2000-01-01' }],
      ['hq_region', { field: 'hq_region', op: 'contains', value: '江苏' }],
      ['stock_code', { field: 'stock_code', op: 'notEmpty' }],
      [
        'credit_rating',
        {
          all: [
            { field: 'credit_rating', op: 'notEmpty' },
            { not: { field: 'credit_rating', op: 'eq', value: 'aaa' } },
          ],
        },
      ],
    ];
    for (const [control, condition] of ok) {
      expect(
        refusal(() => checkPublishable(draft(control, condition), catalog)),
        JSON.stringify(condition),
      ).toBeUndefined();
    }
    const fields = checkPublishable(
      draft('company_size', { field: 'company_size', op: 'eq', value: 'large' }),
      catalog,
    );
    expect(fields.map((f) => f.key)).toEqual(['company_size', 'business_notes']);
  });

  it('refuses comparisons with values of another kind, naming the condition', () => {
    const bad: [string, Condition, RegExp][] = [
      [
        'company_size',
        { field: 'company_size', op: 'eq', value: 'huge' },
        /option of the list "company_size"/,
      ],
      ['company_size', { field: 'company_size', op: 'in', value: 'large' }, /a list of/],
      ['company_size', { field: 'company_size', op: 'gt', value: 'small' }, /by size/],
      ['is_listed', { field: 'is_listed', op: 'eq', value: 'true' }, /true or false/],
      ['employee_count', { field: 'employee_count', op: 'gte', value: '1000' }, /a number/],
      ['founded_on', { field: 'founded_on', op: 'gt', value: '2000年' }, /YYYY-MM-DD/],
      ['is_listed', { field: 'is_listed', op: 'contains', value: 'x' }, /only texts and multi-selects/],
      ['stock_code', { field: 'stock_code', op: 'empty', value: '600000' }, /takes no value/],
      [
        'products',
        { any: [{ field: 'products', op: 'contains', value: 'drones' }] },
        /option of the list "products"/,
      ],
    ];
    for (const [control, condition, message] of bad) {
      const error = refusal(() => checkPublishable(draft(control, condition), catalog));
      expect(error, JSON.stringify(condition)).toMatchObject({
        code: 'validation',
        field: 'layout.sections.0.fields.1.visibleWhen',
      });
      expect(error?.message).toMatch(message);
    }
  });

  it('needs every placed field in the library, active, with its option list', () => {
    const layout = draft('company_size', { field: 'company_size', op: 'notEmpty' });
    const withoutList = {
      ...catalog,
      optionLists: catalog.optionLists.filter((l) => l.key !== 'company_size'),
    };
    expect(refusal(() => checkPublishable(layout, withoutList))).toMatchObject({
      field: 'layout.sections.0.fields.0.field',
      message: expect.stringMatching(/option list "company_size"/),
    });
    const withoutField = { ...catalog, fields: catalog.fields.filter((f) => f.key !== 'business_notes') };
    expect(refusal(() => checkPublishable(layout, withoutField))?.field).toBe(
      'layout.sections.0.fields.1.field',
    );
  });
});

describe('checkFieldDef', () => {
  const size = DEMO_FIELDS.find((f) => f.key === 'company_size');

  it('keeps what stored values mean: type, option list, currency', () => {
    if (!size) throw new Error('demo field missing');
    expect(refusal(() => checkFieldDef({ ...size, labelEn: 'Size' }, size, catalog))).toBeUndefined();
    expect(refusal(() => checkFieldDef({ ...size, type: 'multiSelect' }, size, catalog))).toMatchObject({
      code: 'conflict',
      field: 'type',
    });
    expect(refusal(() => checkFieldDef({ ...size, optionList: 'ownership' }, size, catalog))?.field).toBe(
      'optionList',
    );
  });

  it('checks the default with the shared validator', () => {
    if (!size) throw new Error('demo field missing');
    expect(refusal(() => checkFieldDef({ ...size, defaultValue: 'small' }, size, catalog))).toBeUndefined();
    expect(refusal(() => checkFieldDef({ ...size, defaultValue: 'huge' }, size, catalog))).toMatchObject({
      field: 'defaultValue',
      message: expect.stringMatching(/not an option/),
    });
  });
});
