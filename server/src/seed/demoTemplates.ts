import {
  fieldDefSchema,
  optionListSchema,
  templateLayoutSchema,
  type CatalogRow,
  type FieldDef,
  type OptionList,
  type TemplateEntity,
  type TemplateLayout,
  type TemplateVersionRow,
} from '../../../shared/templates';
import { checkPublishable, versionRow } from '../admin/publish';

/**
 * The demo org's business profiles (docs/templates.md): option lists and a field library an East-China
 * industrial distributor would keep, and a published template per entity — the customer's in a default
 * and a 机械制造 (machinery) variant. `demoCatalog` builds the rows; `DemoAttrs` makes the values each
 * seeded record holds, valid under its template (demo.test.ts runs the shared validator over them).
 */

const list = (
  key: string,
  labelZh: string,
  labelEn: string,
  values: [key: string, zh: string, en: string, color?: string, active?: boolean][],
): OptionList =>
  optionListSchema.parse({
    key,
    labelZh,
    labelEn,
    values: values.map(([k, zh, en, color, active]) => ({
      key: k,
      labelZh: zh,
      labelEn: en,
      color: color ?? 'gray',
      active: active ?? true,
    })),
  });

export const DEMO_OPTION_LISTS: OptionList[] = [
  list('company_size', '企业规模', 'Company size', [
    ['micro', '微型（20人以下）', 'Micro (<20)', 'gray'],
    ['small', '小型（20–299人）', 'Small (20–299)', 'teal'],
    ['medium', '中型（300–999人）', 'Medium (300–999)', 'blue'],
    ['large', '大型（1000人以上）', 'Large (1000+)', 'indigo'],
    // Retired when the sizes were made to follow head counts: kept valid on the records that have it.
    ['unknown', '未知', 'Unknown', 'gray', false],
  ]),
  list('ownership', '所有制', 'Ownership', [
    ['private', '民营', 'Private', 'green'],
    ['state', '国有', 'State-owned', 'red'],
    ['foreign', '外资', 'Foreign-owned', 'blue'],
    ['joint', '中外合资', 'Joint venture', 'purple'],
    ['collective', '集体', 'Collective', 'amber'],
  ]),
  list('purchase_channel', '采购渠道', 'Purchase channel', [
    ['direct', '厂家直采', 'Direct from maker', 'green'],
    ['distributor', '经销商', 'Distributor', 'blue'],
    ['tender', '招投标', 'Tender', 'orange'],
    ['ecommerce', '电商平台', 'E-commerce', 'pink'],
    ['agent', '代理商', 'Agent', 'gray'],
  ]),
  list('products', '关注产品', 'Products of interest', [
    ['sensors', '工业传感器', 'Industrial sensors', 'teal'],
    ['servo', '伺服电机', 'Servo motors', 'blue'],
    ['plc', 'PLC控制器', 'PLC controllers', 'indigo'],
    ['robots', '工业机器人', 'Industrial robots', 'purple'],
    ['bearings', '精密轴承', 'Precision bearings', 'amber'],
    ['hydraulics', '液压元件', 'Hydraulic parts', 'orange'],
    ['mes', 'MES软件', 'MES software', 'green'],
  ]),
  list('credit_rating', '信用等级', 'Credit rating', [
    ['aaa', 'AAA 优', 'AAA excellent', 'green'],
    ['aa', 'AA 良', 'AA good', 'teal'],
    ['a', 'A 中', 'A fair', 'blue'],
    ['bbb', 'BBB 一般', 'BBB average', 'amber'],
    ['watch', '关注', 'On watch', 'red'],
  ]),
  list('automation_level', '自动化程度', 'Automation level', [
    ['manual', '以人工为主', 'Mostly manual', 'gray'],
    ['partial', '部分自动化', 'Partly automated', 'blue'],
    ['full', '全自动产线', 'Fully automated lines', 'green'],
  ]),
  list('decision_role', '决策角色', 'Decision role', [
    ['decision_maker', '决策人', 'Decision maker', 'red'],
    ['influencer', '影响者', 'Influencer', 'orange'],
    ['user', '使用者', 'User', 'blue'],
    ['purchaser', '采购执行', 'Purchaser', 'teal'],
    ['gatekeeper', '把关者', 'Gatekeeper', 'gray'],
  ]),
  list('intent_level', '意向等级', 'Intent', [
    ['high', '高', 'High', 'red'],
    ['medium', '中', 'Medium', 'amber'],
    ['low', '低', 'Low', 'blue'],
    ['none', '暂无意向', 'None yet', 'gray'],
  ]),
  list('competitors', '竞争对手', 'Competitors', [
    ['siemens', '西门子', 'Siemens', 'teal'],
    ['abb', 'ABB', 'ABB', 'red'],
    ['mitsubishi', '三菱电机', 'Mitsubishi Electric', 'red'],
    ['inovance', '汇川技术', 'Inovance', 'blue'],
    ['schneider', '施耐德', 'Schneider', 'green'],
    ['local', '本地小厂', 'Local makers', 'gray'],
  ]),
];

