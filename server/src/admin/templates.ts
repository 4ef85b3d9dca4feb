import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import {
  catalogRowSchema,
  createTemplateRequest,
  saveFieldRequest,
  saveOptionListRequest,
  saveTemplateRequest,
  templateDraftSchema,
  templateLayoutSchema,
  type CatalogRow,
  type FieldDef,
  type FieldType,
  type TemplateDraft,
  type TemplateEntity,
  type TemplateLayout,
  type TemplateVersionRow,
} from '../../../shared/templates';
import type { SessionUser } from '../../../shared/sync/protocol';
import { pgConstraint, pgErrorCode, type ServerDb, type ServerTx, type SqlRunner } from '../db/database';
import { catalogLockKey } from '../sync/attrs';
import { POKE_CHANNEL } from '../sync/pokes';
import { checkFieldDef, checkPublishable, versionRow } from './publish';

/**
 * The template designer's server operations (docs/templates.md "Admin API", bodies and answers in
 * shared/templates/admin.ts). Not queued mutations: an admin designs online, gets an answer at once, and
 * what devices need (the catalog, published versions) reaches them through the next pull — every write
 * to those bumps the org version, stamps the rows with it and pokes the org's devices. Drafts
 * (`templates`) stay on the server. Repository functions take the database first and the acting admin.
 */

/** Parses a request body, refusing with the first offending field named (`layout.sections.0.key: …`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data as z.infer<S>;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const rule = issue?.message ?? 'invalid';
  throw new AppError('validation', field ? `${field}: ${rule}` : `body: ${rule}`, field ? { field } : {});
}

type TemplateRow = {
  id: string;
  entity: TemplateEntity;
  category: string | null;
  nameZh: string;
  nameEn: string;
  layout: TemplateLayout;
  publishedNumber: number | null;
};

const DRAFT_COLUMNS = sql`t.id, t.entity, t.category, t.name_zh AS "nameZh", t.name_en AS "nameEn", t.layout,
  t.published_number AS "publishedNumber"`;

/**
 * Every template of the org with where publishing stands. `dirty`: the draft's sections, names or
 * category differ from its last published version (jsonb equality, so key order plays no part), or a
 * library field it places was changed since (a version snapshots its fields, so only publishing again
 * brings the new rule to records), or it was never published.
 */
export async function listTemplates(db: SqlRunner, orgId: string): Promise<TemplateDraft[]> {
  const rows = await db.rows(sql`
    SELECT ${DRAFT_COLUMNS}, t.updated_at::float8 AS "updatedAt",
      (v.id IS NULL OR v.sections <> t.layout -> 'sections' OR v.name_zh <> t.name_zh
        OR v.name_en <> t.name_en OR v.category IS DISTINCT FROM t.category
        OR EXISTS (
          SELECT 1 FROM jsonb_array_elements(v.fields) AS snap(def)
          WHERE NOT EXISTS (
            SELECT 1 FROM catalogs c, jsonb_array_elements(c.fields) AS lib(def)
            WHERE c.id = t.org_id AND lib.def = snap.def))) AS dirty
    FROM templates t
    LEFT JOIN template_versions v ON v.template_id = t.id AND v.number = t.published_number
    WHERE t.org_id = ${orgId}
    ORDER BY array_position(ARRAY['customer', 'lead', 'contact', 'opportunity', 'followUp'], t.entity),
      t.category NULLS FIRST, t.created_at, t.id`);
  return rows.map((r) => templateDraftSchema.parse(r));
}

/** The unique index of (org, entity, category) refused a create or a rename of the category. */
function categoryTaken(err: unknown, entity: string, category: string | null): AppError | undefined {
  if (pgErrorCode(err) !== '23505' || pgConstraint(err) !== 'templates_org_entity_category_uq')
    return undefined;
  return new AppError(
    'conflict',
    category === null
      ? `category: the ${entity} default template (no category) already exists`
      : `category: a ${entity} template for "${category}" already exists`,
    { field: 'category' },
  );
}

/** Runs a write, turning a refusal of the (org, entity, category) index into a 409 naming `category`. */
async function guardCategory<T>(work: () => Promise<T>, entity: string, category: string | null): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw categoryTaken(err, entity, category) ?? err;
  }
}

