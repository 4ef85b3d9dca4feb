import type { AttrFilter } from '../../shared/templates/filter';
import {
  fieldDefSchema,
  optionListSchema,
  templateSectionSchema,
  type CatalogRow,
  type TemplateVersionRow,
} from '../../shared/templates/schema';
import { newId } from '../../shared/ids';
import { createRandom, type BookCustomer, type Random } from './book';

/**
 * A customer business profile as an admin of a trading company would design it (issue 5): eleven fields
 * of the library in one published template — selects, numbers, money, dates, a multi-select, a rating, a
 * flag, free text — eight of them searchable (so in the device's attribute index) and one unique. Values
 * are drawn with realistic gaps and skews (not every profile is complete; most companies are small).
 */

const option = (key: string, zh: string, en: string) => ({ key, labelZh: zh, labelEn: en });

export const COMPANY_SIZES = ['micro', 'small', 'medium', 'large', 'enterprise', 'group'] as const;
const SIZE_WEIGHTS = [20, 30, 25, 13, 8, 4];
const CHANNELS = ['direct', 'agent', 'online', 'exhibition'] as const;
const PRODUCT_LINES = ['cnc', 'laser', 'press', 'robot', 'mould', 'sensor', 'spare', 'service'] as const;

const FIELDS = [
  { key: 'company_size', type: 'select', optionList: 'company_size', searchable: true },
  { key: 'employees', type: 'number', searchable: true },
  { key: 'founded', type: 'date', searchable: true },
  { key: 'annual_revenue', type: 'money', currency: 'CNY', searchable: true },
  { key: 'channel', type: 'select', optionList: 'channel', searchable: true },
  { key: 'product_lines', type: 'multiSelect', optionList: 'product_lines', searchable: true },
  { key: 'credit_rating', type: 'rating', searchable: true },
  { key: 'key_account', type: 'boolean', searchable: true },
  { key: 'last_audit', type: 'date' },
  { key: 'purchasing_notes', type: 'longText' },
  { key: 'tax_registration_no', type: 'text', validation: { unique: true } },
].map((f) => fieldDefSchema.parse({ labelZh: f.key, labelEn: f.key, ...f }));

export function benchCatalog(orgId: string, now: number): CatalogRow {
  return {
    id: orgId,
    orgId,
    optionLists: [
      optionListSchema.parse({
        ...option('company_size', '规模', 'Company size'),
        values: COMPANY_SIZES.map((k) => option(k, k, k)),
      }),
      optionListSchema.parse({
        ...option('channel', '渠道', 'Channel'),
        values: CHANNELS.map((k) => option(k, k, k)),
      }),
      optionListSchema.parse({
        ...option('product_lines', '产品线', 'Product lines'),
        values: PRODUCT_LINES.map((k) => option(k, k, k)),
      }),
    ],
    fields: FIELDS,
    updatedAt: now,
    version: 1,
  };
}

export function benchTemplateVersions(orgId: string, publishedBy: string, now: number): TemplateVersionRow[] {
  return [
    {
      id: newId(now),
      orgId,
      templateId: newId(now),
      entity: 'customer',
      category: null,
      number: 1,
      nameZh: '客户档案',
      nameEn: 'Customer profile',
      sections: [
        templateSectionSchema.parse({
          key: 'profile',
          labelZh: '经营信息',
          labelEn: 'Business',
          fields: FIELDS.map((f) => ({ field: f.key })),
        }),
      ],
      fields: FIELDS,
      publishedAt: now,
      publishedBy,
      createdAt: now,
      updatedAt: now,
      version: 1,
    },
  ];
}

function weighted<T>(r: Random, values: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = r.next() * total;
  for (let i = 0; i < values.length; i++) {
    x -= weights[i]!;
    if (x < 0) return values[i]!;
  }
  return values[values.length - 1]!;
}

const pad = (n: number) => String(n).padStart(2, '0');
const date = (r: Random, fromYear: number, toYear: number) =>
  `${r.int(fromYear, toYear)}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`;

/** A customer's profile values: about 90 % filled for the main fields, fewer for the others. */
export function benchAttrs(_customer: BookCustomer, r: Random): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  const size = weighted(r, COMPANY_SIZES, SIZE_WEIGHTS);
  if (r.next() < 0.93) a.company_size = size;
  const scale = COMPANY_SIZES.indexOf(size);
  if (r.next() < 0.9) a.employees = Math.max(1, Math.round(Math.exp(1 + scale * 1.2 + r.next() * 2.5)));
  if (r.next() < 0.88) a.founded = date(r, 1985, 2024);
  if (r.next() < 0.6) a.annual_revenue = r.int(1, 2000) * 100_000 * (scale + 1);
  if (r.next() < 0.85) a.channel = r.pick(CHANNELS);
  const lines = PRODUCT_LINES.filter(() => r.next() < 0.22);
  if (lines.length > 0) a.product_lines = lines;
  if (r.next() < 0.7) a.credit_rating = r.int(1, 5);
  a.key_account = r.next() < 0.08;
  if (r.next() < 0.4) a.last_audit = date(r, 2021, 2025);
  if (r.next() < 0.35)
    a.purchasing_notes = '年度框架采购，季度结算；采购部要求提供三家比价，技术部参与验收。';
  if (r.next() < 0.8)
    a.tax_registration_no = `91${String(r.int(0, 9_999_999_999)).padStart(10, '0')}${r.int(1000, 9999)}`;
  return a;
}

/**
 * The filters a rep builds in the list: a company-size `in` (1–3 of 6 sizes), an employee-count range
 * (sometimes open-ended), a founding-date range (sometimes open-ended). Bounds are drawn from continuous
 * ranges, so a range filter seldom repeats (the client core remembers a filter's rows while the book does
 * not change: repeats would be cheaper than the figure should claim). Deterministic for a seed.
 */
export function benchFilterSets(count: number, seed = 17): AttrFilter[][] {
  const r = createRandom(seed);
  const out: AttrFilter[][] = [];
  const day = () => `${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`;
  for (let i = 0; i < count; i++) {
    const sizes = [...COMPANY_SIZES].sort(() => r.next() - 0.5).slice(0, r.int(1, 3));
    const lo = r.int(5, 500);
    const employees: AttrFilter =
      r.next() < 0.25
        ? { field: 'employees', op: 'range', min: lo, max: null }
        : { field: 'employees', op: 'range', min: lo, max: lo + r.int(20, 5000) };
    const from = r.int(1990, 2018);
    const founded: AttrFilter =
      r.next() < 0.25
        ? { field: 'founded', op: 'range', min: `${from}-${day()}`, max: null }
        : { field: 'founded', op: 'range', min: `${from}-${day()}`, max: `${from + r.int(2, 12)}-${day()}` };
    out.push([{ field: 'company_size', op: 'in', values: sizes }, employees, founded]);
  }
  return out;
}
