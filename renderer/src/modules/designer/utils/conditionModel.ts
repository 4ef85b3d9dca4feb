import {
  MAX_CONDITION_DEPTH,
  NUMERIC_FIELD_TYPES,
  type Condition,
  type ConditionOp,
  type FieldDef,
} from '../../../../../shared/templates/schema';

/**
 * The visibility-condition editor's model (docs/templates.md "Conditions"): a tree of groups ("all of",
 * "any of", "none of") and rules (field, operator, value) that the designer edits, converted to and
 * from the shared `Condition`. "None of" is `{ not: { any: [...] } }`, so every condition the schema
 * allows round-trips.
 */

export type RuleNode = { kind: 'rule'; id: string; field: string; op: ConditionOp; value: unknown };
export type GroupMode = 'all' | 'any' | 'none';
export type GroupNode = { kind: 'group'; id: string; mode: GroupMode; items: ConditionNode[] };
export type ConditionNode = RuleNode | GroupNode;

/** Operators without a value. */
export const VALUELESS_OPS: readonly ConditionOp[] = ['empty', 'notEmpty'];
/** Operators taking a list of values. */
export const LIST_OPS: readonly ConditionOp[] = ['in', 'notIn'];

let counter = 0;
/** A node id, unique within the editor's life (React keys, error paths). */
export function nodeId(): string {
  counter += 1;
  return `n${counter}`;
}

/** The operators that make sense for a field type, in the order the editor offers them. */
export function opsFor(def: Pick<FieldDef, 'type'> | undefined): ConditionOp[] {
  if (!def) return ['eq', 'neq', 'empty', 'notEmpty'];
  const base: ConditionOp[] = ['eq', 'neq', 'in', 'notIn', 'empty', 'notEmpty'];
  if (def.type === 'boolean') return ['eq', 'neq', 'empty', 'notEmpty'];
  if (NUMERIC_FIELD_TYPES.includes(def.type) || def.type === 'date')
    return [...base, 'gt', 'gte', 'lt', 'lte'];
  if (def.type === 'multiSelect') return ['in', 'notIn', 'eq', 'neq', 'empty', 'notEmpty'];
  if (def.type === 'select' || def.type === 'user') return base;
  return [...base, 'contains'];
}

export function emptyGroup(mode: GroupMode = 'all'): GroupNode {
  return { kind: 'group', id: nodeId(), mode, items: [] };
}

export function newRule(field = '', def?: Pick<FieldDef, 'type'>): RuleNode {
  const op = opsFor(def)[0] ?? 'eq';
  return { kind: 'rule', id: nodeId(), field, op, value: defaultValueFor(op, def) };
}

function defaultValueFor(op: ConditionOp, def?: Pick<FieldDef, 'type'>): unknown {
  if (VALUELESS_OPS.includes(op)) return undefined;
  if (LIST_OPS.includes(op)) return [];
  if (def?.type === 'boolean') return true;
  return null;
}

/** The editor's tree for a stored condition; the root is always a group. */
export function fromCondition(c: Condition | null): GroupNode {
  if (!c) return emptyGroup('all');
  const node = toNode(c);
  return node.kind === 'group' ? node : { kind: 'group', id: nodeId(), mode: 'all', items: [node] };
}

function toNode(c: Condition): ConditionNode {
  if ('all' in c) return { kind: 'group', id: nodeId(), mode: 'all', items: c.all.map(toNode) };
  if ('any' in c) return { kind: 'group', id: nodeId(), mode: 'any', items: c.any.map(toNode) };
  if ('not' in c) {
    const inner = c.not;
    const items = 'any' in inner ? inner.any.map(toNode) : [toNode(inner)];
    return { kind: 'group', id: nodeId(), mode: 'none', items };
  }
  return { kind: 'rule', id: nodeId(), field: c.field, op: c.op, value: c.value };
}

/**
 * The stored condition for the tree: null when it has no rule (the field is always shown); a root "all
 * of" one rule is that rule itself. Empty groups are dropped.
 */
export function toCondition(root: GroupNode): Condition | null {
  const c = groupCondition(root);
  if (!c) return null;
  if ('all' in c && c.all.length === 1 && c.all[0]) return c.all[0];
  return c;
}

function groupCondition(g: GroupNode): Condition | null {
  const items = g.items
    .map((n) => (n.kind === 'rule' ? ruleCondition(n) : groupCondition(n)))
    .filter((x): x is Condition => x !== null);
  if (items.length === 0) return null;
  if (g.mode === 'all') return { all: items };
  if (g.mode === 'any') return { any: items };
  return { not: { any: items } };
}

function ruleCondition(r: RuleNode): Condition {
  return VALUELESS_OPS.includes(r.op)
    ? { field: r.field, op: r.op }
    : { field: r.field, op: r.op, value: r.value };
}

/** How deep a tree nests once stored (the schema allows `MAX_CONDITION_DEPTH`). */
export function storedDepth(root: GroupNode): number {
  const c = toCondition(root);
  return c ? conditionDepth(c) : 0;
}

