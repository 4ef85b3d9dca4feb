import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomerRow, RowOf, SyncedTable, UserRow } from '../../../shared/domain/rows';
import { SYNCED_TABLES } from '../../../shared/domain/rows';
import { newId } from '../../../shared/ids';
import { claimPolicySchema, recyclePolicySchema } from '../../../shared/pools/rules';
import type { PoolRow } from '../../../shared/pools/schema';
import {
  fieldDefSchema,
  optionListSchema,
  templateSectionSchema,
  type CatalogRow,
  type TemplateEntity,
  type TemplateVersionRow,
} from '../../../shared/templates';
import { defaultMigrationsFolder, openClientDatabase, type ClientDatabase } from './db/open';
import { upsertRow } from './db/rows';

/** Test helpers for the client core: a fresh data directory and a migrated database in it. */

export function makeTempDir(prefix = 'tidepool-client-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openTestDatabase(dir: string, name = 'test.db'): ClientDatabase {
  return openClientDatabase(join(dir, name), { migrationsFolder: defaultMigrationsFolder() });
}

export const TEST_ORG_ID = '01900000-0000-7000-8000-000000000001';

export function testUser(overrides: Partial<UserRow> = {}): UserRow {
  return {
    id: newId(),
    orgId: TEST_ORG_ID,
    teamId: null,
    username: 'zhangwei',
    displayName: '张伟',
    role: 'rep',
    active: true,
    version: 1,
    ...overrides,
  };
}

export function testCustomer(overrides: Partial<CustomerRow> = {}): CustomerRow {
  return {
    id: newId(),
    orgId: TEST_ORG_ID,
    name: '上海浦东恒瑞精密机械有限公司',
    shortName: '恒瑞精密',
    creditCode: null,
    industry: '机械制造',
    region: '上海',
    address: null,
    phone: '13800138000',
    website: null,
    source: null,
    status: 'active',
    level: 'B',
    ownerId: null,
    poolState: 'private',
    claimedAt: 1_700_000_000_000,
    lastFollowUpAt: null,
    lastDealAt: null,
    kind: 'customer',
    leadStatus: null,
    convertedAt: null,
    poolId: null,
    locked: false,
    enteredPoolAt: null,
    previousOwnerId: null,
    deregisteredAt: null,
    attrs: {},
    templateVersionId: null,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    version: 1,
    ...overrides,
  };
}

/**
 * A public pool as an admin would save it (shared/pools/schema.ts), serving no team and the org's default
 * for customers unless told otherwise; by default one rule, no follow-up for 30 days, warned 3 days ahead.
 */
export function testPool(
  overrides: Partial<Omit<PoolRow, 'recycle' | 'claim'>> & {
    recycle?: Parameters<typeof recyclePolicySchema.parse>[0];
    claim?: Parameters<typeof claimPolicySchema.parse>[0];
  } = {},
): PoolRow {
  const { recycle, claim, ...rest } = overrides;
  return {
    id: newId(),
    orgId: TEST_ORG_ID,
    kind: 'customer',
    nameZh: '华东公海',
    nameEn: 'East China pool',
    teamIds: [],
    adminIds: [],
    isDefault: true,
    active: true,
    assign: 'previousOwnerThenLeastLoaded',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    version: 1,
    ...rest,
    recycle: recyclePolicySchema.parse(recycle ?? { rules: [{ kind: 'noFollowUp', days: 30 }], warnDays: 3 }),
    claim: claimPolicySchema.parse(claim ?? {}),
  };
}

/**
 * A small template set as an admin would publish it: the org's catalog (an option list `size`, and
 * fields `taxno` text unique, `size` select, `employees` number, `founded` date, `manager` user, `note`
 * long text, `wechat_group` text unique) and published versions: the customer template in two versions
 * (v1 places taxno and size; v2, the current one, all customer fields) and the contact template.
 */
