import type {
  FieldDef,
  OptionList,
  TemplateShape,
  TemplateVersionRow,
} from '../../../../../shared/templates/schema';

/** Small fixtures for the renderer's template tests (a list, a library, a version). */

export const SIZE_LIST: OptionList = {
  key: 'size',
  labelZh: '规模',
  labelEn: 'Size',
  values: [
    { key: 'small', labelZh: '小型', labelEn: 'Small', color: 'gray', active: true },
    { key: 'large', labelZh: '大型', labelEn: 'Large', color: 'blue', active: true },
    { key: 'legacy', labelZh: '旧分类', labelEn: 'Legacy', color: 'red', active: false },
  ],
};

export function field(key: string, type: FieldDef['type'], patch: Partial<FieldDef> = {}): FieldDef {
  return {
    key,
    labelZh: key,
    labelEn: key,
    type,
    optionList: type === 'select' || type === 'multiSelect' ? 'size' : null,
    currency: type === 'money' ? 'CNY' : null,
    validation: { required: false, min: null, max: null, pattern: null, unique: false },
    defaultValue: null,
    helpZh: null,
    helpEn: null,
    searchable: false,
    active: true,
    ...patch,
  };
}

export function shapeOf(
  defs: FieldDef[],
  patch: Partial<Record<string, Partial<TemplateShape['sections'][number]['fields'][number]>>> = {},
): TemplateShape {
  return {
    sections: [
      {
        key: 'main',
        labelZh: '基本',
        labelEn: 'Main',
        visibleWhen: null,
        fields: defs.map((d) => ({
          field: d.key,
          width: 'half',
          required: false,
          readOnly: false,
          visibleWhen: null,
          ...patch[d.key],
        })),
      },
    ],
    fields: defs,
  };
}

export function versionOf(shape: TemplateShape, patch: Partial<TemplateVersionRow> = {}): TemplateVersionRow {
  return {
    id: '0196b3f2-7c1e-7a3b-9c2d-000000000001',
    orgId: '0196b3f2-7c1e-7a3b-9c2d-000000000002',
    templateId: '0196b3f2-7c1e-7a3b-9c2d-000000000003',
    entity: 'customer',
    category: null,
    number: 1,
    nameZh: '客户档案',
    nameEn: 'Customer profile',
    sections: shape.sections,
    fields: shape.fields,
    publishedAt: 1,
    publishedBy: '0196b3f2-7c1e-7a3b-9c2d-000000000004',
    createdAt: 1,
    updatedAt: 1,
    version: 1,
    ...patch,
  };
}
