import { CATEGORY_SOURCE, type TemplateEntity, type TemplateVersionRow } from './schema';

/**
 * The template version a form renders with: among the published versions for the entity, the newest
 * version of the template for the record's category (customers and leads: their industry), else of the
 * entity's default template (category null). Null when the org has published none.
 */
export function pickTemplate(
  versions: readonly TemplateVersionRow[],
  entity: TemplateEntity,
  record?: { industry?: string | null } | null,
): TemplateVersionRow | null {
  const source = CATEGORY_SOURCE[entity];
  const category = source ? (record?.[source]?.trim() ?? null) : null;
  let best: TemplateVersionRow | null = null;
  let bestScore = -1;
  // Only the newest version of each template competes: an older version of a template whose category
  // was changed since must not keep matching records of its old category.
  for (const v of currentVersions(versions)) {
    if (v.entity !== entity) continue;
    const score = v.category === null ? 0 : category !== null && v.category === category ? 1 : -1;
    if (score < 0) continue;
    if (
      score > bestScore ||
      (score === bestScore &&
        best &&
        (v.templateId === best.templateId ? v.number > best.number : v.publishedAt > best.publishedAt))
    ) {
      best = v;
      bestScore = score;
    }
  }
  return best;
}

/** The newest version of each template (what a device offers); older versions stay for validation. */
export function currentVersions(versions: readonly TemplateVersionRow[]): TemplateVersionRow[] {
  const newest = new Map<string, TemplateVersionRow>();
  for (const v of versions) {
    const seen = newest.get(v.templateId);
    if (!seen || v.number > seen.number) newest.set(v.templateId, v);
  }
  return [...newest.values()];
}