/** `POST /admin/templates`: a new template with an empty draft, never published. */
export async function createTemplate(
  db: ServerDb,
  admin: SessionUser,
  body: unknown,
  now: number,
): Promise<{ id: string }> {
  const request = parseBody(createTemplateRequest, body);
  const id = newId(now);
  const layout: TemplateLayout = { sections: [] };
  await guardCategory(
    () =>
      db.transaction((tx) =>
        tx.rows(sql`
          INSERT INTO templates (id, org_id, entity, category, name_zh, name_en, layout, published_number,
            created_at, updated_at)
          VALUES (${id}, ${admin.orgId}, ${request.entity}, ${request.category}, ${request.nameZh}, ${request.nameEn},
            ${JSON.stringify(layout)}::jsonb, NULL, ${now}, ${now})`),
      ),
    request.entity,
    request.category,
  );
  return { id };
}

/** The template `id` of the admin's org, or 404 naming `id`. */
async function templateOf(tx: SqlRunner, orgId: string, id: string, lock: boolean): Promise<TemplateRow> {
  const [row] = await tx.rows<TemplateRow>(sql`
    SELECT ${DRAFT_COLUMNS} FROM templates t WHERE t.id = ${id} AND t.org_id = ${orgId}
    ${lock ? sql`FOR UPDATE` : sql``}`);
  if (!row) throw new AppError('not_found', `id: no template ${id}`, { field: 'id' });
  return row;
}

/** `PUT /admin/templates/:id`: saves the draft (names, category, layout). Devices never see it. */
export async function saveTemplate(
  db: ServerDb,
  admin: SessionUser,
  id: string,
  body: unknown,
  now: number,
): Promise<{ ok: true }> {
  const request = parseBody(saveTemplateRequest, body);
  await db.transaction(async (tx) => {
    const template = await templateOf(tx, admin.orgId, id, true);
    await guardCategory(
      () =>
        tx.savepoint((sp) =>
          sp.rows(sql`
            UPDATE templates SET name_zh = ${request.nameZh}, name_en = ${request.nameEn},
              category = ${request.category}, layout = ${JSON.stringify(request.layout)}::jsonb, updated_at = ${now}
            WHERE id = ${id}`),
        ),
      template.entity,
      request.category,
    );
  });
  return { ok: true };
}

/** The catalog as stored (every org has one from migration 0004 or its seed; made here otherwise). */
type CatalogTx = { tx: ServerTx; catalog: CatalogRow; version: number };

/**
 * One admin change of what devices receive (catalog, template versions), in one transaction:
 *  1. the catalog's exclusive lock (sync/attrs.ts): pushes that read the catalog before this change have
 *     committed, later ones wait — so "no record uses this value" cannot be overtaken by a push;
 *  2. the org version bump (the org row's lock, as every push takes it; the rows written get the version);
 *  3. the catalog row, locked `FOR UPDATE` (created empty if the org has none);
 *  4. `work`, then one poke to every device of the org (delivered at commit, never on a rollback).
 * Lock order catalog → org row → catalog row; pushes take the catalog lock (shared) before the org row
 * too, so the two cannot wait for each other in a cycle (docs/server.md "Lock order").
 */
async function withCatalog<T>(
  db: ServerDb,
  admin: SessionUser,
  now: number,
  work: (c: CatalogTx) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    const org = admin.orgId;
    await tx.rows(sql`SELECT pg_advisory_xact_lock(${catalogLockKey(org)}) IS NULL AS locked`);
    const [bumped] = await tx.rows<{ version: number }>(sql`
      UPDATE orgs SET version = version + 1 WHERE id = ${org} RETURNING version::float8 AS version`);
    if (!bumped) throw new AppError('unauthorized', 'Your organisation no longer exists');
    await tx.rows(sql`
      INSERT INTO catalogs (id, org_id, option_lists, fields, updated_at, version)
      VALUES (${org}, ${org}, '[]'::jsonb, '[]'::jsonb, ${now}, ${bumped.version}) ON CONFLICT (id) DO NOTHING`);
    const [row] = await tx.rows(sql`
      SELECT id, org_id AS "orgId", option_lists AS "optionLists", fields, updated_at::float8 AS "updatedAt",
        version::float8 AS version
      FROM catalogs WHERE id = ${org} FOR UPDATE`);
    const result = await work({ tx, catalog: catalogRowSchema.parse(row), version: bumped.version });
    await tx.rows(sql`SELECT pg_notify(${POKE_CHANNEL}, ${`${org}:*:`}) IS NULL AS notified`);
    return result;
  });
}

