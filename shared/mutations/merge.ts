/**
 * Field-level merge (docs/sync-protocol.md, "Conflicts"): an edited field applies when the stored value is
 * still the one its author saw (or already equals the edit). Otherwise someone else's edit reached the
 * server first and stands ("first write to reach the server wins"): the later, stale edit becomes a
 * conflict its author decides on. Fields not edited are never touched, so edits to different fields of
 * one record all survive. Device clocks play no part in the decision.
 */
export function mergeFields<R extends Record<string, unknown>>(
  current: R,
  set: Record<string, unknown>,
  base: Record<string, unknown> | undefined,
): {
  apply: Record<string, unknown>;
  conflicts: { field: string; base: unknown; mine: unknown; theirs: unknown }[];
} {
  const apply: Record<string, unknown> = {};
  const conflicts: { field: string; base: unknown; mine: unknown; theirs: unknown }[] = [];
  for (const [field, mine] of Object.entries(set)) {
    if (mine === undefined) continue;
    const theirs = current[field] ?? null;
    if (!base || !Object.hasOwn(base, field) || sameValue(base[field] ?? null, theirs)) {
      if (!sameValue(theirs, mine)) apply[field] = mine;
    } else if (!sameValue(theirs, mine)) {
      conflicts.push({ field, base: base[field] ?? null, mine, theirs });
    }
  }
  return { apply, conflicts };
}

/** Structural equality of JSON values (field values are scalars or small JSON objects). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
