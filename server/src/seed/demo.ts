import { sql } from 'drizzle-orm';
import type { Role } from '../../../shared/domain/roles';
import { creditCodeCheckChar, normalizeCompanyName } from '../../../shared/domain/validators';
import type { FollowUpType } from '../../../shared/domain/rows';
import { hashPassword } from '../auth/passwords';
import type { ServerDb, SqlRunner } from '../db/database';
import {
  BRANDS,
  BUSINESSES,
  EMAIL_DOMAINS,
  FOLLOW_UP_NOTES,
  GIVEN_NAMES,
  OUTCOMES,
  PLACES,
  PRODUCTS,
  SOURCES,
  SURNAMES,
  TITLES,
} from './demoData';

/** The password of every demo user (the brief's fixed demo data). */
export const DEMO_PASSWORD = 'tidepool123';
export const DEMO_ORG_NAME = '潮汐贸易演示公司 / Tidepool Demo Co.';

const DAY = 24 * 60 * 60 * 1000;
const SEED = 20_240_601;

/** mulberry32: a small, fast PRNG; the same seed gives the same demo data on every machine. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const chance = (p: number) => next() < p;
  const digits = (n: number) => Array.from({ length: n }, () => int(0, 9)).join('');
  /** UUIDv7 (time-ordered, like shared/ids newId) whose random bits come from this generator. */
  const id = (ms: number): string => {
    const time = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0');
    let rand = '';
    for (let i = 0; i < 10; i++) rand += int(0, 255).toString(16).padStart(2, '0');
    const variant = (8 + (parseInt(rand[3] ?? '0', 16) & 3)).toString(16);
    return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${rand.slice(0, 3)}-${variant}${rand.slice(4, 7)}-${rand.slice(7, 19)}`;
  };
  return { next, int, pick, chance, digits, id };
}
type Random = ReturnType<typeof createRandom>;

const MOBILE_PREFIXES = [
  '134',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '182',
  '183',
  '187',
  '188',
  '130',
  '131',
  '132',
  '155',
  '156',
  '185',
  '186',
  '133',
  '153',
  '177',
  '180',
  '181',
  '189',
  '199',
];
const ORG_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';

function mobile(r: Random): string {
  return `${r.pick(MOBILE_PREFIXES)}${r.digits(8)}`;
}

/** Organisation code (GB 11714: 8 characters + check) inside a unified social credit code (GB 32100). */
function creditCode(r: Random, division: string): string {
  const body = Array.from({ length: 8 }, () =>
    r.chance(0.8) ? String(r.int(0, 9)) : r.pick([...ORG_CODE_CHARS.slice(10)]),
  ).join('');
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const value = (ch: string) => (/\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 55);
  const sum = [...body].reduce((acc, ch, i) => acc + value(ch) * (weights[i] ?? 0), 0);
  const c9 = 11 - (sum % 11);
  const orgCode = body + (c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9));
  const first17 = `91${division}${orgCode}`;
  return first17 + (creditCodeCheckChar(first17) ?? '0');
}

function personName(r: Random): { name: string; pinyin: string } {
  const [surname, surnamePinyin] = r.pick(SURNAMES);
  const [given, givenPinyin] = r.pick(GIVEN_NAMES);
  return { name: surname + given, pinyin: surnamePinyin + givenPinyin };
}

export type DemoSummary = {
  orgId: string;
  users: Record<'admin' | 'wangfang' | 'zhangwei' | 'lina', string>;
  customers: number;
  contacts: number;
  followUps: number;
};

type Rows = Record<string, unknown>[];

/** Inserts rows whose keys are the table's column names, 1,000 per statement, as one JSON parameter. */
async function bulkInsert(db: SqlRunner, table: string, rows: Rows): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) {
    const batch = JSON.stringify(rows.slice(i, i + 1000));
    await db.rows(
      sql`INSERT INTO ${sql.raw(table)} SELECT * FROM json_populate_recordset(NULL::${sql.raw(table)}, ${batch}::json)`,
    );
  }
}

/** True when no org exists yet: the server seeds the demo on first start of an empty database. */
export async function isDatabaseEmpty(db: SqlRunner): Promise<boolean> {
  const [row] = await db.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM orgs`);
  return (row?.n ?? 0) === 0;
}

/** Empties every table (the `--reset-demo` path); the schema and its migrations stay. */
export async function clearDatabase(db: SqlRunner): Promise<void> {
  await db.rows(sql`TRUNCATE orgs, teams, users, device_sessions, sync_clients, mutation_rejections, sync_conflicts,
    customers, contacts, follow_ups, ownership_history CASCADE`);
}

