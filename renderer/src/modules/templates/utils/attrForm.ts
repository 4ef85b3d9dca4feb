import type { FieldDef, OptionList, TemplateShape } from '../../../../../shared/templates/schema';
import {
  initialAttrs,
  validateAttrs,
  visibleFieldKeys,
  type AttrIssue,
} from '../../../../../shared/templates/validate';
import type { FieldProblemText } from '../../../i18n/useFieldError';
import { fromDraft, moneyCurrency, sameAttrValue, toDraft, type AttrDraft } from './attrValues';

/**
 * The business-profile form as a pure function of what the user typed (docs/templates.md): controls'
 * drafts → stored values → the shared `validateAttrs`, exactly as the client core and the server will
 * judge them. Kept free of React so it is tested without a DOM.
 */

export type AttrDrafts = Readonly<Record<string, AttrDraft>>;

export type AttrFormInput = {
  shape: TemplateShape;
  drafts: AttrDrafts;
  /**
   * The record's stored values before this edit (null for a new record). Retired fields and inactive
   * options it holds stay valid; read-only fields keep them.
   */
  previous: Readonly<Record<string, unknown>> | null;
  optionLists: readonly OptionList[];
  userExists?: ((id: string) => boolean) | undefined;
  /** What a field without a draft starts from when the record has no value for it (new records' defaults). */
  defaults?: Readonly<Record<string, unknown>> | undefined;
};

export type AttrFormEvaluation = {
  /** Placed fields, in the form's order. */
  placed: readonly string[];
  /** Every placed field's stored-shape value (null: none). */
  values: Record<string, unknown>;
  /** Fields shown now (conditions are live). */
  visible: Set<string>;
  /**
   * What is wrong, by field key, as translation keys under `validation.`. Judged by the shared validator
   * on first read (see `evaluateAttrForm`).
   */
  readonly problems: Record<string, FieldProblemText>;
  /** The validator's normalised values (visible fields, retired values kept) when everything is right. */
  readonly normalized: Record<string, unknown> | null;
};

/** A template version's lookups, built once per version (see `compileShape`). */
export type CompiledShape = {
  /** Field definitions by key. */
  defs: ReadonlyMap<string, FieldDef>;
  /** Placed field keys in reading order. */
  placed: readonly string[];
  /** A new record's starting values (`initialAttrs`). */
  defaults: Readonly<Record<string, unknown>>;
};

const compiledShapes = new WeakMap<TemplateShape, CompiledShape>();

/**
 * The lookups every render and every keystroke of a form need, built once per template version: a
 * version (and a designer's draft, rebuilt on each change) is an immutable object, so it is the key.
 * Opening the same record form again costs no rebuilding.
 */
export function compileShape(shape: TemplateShape): CompiledShape {
  let c = compiledShapes.get(shape);
  if (!c) {
    c = {
      defs: new Map(shape.fields.map((f) => [f.key, f])),
      placed: placedKeys(shape),
      defaults: initialAttrs(shape),
    };
    compiledShapes.set(shape, c);
  }
  return c;
}

/**
 * What a field's control holds: what the user typed, else the record's stored value, else (new records)
 * the field's default. Drafts are kept by field key, so a value survives a change of template (a library
 * field keeps its key in every template).
 */
export function currentDraft(
  def: FieldDef,
  drafts: AttrDrafts,
  previous: Readonly<Record<string, unknown>> | null,
  defaults?: Readonly<Record<string, unknown>>,
): AttrDraft {
  if (Object.hasOwn(drafts, def.key)) return drafts[def.key] ?? null;
  return toDraft(def, previous?.[def.key] ?? defaults?.[def.key] ?? null);
}

/** Placed field keys in reading order. */
export function placedKeys(shape: Pick<TemplateShape, 'sections'>): string[] {
  return shape.sections.flatMap((s) => s.fields.map((f) => f.field));
}

/**
 * What the validator judges: the stored values (retired fields and all) with every placed field
 * replaced by what its control holds now — the same merged object the mutator builds from `set.attrs`.
 */
export function candidateValues(
  previous: Readonly<Record<string, unknown>> | null,
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return { ...(previous ?? {}), ...values };
}

/**
 * Values and visibility are worked out at once (the form renders them); the verdict of the shared
 * validator — `problems` and `normalized` — only when first read, then kept. A form that has just
 * opened shows no message (nothing is touched yet), so its first paint does not wait for a validation
 * nobody reads; the first keystroke, a submit or the designer's verdict reads it.
 */
