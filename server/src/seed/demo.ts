import { sql } from 'drizzle-orm';
import type { Role } from '../../../shared/domain/roles';
import { DEFAULT_SETTINGS, type Stage } from '../../../shared/domain/settings';
import { uniqueKey } from '../../../shared/domain/uniqueness';
import { creditCodeCheckChar, normalizeCompanyName } from '../../../shared/domain/validators';
import type { CustomerLevel, FollowUpType, LeadStatus } from '../../../shared/domain/rows';
import { DAY_MS, poolForCustomer, recycleDue, type PoolRow, type RecycleFacts } from '../../../shared/pools';
import { insertVersions } from '../admin/templates';
import { hashPassword } from '../auth/passwords';
import type { ServerDb, SqlRunner } from '../db/database';
import { seedDemoApiKey } from '../pools/apiKeys';
import {
  BRANDS,
  BUSINESSES,
  EMAIL_DOMAINS,
  FOLLOW_UP_NOTES,
  GIVEN_NAMES,
  LEAD_NOTES,
  OUTCOMES,
  PLACES,
  PRODUCTS,
  RELEASE_REASONS,
  SOURCES,
  SURNAMES,
  TASK_TITLES,
  TITLES,
} from './demoData';
import { DemoAttrs, demoCatalog, MACHINERY } from './demoTemplates';
import { demoPools, type DemoPoolIds } from './demoPools';

