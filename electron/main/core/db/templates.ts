import type Database from 'better-sqlite3';
import {
  currentVersions,
  pickTemplate,
  type CatalogRow,
  type TemplateEntity,
  type TemplateVersionRow,
} from '../../../../shared/templates';
import { fromDbRow, selectListOf } from './rows';
import { statement } from './statements';

/**
 * Repository of the synced template definitions (docs/templates.md): the org's catalog (option lists and
 * field library) and every published template version. Both are read-only on the device; pulls bring
 * them.
 */

/** The org's catalog, or null before the first pull has brought one. */
export function getCatalog(db: Database.Database, orgId: string): CatalogRow | null {
  const raw = statement(db, `SELECT ${selectListOf('catalogs', 'k')} FROM "catalogs" k WHERE k."id" = ?`).get(
    orgId,
  ) as Record<string, unknown> | undefined;
  return raw ? fromDbRow('catalogs', raw) : null;
}

/** Every published version on the device (old ones too: pending edits are judged by theirs). */
export function listTemplateVersions(db: Database.Database): TemplateVersionRow[] {
  return (
    statement(
      db,
      `SELECT ${selectListOf('templateVersions', 't')} FROM "template_versions" t
        ORDER BY t."entity", t."category", t."number", t."id"`,
    ).all() as Record<string, unknown>[]
  ).map((raw) => fromDbRow('templateVersions', raw));
}

/** What forms render with: the newest version of each template. */
export function currentTemplateVersions(db: Database.Database): TemplateVersionRow[] {
  return currentVersions(listTemplateVersions(db));
}

/** The version a form for this record renders with now (`pickTemplate` on the device's versions). */
export function templateFor(
  db: Database.Database,
  entity: TemplateEntity,
  record?: { industry?: string | null } | null,
): TemplateVersionRow | null {
  return pickTemplate(listTemplateVersions(db), entity, record);
}