export function evaluateAttrForm(input: AttrFormInput): AttrFormEvaluation {
  const { shape, drafts, previous, optionLists } = input;
  const { defs, placed } = compileShape(shape);
  const values: Record<string, unknown> = {};
  const parseProblems: Record<string, FieldProblemText> = {};
  for (const key of placed) {
    const def = defs.get(key);
    if (!def) continue;
    const draft = currentDraft(def, drafts, previous, input.defaults);
    const parsed = fromDraft(def, draft);
    if ('problem' in parsed) {
      parseProblems[key] = parsed.problem;
      // Judged as "no value" meanwhile, so conditions and the other fields still read sensibly.
      values[key] = null;
    } else values[key] = parsed.value;
  }
  const visible = visibleFieldKeys(shape, values);
  let verdict: Pick<AttrFormEvaluation, 'problems' | 'normalized'> | null = null;
  const judge = () => {
    if (verdict) return verdict;
    const v = validateAttrs(shape, candidateValues(previous, values), {
      optionLists,
      previous,
      userExists: input.userExists,
    });
    const problems: Record<string, FieldProblemText> = {};
    for (const [key, p] of Object.entries(parseProblems)) if (visible.has(key)) problems[key] = p;
    if (!v.ok) {
      for (const issue of v.issues) {
        if (problems[issue.field]) continue;
        problems[issue.field] = issueProblem(issue, defs.get(issue.field));
      }
    }
    const ok = v.ok && Object.keys(problems).length === 0;
    verdict = { problems, normalized: ok && v.ok ? v.values : null };
    return verdict;
  };
  return {
    placed,
    values,
    visible,
    get problems() {
      return judge().problems;
    },
    get normalized() {
      return judge().normalized;
    },
  };
}

/**
 * A validator issue as a translation key and its parameters (the English `message` is for logs). Bounds
 * read in the field's own unit: characters, choices, stars, money of its currency (minor units in the
 * params, formatted by the caller), a date and time.
 */
export function issueProblem(
  issue: Pick<AttrIssue, 'rule' | 'params'>,
  def: FieldDef | undefined,
): FieldProblemText {
  const p = issue.params;
  switch (issue.rule) {
    case 'required':
      return { key: def?.type === 'multiSelect' ? 'attr.requiredChoice' : 'attr.required' };
    case 'type':
      return { key: typeProblemKey(def) };
    case 'option':
      return { key: 'attr.option' };
    case 'inactiveOption':
      return { key: 'attr.inactiveOption' };
    case 'readOnly':
      return { key: 'attr.readOnly' };
    case 'unknownField':
      return { key: 'attr.unknownField' };
    case 'user':
      return { key: 'attr.user' };
    case 'pattern':
      return { key: 'attr.pattern' };
    case 'format': {
      const format = String(p['format'] ?? '');
      return {
        key: ['phone', 'email', 'url', 'region'].includes(format) ? `attr.format.${format}` : 'attr.invalid',
      };
    }
    case 'min':
    case 'max': {
      const bound = Number(p[issue.rule]);
      return { key: `attr.${issue.rule}.${boundUnit(def)}`, params: { [issue.rule]: bound } };
    }
  }
}

/** Which sentence a min/max bound takes: characters, choices, stars, money, a date, or a number. */
export function boundUnit(
  def: FieldDef | undefined,
): 'length' | 'choices' | 'stars' | 'money' | 'datetime' | 'number' {
  switch (def?.type) {
    case 'multiSelect':
      return 'choices';
    case 'rating':
      return 'stars';
    case 'money':
      return 'money';
    case 'datetime':
      return 'datetime';
    case 'number':
    case 'percent':
    case undefined:
      return 'number';
    default:
      return 'length';
  }
}

function typeProblemKey(def: FieldDef | undefined): string {
  switch (def?.type) {
    case 'number':
    case 'percent':
    case 'rating':
      return 'attr.notNumber';
    case 'money':
      return 'attr.notMoney';
    case 'date':
    case 'datetime':
      return 'attr.notDateTime';
    case 'select':
    case 'multiSelect':
    case 'user':
      return 'attr.option';
    default:
      return 'attr.invalid';
  }
}

/**
 * `attrs` of a create (new customer, contact, lead, opportunity, follow-up): the validator's normalised
 * values — shown fields only, empty ones left out.
 */
export function attrsForCreate(e: AttrFormEvaluation): Record<string, unknown> | null {
  return e.normalized ? { ...e.normalized } : null;
}

/**
 * The changed attributes of an edit (or of a lead's conversion): `set` holds only the shown fields whose
 * value differs from the stored one (null clears), `base` the stored values the user saw, so the server
 * merges key by key (two reps editing different attributes both win). Null when nothing changed.
 */
export function attrsForUpdate(
  e: AttrFormEvaluation,
  previous: Readonly<Record<string, unknown>> | null,
): { set: Record<string, unknown>; base: Record<string, unknown> } | null {
  if (!e.normalized) return null;
  const set: Record<string, unknown> = {};
  const base: Record<string, unknown> = {};
  for (const key of e.placed) {
    if (!e.visible.has(key)) continue;
    const now = e.normalized[key] ?? null;
    const before = previous?.[key] ?? null;
    if (sameAttrValue(now, before)) continue;
    set[key] = now;
    base[key] = before;
  }
  return Object.keys(set).length > 0 ? { set, base } : null;
}

/**
 * Keys of the record's stored values that the template does not place: retired fields, shown read-only
 * below the form (their values are kept forever, never dropped).
 */
export function retiredKeys(
  shape: Pick<TemplateShape, 'sections'> | null,
  stored: Readonly<Record<string, unknown>> | null,
): string[] {
  if (!stored) return [];
  const placed = new Set(shape ? placedKeys(shape) : []);
  return Object.keys(stored).filter((k) => !placed.has(k) && !sameAttrValue(stored[k], null));
}

/** Money bounds are minor units; the parameter shown is the amount in the field's currency. */
export function moneyBoundCurrency(def: FieldDef | undefined): string {
  return def ? moneyCurrency(def) : 'CNY';
}