type FieldInput = Partial<FieldDef> & Pick<FieldDef, 'key' | 'labelZh' | 'labelEn' | 'type'>;
const field = (f: FieldInput): FieldDef => fieldDefSchema.parse(f);
const rules = (v: Partial<FieldDef['validation']>): FieldDef['validation'] => ({
  required: false,
  min: null,
  max: null,
  pattern: null,
  unique: false,
  ...v,
});

export const DEMO_FIELDS: FieldDef[] = [
  field({
    key: 'company_size',
    labelZh: '企业规模',
    labelEn: 'Company size',
    type: 'select',
    optionList: 'company_size',
    searchable: true,
  }),
  field({
    key: 'ownership',
    labelZh: '所有制',
    labelEn: 'Ownership',
    type: 'select',
    optionList: 'ownership',
    searchable: true,
  }),
  field({
    key: 'employee_count',
    labelZh: '员工人数',
    labelEn: 'Employees',
    type: 'number',
    validation: rules({ min: 1, max: 1_000_000 }),
    searchable: true,
  }),
  field({ key: 'founded_on', labelZh: '成立日期', labelEn: 'Founded on', type: 'date' }),
  field({
    key: 'hq_region',
    labelZh: '总部所在地',
    labelEn: 'Headquarters',
    type: 'region',
    helpZh: '省/市/区，例如 江苏省/苏州市',
    helpEn: 'Province/city/district',
  }),
  field({
    key: 'is_listed',
    labelZh: '是否上市',
    labelEn: 'Listed company',
    type: 'boolean',
    defaultValue: false,
  }),
  field({
    key: 'stock_code',
    labelZh: '上市代码',
    labelEn: 'Stock code',
    type: 'text',
    validation: rules({ pattern: '^(60|68|00|30)\\d{4}$', unique: true }),
    helpZh: '沪深A股六位代码',
    helpEn: 'Six-digit A-share code (Shanghai/Shenzhen)',
  }),
  field({
    key: 'annual_purchase',
    labelZh: '年采购额',
    labelEn: 'Annual purchasing',
    type: 'money',
    currency: 'CNY',
    validation: rules({ min: 0 }),
    searchable: true,
  }),
  field({
    key: 'purchase_channel',
    labelZh: '采购渠道',
    labelEn: 'Purchase channel',
    type: 'select',
    optionList: 'purchase_channel',
    searchable: true,
  }),
  field({
    key: 'products',
    labelZh: '关注产品',
    labelEn: 'Products of interest',
    type: 'multiSelect',
    optionList: 'products',
    searchable: true,
  }),
  field({
    key: 'share_of_wallet',
    labelZh: '我司份额',
    labelEn: 'Our share of wallet',
    type: 'percent',
    validation: rules({ min: 0, max: 100 }),
  }),
  field({ key: 'procurement_url', labelZh: '供应商门户', labelEn: 'Supplier portal', type: 'url' }),
  field({
    key: 'credit_rating',
    labelZh: '信用等级',
    labelEn: 'Credit rating',
    type: 'select',
    optionList: 'credit_rating',
    searchable: true,
  }),
  field({ key: 'service_engineer', labelZh: '服务工程师', labelEn: 'Service engineer', type: 'user' }),
  field({
    key: 'business_notes',
    labelZh: '经营情况',
    labelEn: 'Business notes',
    type: 'longText',
    validation: rules({ max: 2000 }),
  }),
  field({
    key: 'cnc_machines',
    labelZh: '数控设备台数',
    labelEn: 'CNC machines',
    type: 'number',
    validation: rules({ min: 0, max: 100_000 }),
  }),
  field({
    key: 'automation_level',
    labelZh: '自动化程度',
    labelEn: 'Automation level',
    type: 'select',
    optionList: 'automation_level',
  }),
  field({
    key: 'decision_role',
    labelZh: '决策角色',
    labelEn: 'Decision role',
    type: 'select',
    optionList: 'decision_role',
    searchable: true,
  }),
  field({ key: 'birthday', labelZh: '生日', labelEn: 'Birthday', type: 'date' }),
  field({
    key: 'intent',
    labelZh: '意向等级',
    labelEn: 'Intent',
    type: 'select',
    optionList: 'intent_level',
    searchable: true,
  }),
  field({ key: 'satisfaction', labelZh: '客户满意度', labelEn: 'Satisfaction', type: 'rating' }),
  field({
    key: 'budget',
    labelZh: '采购预算',
    labelEn: 'Budget',
    type: 'money',
    currency: 'CNY',
    validation: rules({ min: 0 }),
  }),
  field({
    key: 'competitors',
    labelZh: '竞争对手',
    labelEn: 'Competitors',
    type: 'multiSelect',
    optionList: 'competitors',
  }),
  field({ key: 'delivery_date', labelZh: '期望交付日期', labelEn: 'Wanted delivery', type: 'date' }),
  // Superseded by the ERP migration: no longer offered to templates.
  field({
    key: 'legacy_erp_code',
    labelZh: '旧ERP编码',
    labelEn: 'Legacy ERP code',
    type: 'text',
    active: false,
  }),
];