export function testTemplates(opts: { orgId?: string; publishedBy?: string; at?: number } = {}): {
  catalog: CatalogRow;
  versions: TemplateVersionRow[];
  customerV1: TemplateVersionRow;
  customerV2: TemplateVersionRow;
  contactV1: TemplateVersionRow;
} {
  const orgId = opts.orgId ?? TEST_ORG_ID;
  const at = opts.at ?? 1_700_000_000_000;
  const field = (key: string, type: string, extra: Record<string, unknown> = {}) =>
    fieldDefSchema.parse({ key, labelZh: key, labelEn: key, type, ...extra });
  const fields = [
    field('taxno', 'text', { validation: { unique: true }, searchable: true }),
    field('size', 'select', { optionList: 'size', searchable: true }),
    field('employees', 'number', { searchable: true }),
    field('founded', 'date', { searchable: true }),
    field('manager', 'user'),
    field('note', 'longText'),
    field('wechat_group', 'text', { validation: { unique: true } }),
  ];
  const catalog: CatalogRow = {
    id: orgId,
    orgId,
    optionLists: [
      optionListSchema.parse({
        key: 'size',
        labelZh: '规模',
        labelEn: 'Size',
        values: ['small', 'medium', 'large', 'group'].map((key) => ({ key, labelZh: key, labelEn: key })),
      }),
    ],
    fields,
    updatedAt: at,
    version: 1,
  };
  const version = (
    templateId: string,
    entity: TemplateEntity,
    number: number,
    keys: string[],
  ): TemplateVersionRow => ({
    id: newId(at + number),
    orgId,
    templateId,
    entity,
    category: null,
    number,
    nameZh: `${entity}模板`,
    nameEn: `${entity} template`,
    sections: [
      templateSectionSchema.parse({
        key: 'main',
        labelZh: '基本',
        labelEn: 'Main',
        fields: keys.map((k) => ({ field: k })),
      }),
    ],
    fields: fields.filter((f) => keys.includes(f.key)),
    publishedAt: at + number,
    publishedBy: opts.publishedBy ?? orgId,
    createdAt: at + number,
    updatedAt: at + number,
    version: 1,
  });
  const customerTemplate = newId(at);
  const customerV1 = version(customerTemplate, 'customer', 1, ['taxno', 'size']);
  const customerV2 = version(customerTemplate, 'customer', 2, [
    'taxno',
    'size',
    'employees',
    'founded',
    'manager',
    'note',
  ]);
  const contactV1 = version(newId(at + 5), 'contact', 1, ['wechat_group', 'note']);
  return { catalog, versions: [customerV1, customerV2, contactV1], customerV1, customerV2, contactV1 };
}

/** Writes rows as a pull would (parents first, in the order of SYNCED_TABLES). */
export function seedRows(db: ClientDatabase, rows: { [T in SyncedTable]?: RowOf[T][] }): void {
  db.transaction(() => {
    for (const table of SYNCED_TABLES) {
      for (const row of (rows[table] ?? []) as RowOf[SyncedTable][]) upsertRow(db, table, row);
    }
  })();
}

/**
 * A copy of `drizzle/client` that stops after the migration `lastTag`: what an older app shipped, for
 * upgrade tests (a device database made by that app, then opened by this one).
 */
export function migrationsUpTo(dir: string, lastTag: string): string {
  const src = defaultMigrationsFolder();
  const out = join(dir, `migrations-${lastTag}`);
  mkdirSync(join(out, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(src, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  if (last < 0) throw new Error(`no migration ${lastTag}`);
  const entries = journal.entries.slice(0, last + 1);
  writeFileSync(join(out, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const { tag } of entries) {
    copyFileSync(join(src, `${tag}.sql`), join(out, `${tag}.sql`));
    const snapshot = `${tag.slice(0, 4)}_snapshot.json`;
    copyFileSync(join(src, 'meta', snapshot), join(out, 'meta', snapshot));
  }
  return out;
}
