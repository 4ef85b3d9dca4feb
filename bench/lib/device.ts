import { join } from 'node:path';
import type { ContactRow, CustomerRow, FollowUpRow, TaskRow, UserRow } from '../../shared/domain/rows';
import { defaultSettings } from '../../shared/domain/settings';
import { newId } from '../../shared/ids';
import { claimPolicySchema, recyclePolicySchema } from '../../shared/pools/rules';
import type { PoolRow } from '../../shared/pools/schema';
import type { SessionUser } from '../../shared/sync/protocol';
import type { CatalogRow, TemplateVersionRow } from '../../shared/templates/schema';
import { setMeta } from '../../electron/main/core/db/meta';
import {
  defaultMigrationsFolder,
  openClientDatabase,
  userDatabaseFile,
} from '../../electron/main/core/db/open';
import { insertRow } from '../../electron/main/core/db/rows';
import { createClientCore, type ClientCore } from '../../electron/main/core/index';
import { writeSession } from '../../electron/main/core/session';
import type { BookCustomer, Random } from './book';
import { createRandom } from './book';

/**
 * A rep's device with a book already on it, and no server: for the local figures, which time what the
 * client core does on its own SQLite file (no PostgreSQL needed, so `--only local.` runs anywhere).
 *
 * The rows are written the way a first sync writes them (the core's own `insertRow`, 5,000 per
 * transaction, search index and unique keys included), then the core starts on the saved session with a
 * network that always fails: the rep is offline, the agent retries in the background (once an hour).
 */
export type OfflineDevice = {
  core: ClientCore;
  dataDir: string;
  user: SessionUser;
  /** The device's database file (a raw reference connection may read it, read-only). */
  dbFile: string;
  customerIds: string[];
  close(): Promise<void>;
};

export type DeviceBook = {
  customers: readonly BookCustomer[];
  contactsPerCustomer?: number;
  followUpsPerCustomer?: number;
  /** One open task for every `tasksEvery` customers, due around now (the list's "due" marker). */
  tasksEvery?: number;
  now?: number;
  /**
   * Business profiles (issue 5): the org's catalog and published versions, synced before the customers
   * (as a first sync brings them), and each customer's attributes under `customerTemplate`.
   */
  templates?: {
    catalog: (orgId: string, now: number) => CatalogRow;
    versions: (orgId: string, publishedBy: string, now: number) => TemplateVersionRow[];
    /** The version customers were saved with (an id among `versions`' answer, by index). */
    customerVersion: number;
    attrs: (customer: BookCustomer, r: Random) => Record<string, unknown>;
  };
};

const DAY = 86_400_000;
const PAGE = 5_000;

const offline = (() =>
  Promise.reject(new TypeError('fetch failed: the bench device is offline'))) as typeof fetch;

function customerRow(
  c: BookCustomer,
  user: SessionUser,
  r: Random,
  now: number,
  template: { versionId: string; attrs: Record<string, unknown> } | null,
): CustomerRow {
  const createdAt = now - r.int(30, 900) * DAY;
  const followed = r.next() < 0.9;
  return {
    id: newId(createdAt),
    orgId: user.orgId,
    name: c.name,
    shortName: c.shortName,
    creditCode: null,
    industry: c.industry,
    region: c.region,
    address: null,
    phone: c.phone,
    website: null,
    source: '展会',
    status: 'active',
    level: r.pick(['A', 'B', 'C', 'D'] as const),
    ownerId: user.id,
    poolState: 'private',
    claimedAt: createdAt,
    lastFollowUpAt: followed ? now - r.int(0, 120 * DAY) : null,
    lastDealAt: null,
    kind: 'customer',
    leadStatus: null,
    convertedAt: null,
    poolId: null,
    locked: false,
    enteredPoolAt: null,
    previousOwnerId: null,
    deregisteredAt: null,
    attrs: template?.attrs ?? {},
    templateVersionId: template?.versionId ?? null,
    createdAt,
    updatedAt: createdAt + r.int(0, 20 * DAY),
    version: 1,
  };
}

