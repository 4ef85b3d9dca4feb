import {
  conditionFields,
  templateLayoutSchema,
  type Condition,
  type FieldDef,
  type OptionList,
  type TemplateField,
  type TemplateLayout,
  type TemplateSection,
} from '../../../../../shared/templates/schema';
import { pruneCondition } from './conditionModel';

/**
 * What the designer does to a template's draft layout, as pure functions (tested without a DOM): sections
 * added, renamed, reordered, removed; library fields placed, moved (by drag, by buttons and keys, across
 * sections), set to a width, required, read-only, with a condition; and the problems that would keep it
 * from publishing.
 */

/** Where a placed field is: its section's index and its index in that section. */
export type FieldAt = { section: number; index: number };

/** A section key not used yet: `section_2`, `section_3`… */
export function newSectionKey(layout: TemplateLayout): string {
  const taken = new Set(layout.sections.map((s) => s.key));
  for (let i = layout.sections.length + 1; ; i++) {
    const key = `section_${i}`;
    if (!taken.has(key)) return key;
  }
}

export function addSection(
  layout: TemplateLayout,
  labels: { labelZh: string; labelEn: string },
): TemplateLayout {
  const section: TemplateSection = { key: newSectionKey(layout), ...labels, fields: [], visibleWhen: null };
  return { ...layout, sections: [...layout.sections, section] };
}

export function renameSection(
  layout: TemplateLayout,
  index: number,
  patch: Partial<Pick<TemplateSection, 'labelZh' | 'labelEn'>>,
): TemplateLayout {
  return { ...layout, sections: layout.sections.map((s, i) => (i === index ? { ...s, ...patch } : s)) };
}

export function moveSection(layout: TemplateLayout, index: number, delta: -1 | 1): TemplateLayout {
  const to = index + delta;
  if (to < 0 || to >= layout.sections.length) return layout;
  const sections = [...layout.sections];
  const [s] = sections.splice(index, 1);
  if (s) sections.splice(to, 0, s);
  return { ...layout, sections };
}

/** Removes a section with its fields; conditions elsewhere lose their rules on those fields. */
export function removeSection(layout: TemplateLayout, index: number): TemplateLayout {
  const gone = new Set(layout.sections[index]?.fields.map((f) => f.field) ?? []);
  return pruneRefs({ ...layout, sections: layout.sections.filter((_, i) => i !== index) }, gone);
}

/** Placed fields' keys. */
export function placedFieldKeys(layout: TemplateLayout): Set<string> {
  return new Set(layout.sections.flatMap((s) => s.fields.map((f) => f.field)));
}

/** A new placement's width: long text and multi select take the row, others half of it. */
export function defaultWidth(def: Pick<FieldDef, 'type'> | undefined): TemplateField['width'] {
  return def?.type === 'longText' || def?.type === 'multiSelect' ? 'full' : 'half';
}

/** Places a library field at the end of a section (or at `at`); a field is placed at most once. */
export function placeField(
  layout: TemplateLayout,
  section: number,
  def: Pick<FieldDef, 'key' | 'type'>,
  at?: number,
): TemplateLayout {
  if (placedFieldKeys(layout).has(def.key) || !layout.sections[section]) return layout;
  const placement: TemplateField = {
    field: def.key,
    width: defaultWidth(def),
    required: false,
    readOnly: false,
    visibleWhen: null,
  };
  return {
    ...layout,
    sections: layout.sections.map((s, i) => {
      if (i !== section) return s;
      const fields = [...s.fields];
      fields.splice(at ?? fields.length, 0, placement);
      return { ...s, fields };
    }),
  };
}

/**
 * Moves a placed field to another place (drag and drop): `to.index` is the position in the target
 * section before the move is made, as a drop target reports it.
 */
export function moveField(layout: TemplateLayout, from: FieldAt, to: FieldAt): TemplateLayout {
  const moving = layout.sections[from.section]?.fields[from.index];
  if (!moving || !layout.sections[to.section]) return layout;
  let index = to.index;
  if (from.section === to.section && from.index < to.index) index -= 1;
  const sections = layout.sections.map((s) => ({ ...s, fields: [...s.fields] }));
  sections[from.section]?.fields.splice(from.index, 1);
  const target = sections[to.section];
  if (!target) return layout;
  target.fields.splice(Math.max(0, Math.min(index, target.fields.length)), 0, moving);
  return { ...layout, sections };
}

/**
 * Moves a placed field one step up or down (buttons, Alt+↑/↓): past the first or last field of its
 * section it goes to the end of the previous section or the start of the next one.
 */
export function moveFieldBy(
  layout: TemplateLayout,
  at: FieldAt,
  delta: -1 | 1,
): { layout: TemplateLayout; at: FieldAt } {
  const section = layout.sections[at.section];
  if (!section) return { layout, at };
  const target = at.index + delta;
  if (target >= 0 && target < section.fields.length) {
    const to = { section: at.section, index: delta > 0 ? target + 1 : target };
    return { layout: moveField(layout, at, to), at: { section: at.section, index: target } };
  }
  const next = at.section + delta;
  const nextSection = layout.sections[next];
  if (!nextSection) return { layout, at };
  const index = delta > 0 ? 0 : nextSection.fields.length;
  return { layout: moveField(layout, at, { section: next, index }), at: { section: next, index } };
}