/** Writes the catalog's lists and fields, stamped with the change's version. */
async function writeCatalog(c: CatalogTx, next: Pick<CatalogRow, 'optionLists' | 'fields'>, now: number) {
  await c.tx.rows(sql`
    UPDATE catalogs SET option_lists = ${JSON.stringify(next.optionLists)}::jsonb,
      fields = ${JSON.stringify(next.fields)}::jsonb, updated_at = ${now}, version = ${c.version}
    WHERE id = ${c.catalog.id}`);
}

/** `list` in place of the entry with its key, or appended: the order of lists and fields is the admin's. */
function upsert<T extends { key: string }>(list: readonly T[], entry: T): T[] {
  const at = list.findIndex((x) => x.key === entry.key);
  return at < 0 ? [...list, entry] : list.map((x, i) => (i === at ? entry : x));
}

/** The key in the address must be the key of the body: a key is never renamed. */
function sameKey(pathKey: string, bodyKey: string): void {
  if (pathKey !== bodyKey) {
    throw new AppError('validation', `key: must be "${pathKey}" as in the address (keys never change)`, {
      field: 'key',
    });
  }
}

/**
 * The fields that take values from option list `listKey`: in the library, and in the snapshots of every
 * published version (a version keeps the field as it was, so its records may hold values of the list
 * even when the library has moved on). Keyed by field key (a key's type never changes).
 */
async function fieldsOfList(
  tx: SqlRunner,
  catalog: CatalogRow,
  listKey: string,
): Promise<Map<string, FieldType>> {
  const out = new Map<string, FieldType>();
  for (const f of catalog.fields) if (f.optionList === listKey) out.set(f.key, f.type);
  const rows = await tx.rows<{ key: string; type: FieldType }>(sql`
    SELECT DISTINCT f ->> 'key' AS key, f ->> 'type' AS type
    FROM template_versions v, jsonb_array_elements(v.fields) f
    WHERE v.org_id = ${catalog.orgId} AND f ->> 'optionList' = ${listKey}`);
  for (const r of rows) out.set(r.key, r.type);
  return out;
}

/** The tables whose records carry template values (customers and leads share `customers`). */
const ATTR_TABLES = ['customers', 'contacts', 'follow_ups', 'opportunities'] as const;

/**
 * How many live records hold `value` in any of `fields` (a select holding it, or a multi-select listing
 * it), per value. One statement; each test is a jsonb containment, which the customers' GIN index
 * (jsonb_path_ops) answers.
 */
async function countUsage(
  tx: SqlRunner,
  orgId: string,
  fields: ReadonlyMap<string, FieldType>,
  values: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map<string, number>(values.map((v) => [v, 0]));
  if (fields.size === 0 || values.length === 0) return counts;
  const selects = values.map((value) => {
    const probes = [...fields].map(([key, type]) =>
      JSON.stringify({ [key]: type === 'multiSelect' ? [value] : value }),
    );
    const holds = sql.join(
      probes.map((p) => sql`x.attrs @> ${p}::jsonb`),
      sql` OR `,
    );
    const perTable = ATTR_TABLES.map(
      (table) =>
        sql`(SELECT count(*) FROM ${sql.raw(table)} x WHERE x.org_id = ${orgId} AND x.deleted_at IS NULL AND (${holds}))`,
    );
    return sql`SELECT ${value}::text AS value, (${sql.join(perTable, sql` + `)})::int AS n`;
  });
  const rows = await tx.rows<{ value: string; n: number }>(sql.join(selects, sql` UNION ALL `));
  for (const r of rows) counts.set(r.value, r.n);
  return counts;
}

/**
 * `PUT /admin/option-lists/:key`: creates or replaces a list. Deactivating a value is always allowed (the
 * records holding it stay valid); removing one that records hold is refused with how many hold it, so
 * the admin deactivates it instead (409 `conflict`, field `values`, params `{value, count}`).
 */