export async function createOfflineDevice(dir: string, book: DeviceBook): Promise<OfflineDevice> {
  const now = book.now ?? Date.now();
  const r = createRandom(42);
  const user: SessionUser = {
    id: newId(),
    orgId: newId(),
    teamId: null,
    username: 'rep0001',
    displayName: '销售1',
    role: 'rep',
  };
  const dataDir = join(dir, `device-${newId()}`);
  const dbFile = userDatabaseFile(dataDir, user.id);
  const db = openClientDatabase(dbFile, { migrationsFolder: defaultMigrationsFolder() });
  const customerIds: string[] = [];
  try {
    const userRow: UserRow = { ...user, active: true, version: 1 };
    // A synced device holds its org's settings (the server gives every org a row).
    const settings = { ...defaultSettings(user.orgId, now), version: 1 };
    // …and, since protocol 5, its public pool: the rules the list's recycle countdowns are computed from.
    const pool: PoolRow = {
      id: newId(now),
      orgId: user.orgId,
      kind: 'customer',
      nameZh: '公海',
      nameEn: 'Public pool',
      teamIds: [],
      adminIds: [],
      isDefault: true,
      active: true,
      recycle: recyclePolicySchema.parse({
        rules: [
          { kind: 'noFollowUp', days: 30, daysByLevel: { A: 60 } },
          { kind: 'notWon', days: 365 },
        ],
        warnDays: 3,
      }),
      claim: claimPolicySchema.parse({}),
      assign: 'previousOwnerThenLeastLoaded',
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const rows: (() => void)[] = [
      () => insertRow(db, 'users', userRow),
      () => insertRow(db, 'settings', settings),
      () => insertRow(db, 'pools', pool),
    ];
    const templates = book.templates;
    const versions = templates?.versions(user.orgId, user.id, now) ?? [];
    if (templates) {
      const catalog = templates.catalog(user.orgId, now);
      rows.push(() => insertRow(db, 'catalogs', catalog));
      for (const v of versions) rows.push(() => insertRow(db, 'templateVersions', v));
    }
    const customerVersion = templates ? versions[templates.customerVersion] : undefined;
    for (const c of book.customers) {
      const customer = customerRow(
        c,
        user,
        r,
        now,
        templates && customerVersion ? { versionId: customerVersion.id, attrs: templates.attrs(c, r) } : null,
      );
      customerIds.push(customer.id);
      rows.push(() => insertRow(db, 'customers', customer));
      for (let k = 0; k < (book.contactsPerCustomer ?? 0); k++) {
        const contact: ContactRow = {
          id: newId(customer.createdAt),
          orgId: user.orgId,
          customerId: customer.id,
          name: `联系人${k + 1}`,
          title: '采购经理',
          phone: null,
          email: null,
          wechat: null,
          isPrimary: k === 0,
          attrs: {},
          templateVersionId: null,
          createdAt: customer.createdAt,
          updatedAt: customer.createdAt,
          version: 1,
        };
        rows.push(() => insertRow(db, 'contacts', contact));
      }
      for (let k = 0; k < (book.followUpsPerCustomer ?? 0); k++) {
        const at = now - (k + 1) * 7 * DAY;
        const followUp: FollowUpRow = {
          id: newId(at),
          orgId: user.orgId,
          customerId: customer.id,
          contactId: null,
          opportunityId: null,
          authorId: user.id,
          type: 'visit',
          content: `第${k + 1}次跟进：与客户沟通年度采购计划，对方要求下周提供正式报价单。`,
          outcome: '客户有意向',
          occurredAt: at,
          nextFollowUpAt: null,
          attrs: {},
          templateVersionId: null,
          createdAt: at,
          updatedAt: at,
          version: 1,
        };
        rows.push(() => insertRow(db, 'followUps', followUp));
      }
      if (book.tasksEvery && customerIds.length % book.tasksEvery === 0) {
        const task: TaskRow = {
          id: newId(now),
          orgId: user.orgId,
          customerId: customer.id,
          assigneeId: user.id,
          title: '电话跟进报价反馈',
          type: 'call',
          dueAt: now + r.int(-5, 10) * DAY,
          origin: 'manual',
          status: 'open',
          sourceFollowUpId: null,
          doneFollowUpId: null,
          doneAt: null,
          createdBy: user.id,
          createdAt: now - DAY,
          updatedAt: now - DAY,
          version: 1,
        };
        rows.push(() => insertRow(db, 'tasks', task));
      }
    }
    for (let i = 0; i < rows.length; i += PAGE) {
      db.transaction(() => {
        for (const write of rows.slice(i, i + PAGE)) write();
      })();
    }
    // As after a finished first sync: the committed cursor is set.
    setMeta(db, 'cursor', 'bench');
  } finally {
    db.close();
  }
  writeSession(dataDir, {
    serverUrl: 'http://127.0.0.1:9',
    token: 'bench-offline',
    expiresAt: now + 365 * DAY,
    user,
  });
  const core = await createClientCore({
    dataDir,
    fetch: offline,
    syncIntervalMs: 3_600_000,
    maxBackoffMs: 3_600_000,
    pokes: false,
  });
  return { core, dataDir, user, dbFile, customerIds, close: () => core.close() };
}