/** Takes a field out of the template; conditions that referred to it lose those rules. */
export function removeField(layout: TemplateLayout, at: FieldAt): TemplateLayout {
  const key = layout.sections[at.section]?.fields[at.index]?.field;
  if (!key) return layout;
  const sections = layout.sections.map((s, i) =>
    i === at.section ? { ...s, fields: s.fields.filter((_, j) => j !== at.index) } : s,
  );
  return pruneRefs({ ...layout, sections }, new Set([key]));
}

export function updatePlacement(
  layout: TemplateLayout,
  at: FieldAt,
  patch: Partial<Omit<TemplateField, 'field'>>,
): TemplateLayout {
  return {
    ...layout,
    sections: layout.sections.map((s, i) =>
      i === at.section
        ? { ...s, fields: s.fields.map((f, j) => (j === at.index ? { ...f, ...patch } : f)) }
        : s,
    ),
  };
}

function pruneRefs(layout: TemplateLayout, gone: ReadonlySet<string>): TemplateLayout {
  if (gone.size === 0) return layout;
  const prune = (c: Condition | null) => pruneCondition(c, gone);
  return {
    ...layout,
    sections: layout.sections.map((s) => ({
      ...s,
      visibleWhen: prune(s.visibleWhen),
      fields: s.fields.map((f) => ({ ...f, visibleWhen: prune(f.visibleWhen) })),
    })),
  };
}

/** Two layouts are the same draft (the unsaved-changes guard). */
export function sameLayout(a: TemplateLayout, b: TemplateLayout): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Each placed field and the fields its visibility looks at (its own condition and its section's). */
function conditionDeps(layout: TemplateLayout): Map<string, string[]> {
  const deps = new Map<string, string[]>();
  for (const s of layout.sections) {
    for (const f of s.fields)
      deps.set(f.field, [...conditionFields(s.visibleWhen), ...conditionFields(f.visibleWhen)]);
  }
  return deps;
}

/**
 * The fields whose visibility depends, directly or not, on any of `keys` (and `keys` themselves): a
 * condition must not look at them, or the conditions would form a cycle (the shared schema refuses it).
 */
export function conditionDependents(layout: TemplateLayout, keys: Iterable<string>): Set<string> {
  const deps = conditionDeps(layout);
  const out = new Set(keys);
  for (let grew = true; grew;) {
    grew = false;
    for (const [field, on] of deps) {
      if (!out.has(field) && on.some((k) => out.has(k))) {
        out.add(field);
        grew = true;
      }
    }
  }
  return out;
}

/** A field whose conditions end up depending on itself, if any. */
export function conditionCycle(layout: TemplateLayout): string | null {
  const deps = conditionDeps(layout);
  for (const key of deps.keys()) {
    const seen = new Set<string>();
    const stack = [...(deps.get(key) ?? [])];
    while (stack.length > 0) {
      const k = stack.pop() as string;
      if (k === key) return key;
      if (seen.has(k)) continue;
      seen.add(k);
      stack.push(...(deps.get(k) ?? []));
    }
  }
  return null;
}

/** Why a draft would not publish, as translation keys under `designer.problems.` with their params. */
export type LayoutProblem = { key: string; params?: Record<string, string | number> };

/**
 * The problems publishing would meet, found before asking the server: the shared layout schema (keys,
 * duplicates, conditions on fields of the template, nesting), and the library checks the server makes
 * (every placed field exists and is active, select fields have their list).
 */
export function layoutProblems(
  layout: TemplateLayout,
  library: readonly FieldDef[],
  optionLists: readonly OptionList[],
  label: (item: { labelZh: string; labelEn: string }) => string = (item) => item.labelZh,
): LayoutProblem[] {
  const out: LayoutProblem[] = [];
  const defs = new Map(library.map((f) => [f.key, f]));
  const lists = new Set(optionLists.map((l) => l.key));
  for (const s of layout.sections) {
    if (!s.labelZh.trim() || !s.labelEn.trim())
      out.push({ key: 'sectionName', params: { section: label(s) || s.labelZh || s.labelEn || s.key } });
    for (const f of s.fields) {
      const def = defs.get(f.field);
      if (!def) out.push({ key: 'unknownField', params: { field: f.field } });
      else if (!def.active) out.push({ key: 'inactiveField', params: { field: label(def) } });
      else if (def.optionList && !lists.has(def.optionList))
        out.push({ key: 'missingList', params: { field: label(def) } });
    }
  }
  const placed = placedFieldKeys(layout);
  for (const s of layout.sections) {
    for (const c of [s.visibleWhen, ...s.fields.map((f) => f.visibleWhen)]) {
      for (const ref of conditionFields(c)) {
        if (!placed.has(ref))
          out.push({
            key: 'conditionRef',
            params: { field: defs.has(ref) ? label(defs.get(ref) as FieldDef) : ref },
          });
      }
    }
  }
  const cycle = conditionCycle(layout);
  if (cycle)
    out.push({
      key: 'conditionCycle',
      params: { field: defs.has(cycle) ? label(defs.get(cycle) as FieldDef) : cycle },
    });
  const parsed = templateLayoutSchema.safeParse(layout);
  if (!parsed.success && out.length === 0)
    out.push({ key: 'invalid', params: { detail: parsed.error.issues[0]?.message ?? '' } });
  if (placed.size === 0) out.push({ key: 'noFields' });
  return out;
}
