import type {
  FieldDef,
  FieldType,
  OptionList,
  TemplateField,
  TemplateShape,
} from '../../shared/templates/schema';

/**
 * The 60-field template of the `local.form_render_ms` figure (bench/suites/formRender.ts): every field
 * type in turn, three widths, some required, some help texts, and every seventh field shown only when
 * an earlier choice field holds a given option (conditions evaluated on first render too).
 */
export const BENCH_FIELD_COUNT = 60;

const TYPES: readonly FieldType[] = [
  'text',
  'select',
  'money',
  'number',
  'date',
  'multiSelect',
  'percent',
  'boolean',
  'phone',
  'longText',
  'email',
  'rating',
  'url',
  'datetime',
  'region',
  'user',
];

export const BENCH_LISTS: OptionList[] = [
  {
    key: 'bench_list',
    labelZh: '规模',
    labelEn: 'Size',
    values: ['微型', '小型', '中型', '大型', '集团', '外资', '国企', '上市'].map((zh, i) => ({
      key: `v${i}`,
      labelZh: zh,
      labelEn: `Option ${i}`,
      color: (['gray', 'blue', 'green', 'amber', 'red', 'purple', 'teal', 'pink'] as const)[i] ?? 'gray',
      active: i !== 7,
    })),
  },
];

export function benchShape(): TemplateShape {
  const fields: FieldDef[] = [];
  const placements: TemplateField[] = [];
  let lastSelect: string | null = null;
  for (let i = 0; i < BENCH_FIELD_COUNT; i++) {
    const type = TYPES[i % TYPES.length] ?? 'text';
    const key = `f${String(i).padStart(2, '0')}`;
    fields.push({
      key,
      labelZh: `字段 ${i + 1}`,
      labelEn: `Field ${i + 1}`,
      type,
      optionList: type === 'select' || type === 'multiSelect' ? 'bench_list' : null,
      currency: type === 'money' ? 'CNY' : null,
      validation: {
        required: i % 5 === 0,
        min: type === 'number' ? 0 : null,
        max: type === 'number' ? 1_000_000 : null,
        pattern: null,
        unique: false,
      },
      defaultValue: type === 'select' ? 'v1' : null,
      helpZh: i % 4 === 0 ? `第 ${i + 1} 个字段的填写说明` : null,
      helpEn: i % 4 === 0 ? `How to fill in field ${i + 1}` : null,
      searchable: i % 3 === 0,
      active: true,
    });
    placements.push({
      field: key,
      width: type === 'longText' || type === 'multiSelect' ? 'full' : i % 3 === 0 ? 'third' : 'half',
      required: i % 7 === 3,
      readOnly: i % 19 === 18,
      visibleWhen: i % 7 === 6 && lastSelect ? { field: lastSelect, op: 'in', value: ['v1', 'v2'] } : null,
    });
    if (type === 'select') lastSelect = key;
  }
  const sections = [0, 1, 2, 3].map((s) => ({
    key: `s${s}`,
    labelZh: `分组 ${s + 1}`,
    labelEn: `Section ${s + 1}`,
    visibleWhen: null,
    fields: placements.slice(s * 15, s * 15 + 15),
  }));
  return { sections, fields };
}