type Placed = { field: string; width?: 'full' | 'half' | 'third'; required?: boolean; visibleWhen?: unknown };
type SectionInput = { key: string; labelZh: string; labelEn: string; fields: Placed[] };
const layout = (...sections: SectionInput[]): TemplateLayout => templateLayoutSchema.parse({ sections });

const customerSections: SectionInput[] = [
  {
    key: 'overview',
    labelZh: '企业概况',
    labelEn: 'Company overview',
    fields: [
      { field: 'company_size', required: true },
      { field: 'ownership' },
      { field: 'employee_count' },
      { field: 'founded_on' },
      { field: 'hq_region' },
      { field: 'is_listed' },
      // Shown only for listed companies (a condition inside the section).
      { field: 'stock_code', visibleWhen: { field: 'is_listed', op: 'eq', value: true } },
    ],
  },
  {
    key: 'purchasing',
    labelZh: '采购信息',
    labelEn: 'Purchasing',
    fields: [
      { field: 'annual_purchase' },
      { field: 'purchase_channel' },
      { field: 'products', width: 'full' },
      { field: 'share_of_wallet' },
      { field: 'procurement_url' },
    ],
  },
  {
    key: 'credit',
    labelZh: '信用与服务',
    labelEn: 'Credit and service',
    fields: [
      { field: 'credit_rating' },
      { field: 'service_engineer' },
      { field: 'business_notes', width: 'full' },
    ],
  },
];

/** The industry (customers' `industry`) that has its own customer template. */
export const MACHINERY = '机械制造';

type DemoTemplate = {
  entity: TemplateEntity;
  category: string | null;
  nameZh: string;
  nameEn: string;
  layout: TemplateLayout;
};

export const DEMO_TEMPLATES: DemoTemplate[] = [
  {
    entity: 'customer',
    category: null,
    nameZh: '客户档案',
    nameEn: 'Customer profile',
    layout: layout(...customerSections),
  },
  {
    entity: 'customer',
    category: MACHINERY,
    nameZh: '机械制造客户档案',
    nameEn: 'Machinery customer profile',
    layout: layout(...customerSections, {
      key: 'equipment',
      labelZh: '设备情况',
      labelEn: 'Equipment',
      fields: [
        { field: 'cnc_machines' },
        { field: 'automation_level', visibleWhen: { field: 'cnc_machines', op: 'gt', value: 0 } },
      ],
    }),
  },
  {
    entity: 'lead',
    category: null,
    nameZh: '线索资料',
    nameEn: 'Lead details',
    layout: layout({
      key: 'qualify',
      labelZh: '线索评估',
      labelEn: 'Qualification',
      fields: [
        { field: 'intent', required: true },
        { field: 'company_size' },
        { field: 'products', width: 'full' },
        { field: 'hq_region' },
      ],
    }),
  },
  {
    entity: 'contact',
    category: null,
    nameZh: '联系人档案',
    nameEn: 'Contact profile',
    layout: layout({
      key: 'role',
      labelZh: '角色与关系',
      labelEn: 'Role',
      fields: [{ field: 'decision_role' }, { field: 'birthday' }],
    }),
  },
  {
    entity: 'opportunity',
    category: null,
    nameZh: '商机信息',
    nameEn: 'Opportunity details',
    layout: layout({
      key: 'deal',
      labelZh: '商务信息',
      labelEn: 'Deal',
      fields: [
        { field: 'budget' },
        { field: 'delivery_date' },
        { field: 'competitors', width: 'full' },
        { field: 'purchase_channel' },
      ],
    }),
  },
  {
    entity: 'followUp',
    category: null,
    nameZh: '跟进记录',
    nameEn: 'Follow-up',
    layout: layout({
      key: 'result',
      labelZh: '拜访结果',
      labelEn: 'Outcome',
      fields: [{ field: 'intent' }, { field: 'satisfaction' }],
    }),
  },
];