function conditionDepth(c: Condition): number {
  if ('all' in c) return 1 + Math.max(0, ...c.all.map(conditionDepth));
  if ('any' in c) return 1 + Math.max(0, ...c.any.map(conditionDepth));
  if ('not' in c) return 1 + conditionDepth(c.not);
  return 1;
}

/** Whether a group may take a nested group: the stored depth must stay within the schema's limit. */
export function canNestIn(root: GroupNode, groupId: string): boolean {
  const probe = updateNode(root, groupId, (g) =>
    g.kind === 'group' ? { ...g, items: [...g.items, { ...emptyGroup('none'), items: [newRule('x')] }] } : g,
  );
  return storedDepth(probe) <= MAX_CONDITION_DEPTH;
}

/** The tree with the node `id` replaced by `fn(node)` (unchanged when there is no such node). */
export function updateNode(root: GroupNode, id: string, fn: (n: ConditionNode) => ConditionNode): GroupNode {
  const walk = (n: ConditionNode): ConditionNode => {
    if (n.id === id) return fn(n);
    return n.kind === 'group' ? { ...n, items: n.items.map(walk) } : n;
  };
  return walk(root) as GroupNode;
}

/** The tree without the node `id` (the root itself is never removed). */
export function removeNode(root: GroupNode, id: string): GroupNode {
  const walk = (g: GroupNode): GroupNode => ({
    ...g,
    items: g.items.filter((n) => n.id !== id).map((n) => (n.kind === 'group' ? walk(n) : n)),
  });
  return walk(root);
}

/** A rule's field changed: keep the operator when the new type allows it, and reset the value. */
export function withField(rule: RuleNode, field: string, def: Pick<FieldDef, 'type'> | undefined): RuleNode {
  const ops = opsFor(def);
  const op = ops.includes(rule.op) ? rule.op : (ops[0] ?? 'eq');
  return { ...rule, field, op, value: defaultValueFor(op, def) };
}

/** A rule's operator changed: a single value becomes a list (and back) rather than being lost. */
export function withOp(rule: RuleNode, op: ConditionOp, def: Pick<FieldDef, 'type'> | undefined): RuleNode {
  if (VALUELESS_OPS.includes(op)) return { ...rule, op, value: undefined };
  const wasList = Array.isArray(rule.value);
  if (LIST_OPS.includes(op)) {
    const list = wasList
      ? (rule.value as unknown[])
      : rule.value === null || rule.value === undefined
        ? []
        : [rule.value];
    return { ...rule, op, value: list };
  }
  if (wasList) return { ...rule, op, value: (rule.value as unknown[])[0] ?? defaultValueFor(op, def) };
  return { ...rule, op, value: rule.value === undefined ? defaultValueFor(op, def) : rule.value };
}

/** What is missing in the tree, by node id: a rule without a field or a value. */
export type ConditionProblem = 'chooseField' | 'unknownField' | 'needValue';

export function conditionProblems(
  root: GroupNode,
  fields: ReadonlyMap<string, FieldDef>,
): Record<string, ConditionProblem> {
  const out: Record<string, ConditionProblem> = {};
  const walk = (n: ConditionNode) => {
    if (n.kind === 'group') {
      n.items.forEach(walk);
      return;
    }
    if (!n.field) out[n.id] = 'chooseField';
    else if (!fields.has(n.field)) out[n.id] = 'unknownField';
    else if (!VALUELESS_OPS.includes(n.op)) {
      const v = n.value;
      const missing =
        v === null ||
        v === undefined ||
        (typeof v === 'string' && v.trim() === '') ||
        (Array.isArray(v) && v.length === 0) ||
        (typeof v === 'number' && !Number.isFinite(v));
      if (missing) out[n.id] = 'needValue';
    }
  };
  walk(root);
  return out;
}

/** The fields a condition refers to (to keep a layout valid when one of them is removed). */
export function referencedFields(c: Condition | null): string[] {
  if (!c) return [];
  if ('all' in c) return c.all.flatMap(referencedFields);
  if ('any' in c) return c.any.flatMap(referencedFields);
  if ('not' in c) return referencedFields(c.not);
  return [c.field];
}

/**
 * The condition without the rules on `removed` fields (a field taken out of the template): groups left
 * empty disappear, and null means "always shown".
 */
export function pruneCondition(c: Condition | null, removed: ReadonlySet<string>): Condition | null {
  if (!c) return null;
  if ('all' in c || 'any' in c) {
    const list = ('all' in c ? c.all : c.any)
      .map((x) => pruneCondition(x, removed))
      .filter((x): x is Condition => x !== null);
    if (list.length === 0) return null;
    return 'all' in c ? { all: list } : { any: list };
  }
  if ('not' in c) {
    const inner = pruneCondition(c.not, removed);
    return inner ? { not: inner } : null;
  }
  return removed.has(c.field) ? null : c;
}

/** How many rules a condition has (the designer's "2 条件" badge). */
export function ruleCount(c: Condition | null): number {
  return referencedFields(c).length;
}