/** The password of every demo user (the brief's fixed demo data). */
export const DEMO_PASSWORD = 'tidepool123';
export const DEMO_ORG_NAME = '潮汐贸易演示公司 / Tidepool Demo Co.';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
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
  /** Rows of kind `customer` (the `customers` option), public-sea ones included. */
  customers: number;
  contacts: number;
  followUps: number;
  publicCustomers: number;
  leads: number;
  opportunities: number;
  tasks: number;
  /** The demo's pools: the default customer pool, a second region, the lead pool. */
  pools: DemoPoolIds;
  /** Private customers and leads followed up once more so that few are due to recycle (keepFewRecycling). */
  keptAlive: number;
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
    settings, catalogs, templates, template_versions, customers, contacts, follow_ups, opportunities, stage_changes,
    tasks, ownership_history, pools, org_api_keys, activity_events CASCADE`);
}

/** Every row of the demo, by SQL table (keys are column names), and what later steps need to know. */
type Seed = {
  r: Random;
  /**
   * The public sea's own stream (pool ids, deregistration dates, the follow-ups of keepFewRecycling), so
   * that every value seeded before pools is what it was.
   */
  rp: Random;
  pools: DemoPoolIds;
  now: number;
  orgId: string;
  reps: readonly string[];
  tables: {
    customers: Rows;
    contacts: Rows;
    follow_ups: Rows;
    ownership_history: Rows;
    opportunities: Rows;
    stage_changes: Rows;
    tasks: Rows;
  };
  /** Normalised names and phones, and credit codes, already used: customers are unique on them. */
  taken: { names: Set<string>; codes: Set<string>; phones: Set<string> };
  /** Each rep's private customers (kind customer) and leads, for their tasks. */
  privateOf: Map<string, { customers: string[]; leads: string[] }>;
  /** Business attributes of each record (their own random stream) and the version they were saved with. */
  attrs: DemoAttrs;
  versionOf: Record<'customer' | 'machinery' | 'lead' | 'contact' | 'opportunity' | 'followUp', string>;
};

const FOLLOW_UP_TYPES_SEEDED = [
  'visit',
  'call',
  'call',
  'wechat',
  'wechat',
  'email',
  'meeting',
] as const satisfies readonly FollowUpType[];

/** A company name not used yet: place + brand + business (two brand words past a few collisions). */
function companyName(
  seed: Seed,
  place: (typeof PLACES)[number],
  business: string,
): { name: string; brand: (typeof BRANDS)[number] } {
  const { r } = seed;
  let brand = r.pick(BRANDS);
  for (let attempt = 0; ; attempt++) {
    const brandWord = attempt < 5 ? brand[0] : brand[0] + r.pick(BRANDS)[0];
    const name = `${place.prefix}${brandWord}${business}${r.chance(0.15) ? '股份有限公司' : '有限公司'}`;
    if (!seed.taken.names.has(normalizeCompanyName(name))) {
      seed.taken.names.add(normalizeCompanyName(name));
      return { name, brand };
    }
    brand = r.pick(BRANDS);
  }
}

/** A phone no customer has yet (phone numbers are unique per org, like names). */
function uniquePhone(seed: Seed, make: () => string): string {
  for (;;) {
    const phone = make();
    const key = uniqueKey('phone', phone) ?? phone;
    if (!seed.taken.phones.has(key)) {
      seed.taken.phones.add(key);
      return phone;
    }
  }
}

/** 1–3 contacts (leads: one), the first primary. */
function seedContacts(seed: Seed, customerId: string, createdAt: number, count: number) {
  const { r } = seed;
  const made: { id: string; name: string }[] = [];
  for (let k = 0; k < count; k++) {
    const person = personName(r);
    const contactId = r.id(createdAt + k);
    made.push({ id: contactId, name: person.name });
    seed.tables.contacts.push({
      id: contactId,
      org_id: seed.orgId,
      customer_id: customerId,
      name: person.name,
      title: r.pick(TITLES),
      phone: mobile(r),
      email: r.chance(0.7)
        ? `${person.pinyin}${r.chance(0.5) ? r.int(1, 99) : ''}@${r.pick(EMAIL_DOMAINS)}`
        : null,
      wechat: r.chance(0.6) ? `${person.pinyin}_${r.digits(4)}` : null,
      is_primary: k === 0,
      attrs: seed.attrs.contact(k === 0),
      template_version_id: seed.versionOf.contact,
      created_at: createdAt,
      updated_at: createdAt,
      version: 1,
      deleted_at: null,
    });
  }
  return made;
}

/** The stages a seeded opportunity went through to reach `target`, in order (its stage history). */
function stagePath(r: Random, target: Stage): Stage[] {
  const open = DEFAULT_SETTINGS.stages.filter((s) => s.kind === 'open');
  if (target.kind === 'open') return open.slice(0, open.indexOf(target) + 1);
  if (target.kind === 'won') return [...open, target];
  return [...open.slice(0, r.int(1, open.length)), target];
}

/** Stage weights of the seeded pipeline: every stage is represented, most deals still open. */
const STAGE_WEIGHTS: Record<string, number> = {
  discovery: 0.2,
  needs: 0.18,
  proposal: 0.17,
  negotiation: 0.12,
  won: 0.18,
  lost: 0.15,
};

function pickStage(r: Random): Stage {
  let roll = r.next();
  for (const stage of DEFAULT_SETTINGS.stages) {
    roll -= STAGE_WEIGHTS[stage.key] ?? 0;
    if (roll < 0) return stage;
  }
  return DEFAULT_SETTINGS.stages[0] as Stage;
}

/**
 * An opportunity of a private customer with its stage history: amounts in CNY minor units (fen), the
 * stage moves spaced days apart and never in the future, won/lost ones closed at their last move.
 */
function seedOpportunity(
  seed: Seed,
  customer: { id: string; ownerId: string; claimedAt: number; shortName: string },
): { id: string; createdAt: number; wonAt: number | null } {
  const { r, now } = seed;
  const target = pickStage(r);
  const path = stagePath(r, target);
  const earliest = Math.max(customer.claimedAt + DAY, now - 240 * DAY);
  const createdAt = Math.min(now - 2 * HOUR, earliest + r.int(0, Math.max(0, now - earliest - DAY)));
  const id = r.id(createdAt);
  let at = createdAt;
  let previous: string | null = null;
  for (const stage of path) {
    seed.tables.stage_changes.push({
      id: r.id(at),
      org_id: seed.orgId,
      customer_id: customer.id,
      opportunity_id: id,
      from_stage: previous,
      to_stage: stage.key,
      changed_by: customer.ownerId,
      changed_at: at,
      created_at: at,
      updated_at: at,
      version: 1,
      deleted_at: null,
    });
    previous = stage.key;
    // The next move a few days later, but never after now: late moves bunch up near the present.
    at = Math.min(
      at + r.int(2, 20) * DAY + r.int(0, 8) * HOUR,
      at + Math.max(60_000, Math.floor((now - at) / 3)),
    );
  }
  const closedAt = target.kind === 'open' ? null : (seed.tables.stage_changes.at(-1)?.changed_at as number);
  const product = r.pick(PRODUCTS);
  seed.tables.opportunities.push({
    id,
    org_id: seed.orgId,
    customer_id: customer.id,
    owner_id: customer.ownerId,
    name: `${customer.shortName}${product}`,
    amount_minor: r.int(2, 300) * 10_000 * 100,
    currency: 'CNY',
    stage_key: target.key,
    status: target.kind,
    expected_close_at: closedAt ?? now - (now % DAY) + r.int(7, 120) * DAY,
    lost_reason: target.kind === 'lost' ? r.pick(DEFAULT_SETTINGS.lostReasons).key : null,
    closed_at: closedAt,
    attrs: seed.attrs.opportunity(createdAt),
    template_version_id: seed.versionOf.opportunity,
    created_at: createdAt,
    updated_at: closedAt ?? (seed.tables.stage_changes.at(-1)?.changed_at as number),
    version: 1,
    deleted_at: null,
  });
  return { id, createdAt, wonAt: target.kind === 'won' ? closedAt : null };
}

/** 0–`max` follow-ups over the last 120 days (after `since`); returns the latest occurrence. */
function seedFollowUps(
  seed: Seed,
  customerId: string,
  author: string,
  contacts: readonly { id: string; name: string }[],
  count: number,
  opts: { since?: number; opportunity?: { id: string; createdAt: number }; notes?: readonly string[] } = {},
): number | null {
  const { r, now } = seed;
  let last: number | null = null;
  for (let k = 0; k < count; k++) {
    const type = r.pick(FOLLOW_UP_TYPES_SEEDED);
    const sinceDays = opts.since === undefined ? 119 : Math.max(0, Math.floor((now - opts.since) / DAY));
    const day = now - r.int(0, Math.min(119, sinceDays)) * DAY;
    const occurredAt = Math.max(
      opts.since ?? 0,
      Math.min(now - 60_000, day - (day % DAY) + r.int(1, 10) * HOUR + r.int(0, 59) * 60_000),
    );
    const contact = r.chance(0.75) ? r.pick(contacts) : null;
    const content = r
      .pick(opts.notes ?? FOLLOW_UP_NOTES[type])
      .replace('{c}', contact ? contact.name : '对方负责人')
      .replace('{p}', r.pick(PRODUCTS));
    const createdAt = Math.min(now, occurredAt + r.int(5, 180) * 60_000);
    const opportunity = opts.opportunity;
    seed.tables.follow_ups.push({
      id: r.id(occurredAt),
      org_id: seed.orgId,
      customer_id: customerId,
      contact_id: contact?.id ?? null,
      opportunity_id:
        opportunity && occurredAt >= opportunity.createdAt && r.chance(0.6) ? opportunity.id : null,
      author_id: author,
      type,
      content,
      outcome: r.pick(OUTCOMES),
      occurred_at: occurredAt,
      next_follow_up_at: r.chance(0.4) ? occurredAt + r.int(3, 14) * DAY : null,
      attrs: seed.attrs.followUp(),
      template_version_id: seed.versionOf.followUp,
      created_at: createdAt,
      updated_at: createdAt,
      version: 1,
      deleted_at: null,
    });
    last = Math.max(last ?? 0, occurredAt);
  }
  return last;
}

/** One ownership-history row (the audit trail every owner or pool change leaves, SPEC §2). */
function history(
  seed: Seed,
  customerId: string,
  move: {
    from: string | null;
    to: string | null;
    fromPool: 'private' | 'public' | null;
    toPool: 'private' | 'public';
    actorType: 'user' | 'rule';
    actorId: string | null;
    reason: string;
    action: 'create' | 'release' | 'recycle';
    poolId: string | null;
    at: number;
  },
): void {
  seed.tables.ownership_history.push({
    id: seed.r.id(move.at),
    org_id: seed.orgId,
    customer_id: customerId,
    from_owner_id: move.from,
    to_owner_id: move.to,
    from_pool_state: move.fromPool,
    to_pool_state: move.toPool,
    actor_type: move.actorType,
    actor_id: move.actorId,
    reason: move.reason,
    action: move.action,
    pool_id: move.poolId,
    at: move.at,
    version: 1,
  });
}

/** The reason of every seeded customer's first history row. */
const INITIAL_ASSIGNMENT = '初始分配';

/**
 * When a deregistered company's status was recorded: in the last 20 days, so the East China pool's
 * 30-day deregistration rule shows its countdown without any of them being due yet.
 */
function deregisteredAt(seed: Seed): number {
  return seed.now - seed.rp.int(1, 20) * DAY - seed.rp.int(0, DAY - 1);
}

/**
 * One customer: a private one of a rep (with, one time in five, an opportunity and its history), or
 * one that went back to the public sea (assigned first, then recycled or released).
 */
function seedCustomer(seed: Seed, isPublic: boolean): void {
  const { r, now, reps } = seed;
  const place = r.pick(PLACES);
  const [business, industry] = r.pick(BUSINESSES);
  const { name, brand } = companyName(seed, place, business);
  let code = creditCode(r, place.division);
  while (seed.taken.codes.has(code)) code = creditCode(r, place.division);
  seed.taken.codes.add(code);

  // A public customer had an owner before (its follow-ups are theirs).
  const firstOwner = r.pick(reps);
  const owner = isPublic ? null : firstOwner;
  const createdAt = now - r.int(150, 900) * DAY - r.int(0, DAY);
  const assignedAt = Math.min(now - DAY, createdAt + r.int(0, 30) * DAY);
  const customerId = r.id(createdAt);
  const roll = r.next();
  const status = roll < 0.85 ? 'active' : roll < 0.97 ? 'dormant' : 'deregistered';
  const levelRoll = r.next();
  const level = levelRoll < 0.1 ? 'A' : levelRoll < 0.35 ? 'B' : levelRoll < 0.75 ? 'C' : 'D';
  const shortName = brand[0] + business.slice(0, 2);

  const contacts = seedContacts(seed, customerId, createdAt, r.int(1, 3));
  const opportunity =
    owner !== null && r.chance(0.21)
      ? seedOpportunity(seed, { id: customerId, ownerId: owner, claimedAt: assignedAt, shortName })
      : undefined;
  const lastFollowUpAt = seedFollowUps(seed, customerId, firstOwner, contacts, r.int(0, 6), {
    ...(opportunity ? { opportunity } : {}),
  });
  const phone = uniquePhone(seed, () =>
    r.chance(0.6) ? `${place.areaCode}-${r.int(5, 8)}${r.digits(7)}` : mobile(r),
  );
  const randomDeal = r.chance(0.2) ? now - r.int(30, 400) * DAY : null;
  const lastDealAt = opportunity?.wonAt ?? randomDeal;
  // Drawn in the order the row's fields always were, so the rest of the demo stays as it was.
  const address = `${place.region}${r.pick(place.streets)}${r.int(1, 2000)}号`;
  const website = r.chance(0.5) ? `www.${brand[1]}${r.chance(0.5) ? '-group' : ''}.com.cn` : null;
  const customerAttrs = {
    attrs: seed.attrs.customer({ industry, website }),
    template_version_id: industry === MACHINERY ? seed.versionOf.machinery : seed.versionOf.customer,
  };
  // Recycled by the pool's no-follow-up rule (90 quiet days, A customers 120), or released by the rep
  // after a recent follow-up, into the East China pool that serves the reps' team.
  const quietDays = level === 'A' ? 120 : 90;
  const quiet = lastFollowUpAt === null || now - lastFollowUpAt > (quietDays + 1) * DAY;
  const releasedAt = quiet
    ? Math.min(now - HOUR, (lastFollowUpAt ?? assignedAt) + quietDays * DAY)
    : lastFollowUpAt + Math.floor((now - lastFollowUpAt) / 2);
  seed.tables.customers.push({
    id: customerId,
    org_id: seed.orgId,
    name,
    name_norm: normalizeCompanyName(name),
    short_name: shortName,
    credit_code: code,
    industry,
    region: place.region,
    address,
    phone,
    phone_norm: uniqueKey('phone', phone),
    website,
    source: r.pick(SOURCES),
    status,
    level,
    owner_id: owner,
    pool_state: isPublic ? 'public' : 'private',
    claimed_at: isPublic ? null : assignedAt,
    last_follow_up_at: lastFollowUpAt,
    last_deal_at: lastDealAt,
    kind: 'customer',
    lead_status: null,
    converted_at: null,
    pool_id: isPublic ? seed.pools.eastChina : null,
    locked: false,
    entered_pool_at: isPublic ? releasedAt : null,
    previous_owner_id: isPublic ? firstOwner : null,
    deregistered_at: status === 'deregistered' ? deregisteredAt(seed) : null,
    ...customerAttrs,
    created_at: createdAt,
    updated_at: Math.max(createdAt, lastFollowUpAt ?? 0, lastDealAt ?? 0),
    version: 1,
    deleted_at: null,
  });
  const byRule = r.chance(0.5);
  history(seed, customerId, {
    from: null,
    to: firstOwner,
    fromPool: null,
    toPool: 'private',
    actorType: byRule ? 'rule' : 'user',
    actorId: byRule ? null : firstOwner,
    reason: INITIAL_ASSIGNMENT,
    action: 'create',
    poolId: null,
    at: assignedAt,
  });
  if (isPublic) {
    history(seed, customerId, {
      from: firstOwner,
      to: null,
      fromPool: 'private',
      toPool: 'public',
      actorType: quiet ? 'rule' : 'user',
      actorId: quiet ? null : firstOwner,
      reason: quiet ? RELEASE_REASONS.rule(quietDays) : RELEASE_REASONS.user,
      action: quiet ? 'recycle' : 'release',
      poolId: seed.pools.eastChina,
      at: releasedAt,
    });
  } else if (owner !== null) {
    seed.privateOf.get(owner)?.customers.push(customerId);
  }
}

/** Lead statuses of the seeded leads, by weight (converted leads are customers by now). */
const LEAD_STATUS_WEIGHTS: [LeadStatus, number][] = [
  ['new', 0.3],
  ['contacted', 0.35],
  ['qualified', 0.2],
  ['disqualified', 0.15],
];

/** An unverified prospect of a rep, captured in the last 60 days, with the person met as primary contact. */
function seedLead(seed: Seed): void {
  const { r, now, reps } = seed;
  const place = r.pick(PLACES);
  const [business, industry] = r.pick(BUSINESSES);
  const { name } = companyName(seed, place, business);
  const owner = r.pick(reps);
  const createdAt = now - r.int(1, 60) * DAY - r.int(0, DAY - 1);
  const id = r.id(createdAt);
  let roll = r.next();
  let leadStatus: LeadStatus = 'new';
  for (const [status, weight] of LEAD_STATUS_WEIGHTS) {
    roll -= weight;
    if (roll < 0) {
      leadStatus = status;
      break;
    }
  }
  const contacts = seedContacts(seed, id, createdAt, 1);
  const lastFollowUpAt =
    leadStatus === 'new'
      ? null
      : seedFollowUps(seed, id, owner, contacts, r.int(1, 3), { since: createdAt, notes: LEAD_NOTES });
  const phone = uniquePhone(seed, () => mobile(r));
  seed.tables.customers.push({
    id,
    org_id: seed.orgId,
    name,
    name_norm: normalizeCompanyName(name),
    short_name: null,
    credit_code: null,
    industry,
    region: place.region,
    address: r.chance(0.6) ? `${place.region}${r.pick(place.streets)}${r.int(1, 2000)}号` : null,
    phone,
    phone_norm: uniqueKey('phone', phone),
    website: null,
    source: r.pick(SOURCES),
    status: 'active',
    level: null,
    owner_id: owner,
    pool_state: 'private',
    claimed_at: createdAt,
    last_follow_up_at: lastFollowUpAt,
    last_deal_at: null,
    kind: 'lead',
    lead_status: leadStatus,
    converted_at: null,
    pool_id: null,
    locked: false,
    entered_pool_at: null,
    previous_owner_id: null,
    deregistered_at: null,
    attrs: seed.attrs.lead(),
    template_version_id: seed.versionOf.lead,
    created_at: createdAt,
    updated_at: Math.max(createdAt, lastFollowUpAt ?? 0),
    version: 1,
    deleted_at: null,
  });
  history(seed, id, {
    from: null,
    to: owner,
    fromPool: null,
    toPool: 'private',
    actorType: 'user',
    actorId: owner,
    reason: INITIAL_ASSIGNMENT,
    action: 'create',
    poolId: null,
    at: createdAt,
  });
  seed.privateOf.get(owner)?.leads.push(id);
}

/**
 * A rep's open tasks, placed relative to `now` so that the app shows a real working day whenever it
 * is seeded: some overdue (1–5 days), some due later today (between now and the end of the local day),
 * some in the coming week, and a call back to one of their leads.
 */
function seedTasks(seed: Seed, rep: string): void {
  const { r, now } = seed;
  const mine = seed.privateOf.get(rep);
  if (!mine || mine.customers.length === 0) return;
  const startOfToday = new Date(now).setHours(0, 0, 0, 0);
  const endOfToday = startOfToday + DAY - 60_000;
  const dueTimes: number[] = [];
  for (let k = 0; k < 4; k++) dueTimes.push(startOfToday - r.int(1, 5) * DAY + r.int(9, 17) * HOUR);
  for (let k = 0; k < 3; k++) dueTimes.push(now + Math.floor(((endOfToday - now) * (k + 1)) / 4));
  for (let k = 0; k < 8; k++) dueTimes.push(startOfToday + r.int(1, 6) * DAY + r.int(9, 17) * HOUR);
  const types = Object.keys(TASK_TITLES) as (keyof typeof TASK_TITLES)[];
  const add = (customerId: string, dueAt: number, type: keyof typeof TASK_TITLES, title: string) => {
    const createdAt = Math.min(now - HOUR, dueAt - r.int(1, 7) * DAY);
    seed.tables.tasks.push({
      id: r.id(createdAt),
      org_id: seed.orgId,
      customer_id: customerId,
      assignee_id: rep,
      title,
      type,
      due_at: dueAt,
      origin: 'manual',
      status: 'open',
      source_follow_up_id: null,
      done_follow_up_id: null,
      done_at: null,
      created_by: rep,
      created_at: createdAt,
      updated_at: createdAt,
      version: 1,
      deleted_at: null,
    });
  };
  for (const dueAt of dueTimes) {
    const type = r.pick(types);
    add(r.pick(mine.customers), dueAt, type, r.pick(TASK_TITLES[type]).replace('{p}', r.pick(PRODUCTS)));
  }
  if (mine.leads.length > 0) {
    add(
      r.pick(mine.leads),
      startOfToday + r.int(1, 3) * DAY + 10 * HOUR,
      'call',
      '电话回访线索，确认采购意向',
    );
  }
}

/**
 * How many of each rep's private records may be due to recycle (or inside the warning window) when the
 * seed is done: a handful, so the job's first run moves a few and the countdowns show on a few.
 */
const RECYCLING_QUOTA = {
  customer: { due: 3, warned: 5 },
  lead: { due: 1, warned: 2 },
} as const;

/** Facts of a seeded record for `recycleDue` (shared/pools/rules.ts), from the rows seeded so far. */
function recycleFacts(row: Rows[number], opportunities: Rows): RecycleFacts {
  const claimedAt = row.claimed_at as number | null;
  const since = (at: unknown) => typeof at === 'number' && claimedAt !== null && at >= claimedAt;
  const earliest = (values: unknown[]) => {
    const times = values.filter(since) as number[];
    return times.length > 0 ? Math.min(...times) : null;
  };
  const open = opportunities.filter((o) => o.status === 'open');
  const stageOrder = (key: unknown) => DEFAULT_SETTINGS.stages.findIndex((s) => s.key === key);
  return {
    level: row.level as CustomerLevel | null,
    status: row.status as RecycleFacts['status'],
    claimedAt,
    lastFollowUpAt: row.last_follow_up_at as number | null,
    lastDealAt: row.last_deal_at as number | null,
    locked: row.locked === true,
    deregisteredAt: row.deregistered_at as number | null,
    firstOpportunityAfterClaimAt: earliest(opportunities.map((o) => o.created_at)),
    firstWinAfterClaimAt: earliest(opportunities.filter((o) => o.status === 'won').map((o) => o.closed_at)),
    maxOpenStageOrder: open.length > 0 ? Math.max(...open.map((o) => stageOrder(o.stage_key))) : null,
  };
}

/**
 * The seed's last pass: with the pools' rules, a dormant stretch that the data spreads over 120 days
 * (and customers without any follow-up) would leave a fifth of each rep's customers due at once. In an
 * org where the rules had been running, reps keep the customers they want by following them up: so
 * beyond RECYCLING_QUOTA, each record the no-follow-up rule would take (or warn about) gets one more
 * follow-up by its owner in the last 40 days. New leads have no follow-ups by definition and are left
 * as they are (the 60-day lead rule leaves few). Returns how many records were followed up.
 */
function keepFewRecycling(seed: Seed, pools: readonly PoolRow[], teamOf: ReadonlyMap<string, string | null>) {
  const { rp, now, tables } = seed;
  const group = (rows: Rows) => {
    const by = new Map<unknown, Rows>();
    for (const row of rows) by.set(row.customer_id, [...(by.get(row.customer_id) ?? []), row]);
    return by;
  };
  const opportunitiesOf = group(tables.opportunities);
  const contactsOf = group(tables.contacts);
  const kept = new Map<string, number>();
  let followedUp = 0;
  for (const row of tables.customers) {
    if (row.pool_state !== 'private') continue;
    const owner = String(row.owner_id);
    const kind = row.kind as 'customer' | 'lead';
    const pool = poolForCustomer(pools, { kind, poolId: null }, teamOf.get(owner) ?? null);
    if (!pool) continue;
    const stage = pool.recycle.exemptions.openOpportunityFromStage;
    const exemptStage = stage === null ? null : DEFAULT_SETTINGS.stages.findIndex((s) => s.key === stage);
    const verdict = recycleDue(
      pool.recycle,
      recycleFacts(row, opportunitiesOf.get(row.id) ?? []),
      exemptStage,
    );
    if (verdict.exempt || verdict.dueAt === null) continue;
    if (verdict.dueAt > now + pool.recycle.warnDays * DAY_MS) continue;
    const bucket = verdict.dueAt <= now ? 'due' : 'warned';
    const key = `${owner}:${kind}:${bucket}`;
    if ((kept.get(key) ?? 0) < RECYCLING_QUOTA[kind][bucket]) {
      kept.set(key, (kept.get(key) ?? 0) + 1);
      continue;
    }
    if (verdict.rule !== 'noFollowUp' || row.lead_status === 'new') continue;
    const type = rp.pick(FOLLOW_UP_TYPES_SEEDED);
    const day = now - rp.int(1, 40) * DAY;
    const occurredAt = Math.min(
      now - 60_000,
      day - (day % DAY) + rp.int(1, 10) * HOUR + rp.int(0, 59) * 60_000,
    );
    const contact = rp.pick(contactsOf.get(row.id) ?? [{ id: null, name: null }]);
    const createdAt = Math.min(now, occurredAt + rp.int(5, 180) * 60_000);
    tables.follow_ups.push({
      id: rp.id(occurredAt),
      org_id: seed.orgId,
      customer_id: row.id,
      contact_id: contact.id ?? null,
      opportunity_id: null,
      author_id: owner,
      type,
      content: rp
        .pick(kind === 'lead' ? LEAD_NOTES : FOLLOW_UP_NOTES[type])
        .replace('{c}', typeof contact.name === 'string' ? contact.name : '对方负责人')
        .replace('{p}', rp.pick(PRODUCTS)),
      outcome: rp.pick(OUTCOMES),
      occurred_at: occurredAt,
      next_follow_up_at: null,
      attrs: seed.attrs.followUp(),
      template_version_id: seed.versionOf.followUp,
      created_at: createdAt,
      updated_at: createdAt,
      version: 1,
      deleted_at: null,
    });
    row.last_follow_up_at = Math.max(Number(row.last_follow_up_at ?? 0), occurredAt);
    row.updated_at = Math.max(Number(row.updated_at), occurredAt);
    followedUp++;
  }
  return followedUp;
}

/**
 * Seeds the demo org (the brief's demo data): teams 销售部 › 华东一组/华东二组, users admin, wangfang
 * (manager of 华东一组), zhangwei and lina (reps of 华东一组), the org's default settings and its business
 * profiles (demoTemplates.ts: option lists, field library, a published template per entity);
 * `customers` companies split between the two reps, one in 33 in the public sea (with the history of
 * how it got there), 1–3 contacts each and 0–6 follow-ups over the last 120 days; an opportunity with
 * its stage history for one private customer in five (every stage, amounts in fen); leads (6% of the
 * customer count) with a primary contact; and each rep's open tasks around `now` (overdue, today, this
 * week). Every record holds plausible template values, valid under the version it names. Deterministic
 * for a given `now` and count; every row gets version 1.
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

  // Business profiles: the catalog, templates and their published versions, and each record's values,
  // from a random stream of their own so that the rest of the demo is what it was before templates.
  const ra = createRandom(SEED + 1);
  const profiles = demoCatalog({
    orgId,
    publishedBy: userIds.admin,
    now: yearAgo,
    version,
    id: () => ra.id(yearAgo),
  });
  const versionFor = (entity: string, category: string | null = null) =>
    profiles.versions.find((v) => v.entity === entity && v.category === category)?.id ?? '';

  const rp = createRandom(SEED + 2);
  const poolIds: DemoPoolIds = {
    eastChina: rp.id(yearAgo),
    southChina: rp.id(yearAgo + 1),
    leads: rp.id(yearAgo + 2),
  };
  const seed: Seed = {
    r,
    rp,
    pools: poolIds,
    now,
    orgId,
    reps,
    tables: {
      customers: [],
      contacts: [],
      follow_ups: [],
      ownership_history: [],
      opportunities: [],
      stage_changes: [],
      tasks: [],
    },
    taken: { names: new Set(), codes: new Set(), phones: new Set() },
    privateOf: new Map(reps.map((rep) => [rep, { customers: [], leads: [] }])),
    attrs: new DemoAttrs(ra, now, Object.values(userIds)),
    versionOf: {
      customer: versionFor('customer'),
      machinery: versionFor('customer', MACHINERY),
      lead: versionFor('lead'),
      contact: versionFor('contact'),
      opportunity: versionFor('opportunity'),
      followUp: versionFor('followUp'),
    },
  };
  let publicCustomers = 0;
  for (let i = 0; i < customerCount; i++) {
    // One in 33, spread evenly: ~60 of the default 2,000, and at least one from 17 customers on.
    const isPublic = i % 33 === 16;
    if (isPublic) publicCustomers++;
    seedCustomer(seed, isPublic);
  }
  const leadCount = Math.round(customerCount * 0.06);
  for (let i = 0; i < leadCount; i++) seedLead(seed);
  for (const rep of reps) seedTasks(seed, rep);
  const pools = demoPools({
    orgId,
    ids: poolIds,
    teamIds: [eastOne, eastTwo],
    managerId: userIds.wangfang,
    customers: customerCount,
    leads: leadCount,
    reps: reps.length,
    createdAt: yearAgo,
    version,
  });
  const teamOf = new Map(people.map((p) => [userIds[p.key], p.teamId]));
  const keptAlive = keepFewRecycling(seed, pools, teamOf);

  const { tables } = seed;
  await db.transaction(async (tx) => {
    await tx.rows(
      sql`INSERT INTO orgs (id, name, version, created_at) VALUES (${orgId}, ${DEMO_ORG_NAME}, ${version}, ${yearAgo})`,
    );
    await bulkInsert(tx, 'settings', [
      {
        id: orgId,
        org_id: orgId,
        stages: DEFAULT_SETTINGS.stages,
        follow_up_types: DEFAULT_SETTINGS.followUpTypes,
        lost_reasons: DEFAULT_SETTINGS.lostReasons,
        follow_up_edit_window_hours: DEFAULT_SETTINGS.followUpEditWindowHours,
        updated_at: yearAgo,
        version,
      },
    ]);
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
    const { catalog } = profiles;
    await bulkInsert(tx, 'catalogs', [
      {
        id: catalog.id,
        org_id: catalog.orgId,
        option_lists: catalog.optionLists,
        fields: catalog.fields,
        updated_at: catalog.updatedAt,
        version,
      },
    ]);
    await bulkInsert(tx, 'templates', profiles.templates);
    await insertVersions(tx, profiles.versions);
    await bulkInsert(
      tx,
      'pools',
      pools.map((p) => ({
        id: p.id,
        org_id: p.orgId,
        kind: p.kind,
        name_zh: p.nameZh,
        name_en: p.nameEn,
        team_ids: p.teamIds,
        admin_ids: p.adminIds,
        is_default: p.isDefault,
        active: p.active,
        recycle: p.recycle,
        claim: p.claim,
        assign: p.assign,
        created_at: p.createdAt,
        updated_at: p.updatedAt,
        version,
      })),
    );
    // The key the demo ERP sends activity events with (docs/pools.md "Reactivation").
    await seedDemoApiKey(tx, orgId, yearAgo);
    // Parents before children: foreign keys are checked per statement.
    for (const table of [
      'customers',
      'contacts',
      'opportunities',
      'stage_changes',
      'follow_ups',
      'tasks',
      'ownership_history',
    ] as const) {
      await bulkInsert(tx, table, tables[table]);
    }
  });
  // Fresh planner statistics: without them PostgreSQL plans the pull's joins for empty tables (PGlite
  // has no autovacuum at all) and a first sync right after seeding crawls.
  await db.rows(sql`ANALYZE`);
  const ofKind = (kind: string) => tables.customers.filter((c) => c.kind === kind);
  const customerIds = new Set(ofKind('customer').map((c) => c.id));
  return {
    orgId,
    users: userIds,
    customers: customerIds.size,
    contacts: tables.contacts.filter((c) => customerIds.has(c.customer_id)).length,
    followUps: tables.follow_ups.filter((f) => customerIds.has(f.customer_id)).length,
    publicCustomers,
    leads: ofKind('lead').length,
    opportunities: tables.opportunities.length,
    tasks: tables.tasks.length,
    pools: poolIds,
    keptAlive,
  };
}