export async function saveOptionList(
  db: ServerDb,
  admin: SessionUser,
  key: string,
  body: unknown,
  now: number,
): Promise<{ ok: true }> {
  const list = parseBody(saveOptionListRequest, body);
  sameKey(key, list.key);
  return withCatalog(db, admin, now, async (c) => {
    const before = c.catalog.optionLists.find((l) => l.key === key);
    const kept = new Set(list.values.map((v) => v.key));
    const removed = (before?.values ?? []).map((v) => v.key).filter((k) => !kept.has(k));
    if (removed.length > 0) {
      const usage = await countUsage(c.tx, admin.orgId, await fieldsOfList(c.tx, c.catalog, key), removed);
      for (const value of removed) {
        const count = usage.get(value) ?? 0;
        if (count > 0) {
          throw new AppError(
            'conflict',
            `values: "${value}" is used by ${count} record${count === 1 ? '' : 's'}; deactivate it instead of removing it`,
            { field: 'values', params: { value, count } },
          );
        }
      }
    }
    await writeCatalog(
      c,
      { optionLists: upsert(c.catalog.optionLists, list), fields: c.catalog.fields },
      now,
    );
    return { ok: true as const };
  });
}

/**
 * `PUT /admin/fields/:key`: creates or replaces a library field. Its type (and option list, currency) never
 * change once created (409 naming them); a select's option list must exist (400 naming `optionList`).
 * Deactivating a field only stops offering it to new template drafts; published versions keep it.
 */
export async function saveField(
  db: ServerDb,
  admin: SessionUser,
  key: string,
  body: unknown,
  now: number,
): Promise<{ ok: true }> {
  const field: FieldDef = parseBody(saveFieldRequest, body);
  sameKey(key, field.key);
  return withCatalog(db, admin, now, async (c) => {
    checkFieldDef(
      field,
      c.catalog.fields.find((f) => f.key === key),
      c.catalog,
    );
    await writeCatalog(
      c,
      { optionLists: c.catalog.optionLists, fields: upsert(c.catalog.fields, field) },
      now,
    );
    return { ok: true as const };
  });
}

/** Inserts published versions (snake_case columns; the admin API and the demo seed). */
export async function insertVersions(tx: SqlRunner, rows: readonly TemplateVersionRow[]): Promise<void> {
  if (rows.length === 0) return;
  const records = rows.map((v) => ({
    id: v.id,
    org_id: v.orgId,
    template_id: v.templateId,
    entity: v.entity,
    category: v.category,
    number: v.number,
    name_zh: v.nameZh,
    name_en: v.nameEn,
    sections: v.sections,
    fields: v.fields,
    published_at: v.publishedAt,
    published_by: v.publishedBy,
    created_at: v.createdAt,
    updated_at: v.updatedAt,
    version: v.version,
  }));
  await tx.rows(sql`
    INSERT INTO template_versions
    SELECT * FROM json_populate_recordset(NULL::template_versions, ${JSON.stringify(records)}::json)`);
}

/**
 * `POST /admin/templates/:id/publish`: checks the draft against the library (publish.ts) and makes version
 * n+1, an immutable row with the snapshot of the fields it places, published by this admin. Devices get it
 * with their next pull (poked now); the draft stays as it is.
 */
export async function publishTemplate(
  db: ServerDb,
  admin: SessionUser,
  id: string,
  now: number,
): Promise<{ versionId: string; number: number }> {
  return withCatalog(db, admin, now, async (c) => {
    const template = await templateOf(c.tx, admin.orgId, id, true);
    // Stored drafts passed this schema when saved; parsing again fills defaults of older drafts.
    const layout = templateLayoutSchema.parse(template.layout);
    const fields = checkPublishable(layout, c.catalog);
    const number = (template.publishedNumber ?? 0) + 1;
    const row = versionRow({
      id: newId(now),
      template,
      orgId: admin.orgId,
      layout,
      fields,
      number,
      publishedBy: admin.id,
      now,
      version: c.version,
    });
    await insertVersions(c.tx, [row]);
    await c.tx.rows(sql`UPDATE templates SET published_number = ${number} WHERE id = ${id}`);
    return { versionId: row.id, number };
  });
}
