import type { FieldDef, TemplateVersionRow } from '../../../../../shared/templates/schema';

/**
 * The customer table's optional columns: template fields marked searchable (the core indexes them), from
 * every customer template the org publishes, in the templates' order. The user's choice is kept per
 * user in localStorage, so two people sharing a laptop each keep their own table.
 */

/** `customers.list` returns at most this many template fields per row (`attrColumns`). */
export const MAX_ATTR_COLUMNS = 30;

export function columnPrefsKey(userId: string): string {
  return `tidepool.customerColumns.${userId}`;
}

/** Searchable fields of the customer templates, each once (its definition from the newest version). */
export function availableAttrColumns(versions: readonly TemplateVersionRow[]): FieldDef[] {
  const newest = [...versions]
    .filter((v) => v.entity === 'customer')
    .sort((a, b) =>
      a.category === null ? -1 : b.category === null ? 1 : a.category.localeCompare(b.category),
    );
  const out = new Map<string, FieldDef>();
  for (const v of newest) {
    const defs = new Map(v.fields.map((f) => [f.key, f]));
    for (const s of v.sections) {
      for (const placed of s.fields) {
        const def = defs.get(placed.field);
        if (def?.searchable && !out.has(def.key)) out.set(def.key, def);
      }
    }
  }
  return [...out.values()];
}

/** The kept choice (keys), or [] when there is none or it cannot be read. */
export function readColumnPrefs(storage: Pick<Storage, 'getItem'> | undefined, userId: string): string[] {
  try {
    const raw = storage?.getItem(columnPrefsKey(userId));
    if (!raw) return [];
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed)
      ? parsed.filter((k): k is string => typeof k === 'string').slice(0, MAX_ATTR_COLUMNS)
      : [];
  } catch {
    return [];
  }
}

/** Keeps the choice for the next start; storage can be disabled, then it lasts for this window only. */
export function writeColumnPrefs(
  storage: Pick<Storage, 'setItem'> | undefined,
  userId: string,
  keys: readonly string[],
): void {
  try {
    storage?.setItem(columnPrefsKey(userId), JSON.stringify(keys.slice(0, MAX_ATTR_COLUMNS)));
  } catch {
    // Private mode or a full disk: the choice still applies until the window closes.
  }
}

/**
 * The columns shown: the chosen keys that are still searchable fields of a customer template (a field an
 * admin un-published drops out, and comes back if it returns), in the order the user chose them.
 */
export function shownAttrColumns(chosen: readonly string[], available: readonly FieldDef[]): FieldDef[] {
  const byKey = new Map(available.map((f) => [f.key, f]));
  return chosen.map((k) => byKey.get(k)).filter((f): f is FieldDef => f !== undefined);
}

/** Toggles a column: added at the end, or removed. */
export function toggleColumn(chosen: readonly string[], key: string): string[] {
  return chosen.includes(key) ? chosen.filter((k) => k !== key) : [...chosen, key].slice(0, MAX_ATTR_COLUMNS);
}

/** How wide a template column is in the table's grid, by what it holds. */
export function attrColumnWidth(def: Pick<FieldDef, 'type'>): number {
  switch (def.type) {
    case 'multiSelect':
    case 'longText':
    case 'region':
      return 180;
    case 'text':
    case 'email':
    case 'url':
    case 'datetime':
      return 160;
    case 'boolean':
    case 'rating':
    case 'percent':
      return 100;
    default:
      return 130;
  }
}
