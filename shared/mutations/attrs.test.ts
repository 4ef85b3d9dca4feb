import { describe, expect, it } from 'vitest';
import { newId } from '../ids';
import { SAMPLE_OPTION_LISTS } from '../templates/arbitraries';
import { fieldDefSchema, type CatalogRow, type TemplateVersionRow } from '../templates/schema';
import { addContact, createCustomer, updateCustomer } from './index';
import { errorOf, mutationFixture } from './testFixtures';

const { orgId, me, now, ctx, customer } = mutationFixture('杭州云岫供应链管理有限公司');

const catalog: CatalogRow = {
  id: orgId,
  orgId,
  optionLists: SAMPLE_OPTION_LISTS,
  fields: [],
  updatedAt: now,
  version: 1,
};

function version(number: number, staffMax: number): TemplateVersionRow {
  return {
    id: newId(),
    orgId,
    templateId: 'aaaaaaaa-0000-4000-8000-000000000001',
    entity: 'customer',
    category: null,
    number,
    nameZh: '客户档案',
    nameEn: 'Customer profile',
    fields: [
      fieldDefSchema.parse({
        key: 'size',
        labelZh: '规模',
        labelEn: 'Size',
        type: 'select',
        optionList: 'size',
      }),
      fieldDefSchema.parse({
        key: 'staff',
        labelZh: '员工人数',
        labelEn: 'Staff',
        type: 'number',
        validation: { min: 1, max: staffMax },
      }),
      fieldDefSchema.parse({
        key: 'erp',
        labelZh: 'ERP 编号',
        labelEn: 'ERP id',
        type: 'text',
        validation: { unique: true },
      }),
    ],
    sections: [
      {
        key: 'main',
        labelZh: '概况',
        labelEn: 'Overview',
        visibleWhen: null,
        fields: ['size', 'staff', 'erp'].map((field) => ({
          field,
          width: 'half' as const,
          required: field === 'size',
          readOnly: false,
          visibleWhen: null,
        })),
      },
    ],
    publishedAt: now - 1000 * number,
    publishedBy: me,
    createdAt: now,
    updatedAt: now,
    version: number,
  };
}

const v1 = version(1, 500);
const v2 = version(2, 100);

describe('templated writes', () => {
  it('stores validated attributes with the version the form used', () => {
    const args = createCustomer.args.parse({
      id: newId(),
      name: '杭州云岫供应链管理有限公司',
      attrs: { size: 'medium', staff: 300, erp: ' K-88 ' },
      templateVersionId: v1.id,
    });
    const effects = createCustomer.plan(args, { template: v1, catalog }, ctx);
    expect(effects[0]).toMatchObject({
      kind: 'insert',
      row: { attrs: { size: 'medium', staff: 300, erp: 'K-88' }, templateVersionId: v1.id },
    });
    expect(effects[1]).toEqual({
      kind: 'assertUnique',
      entity: 'customer',
      table: 'customers',
      id: args.id,
      field: 'erp',
      value: 'K-88',
    });
  });

  it('judges a pending edit by the version its author saw, not a newer one', () => {
    const args = createCustomer.args.parse({
      id: newId(),
      name: 'x',
      attrs: { size: 'small', staff: 300 },
      templateVersionId: v1.id,
    });
    expect(createCustomer.plan(args, { template: v1, catalog }, ctx)[0]).toMatchObject({ kind: 'insert' });
    const underV2 = { ...args, templateVersionId: v2.id };
    const error = errorOf(() => createCustomer.plan(underV2, { template: v2, catalog }, ctx));
    expect(error.field).toBe('attrs.staff');
    expect(error.params).toMatchObject({ rule: 'max', max: 100 });
  });

  it('refuses attributes without a version, with an unknown one or one for another entity', () => {
    const args = createCustomer.args.parse({ id: newId(), name: 'x', attrs: { size: 'small' } });
    expect(errorOf(() => createCustomer.plan(args, { catalog }, ctx)).field).toBe('templateVersionId');
    const unknown = { ...args, templateVersionId: newId() };
    expect(errorOf(() => createCustomer.plan(unknown, { catalog }, ctx)).field).toBe('templateVersionId');
    const contactArgs = addContact.args.parse({
      id: newId(),
      customerId: newId(),
      name: '王磊',
      attrs: { size: 'small' },
      templateVersionId: v1.id,
    });
    const target = customer({ id: contactArgs.customerId });
    expect(
      errorOf(() => addContact.plan(contactArgs, { customer: target, template: v1, catalog }, ctx)).message,
    ).toMatch(/for customer records, not contact/);
  });

  it('merges attributes key by key: a stale edit of the same key is a conflict, others apply', () => {
    const stored = customer({ attrs: { size: 'large', staff: 200 }, templateVersionId: v1.id });
    const args = updateCustomer.args.parse({
      id: stored.id,
      set: { attrs: { size: 'small', staff: 250 } },
      base: { attrs: { size: 'medium', staff: 200 } },
      templateVersionId: v1.id,
    });
    const effects = updateCustomer.plan(args, { customer: stored, template: v1, catalog }, ctx);
    expect(effects).toContainEqual({
      kind: 'conflict',
      table: 'customers',
      id: stored.id,
      field: 'attrs.size',
      base: 'medium',
      mine: 'small',
      theirs: 'large',
    });
    expect(effects).toContainEqual(
      expect.objectContaining({
        kind: 'update',
        set: expect.objectContaining({ attrs: { size: 'large', staff: 250 } }),
      }),
    );
  });

  it('leaves attributes alone when an update does not send any', () => {
    const stored = customer({ attrs: { size: 'legacy', retired: 'x' }, templateVersionId: v1.id });
    const args = updateCustomer.args.parse({ id: stored.id, set: { address: '滨江区江南大道 88 号' } });
    const effects = updateCustomer.plan(args, { customer: stored }, ctx);
    expect(effects).toEqual([
      expect.objectContaining({ kind: 'update', set: { address: '滨江区江南大道 88 号', updatedAt: now } }),
    ]);
  });

  it('keeps an inactive option and a retired field the record holds when another attribute changes', () => {
    const stored = customer({ attrs: { size: 'legacy', retired: 'x' }, templateVersionId: v1.id });
    const args = updateCustomer.args.parse({
      id: stored.id,
      set: { attrs: { staff: 12 } },
      base: { attrs: { staff: null } },
      templateVersionId: v1.id,
    });
    const effects = updateCustomer.plan(args, { customer: stored, template: v1, catalog }, ctx);
    expect(effects).toContainEqual(
      expect.objectContaining({
        kind: 'update',
        set: expect.objectContaining({ attrs: { retired: 'x', size: 'legacy', staff: 12 } }),
      }),
    );
  });
});