/** The demo's catalog row, template drafts (snake_case rows) and their published version 1. */
export function demoCatalog(p: {
  orgId: string;
  publishedBy: string;
  now: number;
  version: number;
  id: () => string;
}): { catalog: CatalogRow; templates: Record<string, unknown>[]; versions: TemplateVersionRow[] } {
  const catalog: CatalogRow = {
    id: p.orgId,
    orgId: p.orgId,
    optionLists: DEMO_OPTION_LISTS,
    fields: DEMO_FIELDS,
    updatedAt: p.now,
    version: p.version,
  };
  const templates: Record<string, unknown>[] = [];
  const versions: TemplateVersionRow[] = [];
  for (const t of DEMO_TEMPLATES) {
    const template = {
      id: p.id(),
      entity: t.entity,
      category: t.category,
      nameZh: t.nameZh,
      nameEn: t.nameEn,
    };
    templates.push({
      id: template.id,
      org_id: p.orgId,
      entity: t.entity,
      category: t.category,
      name_zh: t.nameZh,
      name_en: t.nameEn,
      layout: t.layout,
      published_number: 1,
      created_at: p.now,
      updated_at: p.now,
    });
    // The demo's templates pass the same checks as an admin's publish.
    const fields = checkPublishable(t.layout, catalog);
    versions.push(
      versionRow({
        id: p.id(),
        template,
        orgId: p.orgId,
        layout: t.layout,
        fields,
        number: 1,
        publishedBy: p.publishedBy,
        now: p.now,
        version: p.version,
      }),
    );
  }
  return { catalog, templates, versions };
}