/**
 * Seeds the demo org (the brief's demo data): teams 销售部 › 华东一组/华东二组, users admin, wangfang
 * (manager of 华东一组), zhangwei and lina (reps of 华东一组), `customers` companies split between the two
 * reps with a few in the public sea, 1–3 contacts each and 0–6 follow-ups over the last 120 days.
 * Deterministic for a given `now` and count; every row gets version 1.
 */
export async function seedDemo(
  db: ServerDb,
  opts: { customers?: number; now?: number } = {},
): Promise<DemoSummary> {
  const now = opts.now ?? Date.now();
  const customerCount = opts.customers ?? 2000;
  const r = createRandom(SEED);
  const version = 1;
  const yearAgo = now - 365 * DAY;

  const orgId = r.id(yearAgo);
  const rootTeam = r.id(yearAgo);
  const eastOne = r.id(yearAgo);
  const eastTwo = r.id(yearAgo);
  const people: {
    key: keyof DemoSummary['users'];
    displayName: string;
    role: Role;
    teamId: string | null;
  }[] = [
    { key: 'admin', displayName: '系统管理员', role: 'admin', teamId: null },
    { key: 'wangfang', displayName: '王芳', role: 'manager', teamId: eastOne },
    { key: 'zhangwei', displayName: '张伟', role: 'rep', teamId: eastOne },
    { key: 'lina', displayName: '李娜', role: 'rep', teamId: eastOne },
  ];
  const userIds = Object.fromEntries(people.map((p) => [p.key, r.id(yearAgo)])) as DemoSummary['users'];
  const hashes = await Promise.all(people.map(() => hashPassword(DEMO_PASSWORD)));
  const reps = [userIds.zhangwei, userIds.lina];

  const customers: Rows = [];
  const contacts: Rows = [];
  const followUps: Rows = [];
  const history: Rows = [];
  const names = new Set<string>();
  const codes = new Set<string>();

  for (let i = 0; i < customerCount; i++) {
    const place = r.pick(PLACES);
    const [business, industry] = r.pick(BUSINESSES);
    let brand = r.pick(BRANDS);
    let name: string;
    for (let attempt = 0; ; attempt++) {
      // Past a few collisions (large seeds), two brand words make the space ~60× larger.
      const brandWord = attempt < 5 ? brand[0] : brand[0] + r.pick(BRANDS)[0];
      name = `${place.prefix}${brandWord}${business}${r.chance(0.15) ? '股份有限公司' : '有限公司'}`;
      if (!names.has(normalizeCompanyName(name))) break;
      brand = r.pick(BRANDS);
    }
    names.add(normalizeCompanyName(name));
    let code = creditCode(r, place.division);
    while (codes.has(code)) code = creditCode(r, place.division);
    codes.add(code);

    const isPublic = r.chance(0.06);
    const owner = isPublic ? null : r.pick(reps);
    const createdAt = now - r.int(150, 900) * DAY - r.int(0, DAY);
    const claimedAt = isPublic ? null : Math.min(now - DAY, createdAt + r.int(0, 30) * DAY);
    const customerId = r.id(createdAt);
    const roll = r.next();
    const status = roll < 0.85 ? 'active' : roll < 0.97 ? 'dormant' : 'deregistered';
    const levelRoll = r.next();
    const level = levelRoll < 0.1 ? 'A' : levelRoll < 0.35 ? 'B' : levelRoll < 0.75 ? 'C' : 'D';

    const customerContacts: { id: string; name: string }[] = [];
    const contactCount = r.int(1, 3);
    for (let k = 0; k < contactCount; k++) {
      const person = personName(r);
      const contactId = r.id(createdAt + k);
      customerContacts.push({ id: contactId, name: person.name });
      contacts.push({
        id: contactId,
        org_id: orgId,
        customer_id: customerId,
        name: person.name,
        title: r.pick(TITLES),
        phone: mobile(r),
        email: r.chance(0.7)
          ? `${person.pinyin}${r.chance(0.5) ? r.int(1, 99) : ''}@${r.pick(EMAIL_DOMAINS)}`
          : null,
        wechat: r.chance(0.6) ? `${person.pinyin}_${r.digits(4)}` : null,
        is_primary: k === 0,
        created_at: createdAt,
        updated_at: createdAt,
        version,
        deleted_at: null,
      });
    }

    let lastFollowUpAt: number | null = null;
    const followUpCount = r.int(0, 6);
    for (let k = 0; k < followUpCount; k++) {
      const type = r.pick([
        'visit',
        'call',
        'call',
        'wechat',
        'wechat',
        'email',
        'meeting',
      ] as const satisfies readonly FollowUpType[]);
      const day = now - r.int(0, 119) * DAY;
      const occurredAt = Math.min(
        now - 60_000,
        day - (day % DAY) + r.int(1, 10) * 60 * 60 * 1000 + r.int(0, 59) * 60_000,
      );
      const contact = r.chance(0.75) ? r.pick(customerContacts) : null;
      const content = r
        .pick(FOLLOW_UP_NOTES[type])
        .replace('{c}', contact ? contact.name : '对方负责人')
        .replace('{p}', r.pick(PRODUCTS));
      const createdAtFollowUp = Math.min(now, occurredAt + r.int(5, 180) * 60_000);
      followUps.push({
        id: r.id(occurredAt),
        org_id: orgId,
        customer_id: customerId,
        contact_id: contact?.id ?? null,
        author_id: owner ?? r.pick(reps),
        type,
        content,
        outcome: r.pick(OUTCOMES),
        occurred_at: occurredAt,
        next_follow_up_at: r.chance(0.4) ? occurredAt + r.int(3, 14) * DAY : null,
        created_at: createdAtFollowUp,
        updated_at: createdAtFollowUp,
        version,
        deleted_at: null,
      });
      lastFollowUpAt = Math.max(lastFollowUpAt ?? 0, occurredAt);
    }

    const phone = r.chance(0.6) ? `${place.areaCode}-${r.int(5, 8)}${r.digits(7)}` : mobile(r);
    customers.push({
      id: customerId,
      org_id: orgId,
      name,
      name_norm: normalizeCompanyName(name),
      short_name: brand[0] + business.slice(0, 2),
      credit_code: code,
      industry,
      region: place.region,
      address: `${place.region}${r.pick(place.streets)}${r.int(1, 2000)}号`,
      phone,
      website: r.chance(0.5) ? `www.${brand[1]}${r.chance(0.5) ? '-group' : ''}.com.cn` : null,
      source: r.pick(SOURCES),
      status,
      level,
      owner_id: owner,
      pool_state: isPublic ? 'public' : 'private',
      claimed_at: claimedAt,
      last_follow_up_at: lastFollowUpAt,
      last_deal_at: r.chance(0.2) ? now - r.int(30, 400) * DAY : null,
      attrs: {},
      created_at: createdAt,
      updated_at: Math.max(createdAt, lastFollowUpAt ?? 0),
      version,
      deleted_at: null,
    });
    history.push({
      id: r.id(claimedAt ?? createdAt),
      org_id: orgId,
      customer_id: customerId,
      from_owner_id: null,
      to_owner_id: owner,
      from_pool_state: null,
      to_pool_state: isPublic ? 'public' : 'private',
      actor_type: isPublic ? 'rule' : 'user',
      actor_id: owner,
      reason: isPublic ? '导入公海' : '新建客户',
      at: claimedAt ?? createdAt,
      version,
    });
  }

  await db.transaction(async (tx) => {
    await tx.rows(
      sql`INSERT INTO orgs (id, name, version, created_at) VALUES (${orgId}, ${DEMO_ORG_NAME}, ${version}, ${yearAgo})`,
    );
    await bulkInsert(tx, 'teams', [
      { id: rootTeam, org_id: orgId, parent_id: null, name: '销售部', created_at: yearAgo },
      { id: eastOne, org_id: orgId, parent_id: rootTeam, name: '华东一组', created_at: yearAgo },
      { id: eastTwo, org_id: orgId, parent_id: rootTeam, name: '华东二组', created_at: yearAgo },
    ]);
    await bulkInsert(
      tx,
      'users',
      people.map((p, i) => ({
        id: userIds[p.key],
        org_id: orgId,
        team_id: p.teamId,
        username: p.key,
        display_name: p.displayName,
        role: p.role,
        password_hash: hashes[i],
        active: true,
        created_at: yearAgo,
        updated_at: yearAgo,
        version,
      })),
    );
    await bulkInsert(tx, 'customers', customers);
    await bulkInsert(tx, 'contacts', contacts);
    await bulkInsert(tx, 'follow_ups', followUps);
    await bulkInsert(tx, 'ownership_history', history);
  });
  // Fresh planner statistics: without them PostgreSQL plans the pull's joins for empty tables (PGlite
  // has no autovacuum at all) and a first sync right after seeding crawls.
  await db.rows(sql`ANALYZE`);
  return {
    orgId,
    users: userIds,
    customers: customers.length,
    contacts: contacts.length,
    followUps: followUps.length,
  };
}