/** What the attribute generators draw from (demo.ts's seeded generator). */
export type DemoRandom = {
  next(): number;
  int(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
};

const YEAR = 365.25 * 24 * 60 * 60 * 1000;
const HQ_REGIONS = [
  '上海市/浦东新区',
  '上海市/闵行区',
  '江苏省/苏州市/工业园区',
  '江苏省/无锡市',
  '江苏省/南京市',
  '浙江省/杭州市/滨江区',
  '浙江省/宁波市',
  '广东省/深圳市',
  '北京市/海淀区',
  '香港特别行政区',
] as const;
const BUSINESS_NOTES = [
  '今年扩建二期厂房，设备采购预算增加，决策链较长。',
  '主要供应商为外资品牌，对国产替代持开放态度，关注交期与售后。',
  '付款周期约90天，财务审批严格，需提前准备资质文件。',
  '集团统一招标，年度框架协议每年三季度续签。',
  '老板亲自拍板，重视性价比和现场技术支持。',
] as const;

function weighted<T>(r: DemoRandom, entries: readonly (readonly [T, number])[]): T {
  let roll = r.next();
  for (const [value, weight] of entries) {
    roll -= weight;
    if (roll < 0) return value;
  }
  return (entries[entries.length - 1] as readonly [T, number])[0];
}

function distinct(r: DemoRandom, keys: readonly string[], n: number): string[] {
  const out = new Set<string>();
  while (out.size < Math.min(n, keys.length)) out.add(r.pick(keys));
  return [...out];
}

const keysOf = (listKey: string) =>
  DEMO_OPTION_LISTS.find((l) => l.key === listKey)
    ?.values.filter((v) => v.active)
    .map((v) => v.key) ?? [];

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * Plausible values for the seeded records, valid under the demo templates: sizes follow head counts,
 * listed companies have distinct stock codes (the field is unique), machinery customers their equipment.
 * Its own random stream (not demo.ts's), so adding attributes left every other seeded value unchanged.
 */
export class DemoAttrs {
  private readonly stockCodes = new Set<string>();

  constructor(
    private readonly r: DemoRandom,
    private readonly now: number,
    private readonly users: readonly string[],
  ) {}

  customer(c: { industry: string; website: string | null }): Record<string, unknown> {
    const { r } = this;
    const employees = Math.round(Math.exp(r.int(20, 85) / 10));
    const size = employees < 20 ? 'micro' : employees < 300 ? 'small' : employees < 1000 ? 'medium' : 'large';
    const listed = employees >= 300 && r.chance(0.35);
    const attrs: Record<string, unknown> = { company_size: size, is_listed: listed };
    if (r.chance(0.8)) {
      attrs.ownership = weighted(r, [
        ['private', 0.6],
        ['foreign', 0.15],
        ['joint', 0.1],
        ['state', 0.12],
        ['collective', 0.03],
      ]);
    }
    if (r.chance(0.85)) attrs.employee_count = employees;
    if (r.chance(0.7))
      attrs.founded_on = isoDate(this.now - r.int(3, 38) * YEAR - r.int(0, 364) * 86_400_000);
    if (r.chance(0.5)) attrs.hq_region = r.pick(HQ_REGIONS);
    if (listed) attrs.stock_code = this.stockCode();
    if (r.chance(0.6)) attrs.annual_purchase = r.int(5, 500) * 100_000 * 100;
    if (r.chance(0.7)) attrs.purchase_channel = r.pick(keysOf('purchase_channel'));
    if (r.chance(0.75)) attrs.products = distinct(r, keysOf('products'), r.int(1, 3));
    if (r.chance(0.4)) attrs.share_of_wallet = r.int(5, 80);
    if (c.website && r.chance(0.3)) attrs.procurement_url = `https://srm.${c.website.replace(/^www\./, '')}`;
    if (r.chance(0.6)) {
      attrs.credit_rating = weighted(r, [
        ['aaa', 0.1],
        ['aa', 0.3],
        ['a', 0.35],
        ['bbb', 0.2],
        ['watch', 0.05],
      ]);
    }
    if (r.chance(0.3)) attrs.service_engineer = r.pick(this.users);
    if (r.chance(0.25)) attrs.business_notes = r.pick(BUSINESS_NOTES);
    if (c.industry === MACHINERY) {
      const machines = r.chance(0.2) ? 0 : r.int(3, 260);
      attrs.cnc_machines = machines;
      if (machines > 0 && r.chance(0.8)) attrs.automation_level = r.pick(keysOf('automation_level'));
    }
    return attrs;
  }

  lead(): Record<string, unknown> {
    const { r } = this;
    const attrs: Record<string, unknown> = {
      intent: weighted(r, [
        ['high', 0.2],
        ['medium', 0.4],
        ['low', 0.3],
        ['none', 0.1],
      ]),
    };
    if (r.chance(0.7)) attrs.company_size = r.pick(keysOf('company_size'));
    if (r.chance(0.6)) attrs.products = distinct(r, keysOf('products'), r.int(1, 2));
    if (r.chance(0.4)) attrs.hq_region = r.pick(HQ_REGIONS);
    return attrs;
  }

  contact(primary: boolean): Record<string, unknown> {
    const { r } = this;
    const attrs: Record<string, unknown> = {};
    if (r.chance(primary ? 0.9 : 0.5)) {
      attrs.decision_role = primary
        ? r.pick(['decision_maker', 'purchaser', 'influencer'])
        : r.pick(keysOf('decision_role'));
    }
    if (r.chance(0.2)) attrs.birthday = isoDate(this.now - r.int(25, 58) * YEAR - r.int(0, 364) * 86_400_000);
    return attrs;
  }

  opportunity(createdAt: number): Record<string, unknown> {
    const { r } = this;
    const attrs: Record<string, unknown> = {};
    if (r.chance(0.7)) attrs.budget = r.int(10, 500) * 10_000 * 100;
    if (r.chance(0.4)) attrs.delivery_date = isoDate(createdAt + r.int(30, 180) * 86_400_000);
    if (r.chance(0.5)) attrs.competitors = distinct(r, keysOf('competitors'), r.int(1, 2));
    if (r.chance(0.4)) attrs.purchase_channel = r.pick(keysOf('purchase_channel'));
    return attrs;
  }

  followUp(): Record<string, unknown> {
    const { r } = this;
    const attrs: Record<string, unknown> = {};
    if (r.chance(0.5)) attrs.intent = r.pick(keysOf('intent_level'));
    if (r.chance(0.4)) attrs.satisfaction = r.int(2, 5);
    return attrs;
  }

  /** A six-digit A-share code no other demo customer has (stock_code is a unique field). */
  private stockCode(): string {
    for (;;) {
      const code = `${this.r.pick(['60', '68', '00', '30'])}${String(this.r.int(0, 9999)).padStart(4, '0')}`;
      if (!this.stockCodes.has(code)) {
        this.stockCodes.add(code);
        return code;
      }
    }
  }
}
