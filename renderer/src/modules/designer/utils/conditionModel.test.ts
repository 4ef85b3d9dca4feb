import { describe, expect, it } from 'vitest';
import type { Condition } from '../../../../../shared/templates/schema';
import { field } from '../../templates/utils/testShapes';
import {
  canNestIn,
  conditionProblems,
  emptyGroup,
  fromCondition,
  newRule,
  opsFor,
  pruneCondition,
  removeNode,
  toCondition,
  updateNode,
  withField,
  withOp,
  type GroupNode,
} from './conditionModel';

describe('condition editor model', () => {
  it('round-trips every shape the schema allows, "none of" included', () => {
    const cases: Condition[] = [
      { field: 'size', op: 'eq', value: 'large' },
      {
        any: [
          { field: 'size', op: 'in', value: ['small', 'large'] },
          { field: 'revenue', op: 'gte', value: 100 },
        ],
      },
      {
        all: [
          { field: 'a', op: 'notEmpty' },
          {
            any: [
              { field: 'b', op: 'lt', value: 3 },
              { field: 'c', op: 'empty' },
            ],
          },
        ],
      },
      { not: { any: [{ field: 'a', op: 'eq', value: true }] } },
    ];
    for (const c of cases) expect(toCondition(fromCondition(c))).toEqual(c);
    expect(toCondition(fromCondition({ not: { field: 'a', op: 'empty' } }))).toEqual({
      not: { any: [{ field: 'a', op: 'empty' }] },
    });
  });

  it('stores nothing for an empty tree and drops empty groups', () => {
    expect(toCondition(emptyGroup())).toBeNull();
    const root: GroupNode = {
      ...emptyGroup('any'),
      items: [emptyGroup('all'), { ...newRule('a'), op: 'notEmpty', value: undefined }],
    };
    expect(toCondition(root)).toEqual({ any: [{ field: 'a', op: 'notEmpty' }] });
  });

  it('offers operators by field type', () => {
    expect(opsFor(field('n', 'money'))).toContain('gte');
    expect(opsFor(field('d', 'date'))).toContain('lt');
    expect(opsFor(field('b', 'boolean'))).toEqual(['eq', 'neq', 'empty', 'notEmpty']);
    expect(opsFor(field('s', 'select'))).not.toContain('gt');
    expect(opsFor(field('t', 'text'))).toContain('contains');
  });

  it('keeps the value when the operator turns a single value into a list and back', () => {
    const def = field('size', 'select');
    const rule = { ...withField(newRule(), 'size', def), value: 'large' };
    const list = withOp(rule, 'in', def);
    expect(list.value).toEqual(['large']);
    expect(withOp(list, 'eq', def).value).toBe('large');
    expect(withOp(list, 'empty', def).value).toBeUndefined();
  });

  it('names rules without a field or a value', () => {
    const defs = new Map([['size', field('size', 'select')]]);
    const a = newRule();
    const b = { ...withField(newRule(), 'size', defs.get('size')), op: 'in' as const, value: [] };
    const c = { ...newRule('gone'), value: 1 };
    const root: GroupNode = { ...emptyGroup(), items: [a, b, c] };
    expect(conditionProblems(root, defs)).toEqual({
      [a.id]: 'chooseField',
      [b.id]: 'needValue',
      [c.id]: 'unknownField',
    });
  });

  it('edits nodes by id and stops nesting at the schema depth', () => {
    const rule = { ...newRule('a'), op: 'notEmpty' as const, value: undefined };
    let root: GroupNode = { ...emptyGroup(), items: [rule] };
    root = updateNode(root, rule.id, (n) => ({ ...n, field: 'b' }) as typeof n);
    expect(toCondition(root)).toEqual({ field: 'b', op: 'notEmpty' });
    expect(toCondition(removeNode(root, rule.id))).toBeNull();
    const inner: GroupNode = { ...emptyGroup('any'), items: [{ ...newRule('x'), value: 1 }] };
    const middle: GroupNode = { ...emptyGroup('all'), items: [inner] };
    const deep: GroupNode = { ...emptyGroup('any'), items: [middle, { ...newRule('y'), value: 1 }] };
    expect(canNestIn(deep, deep.id)).toBe(true);
    expect(canNestIn(deep, inner.id)).toBe(false);
  });

  it('prunes rules on removed fields', () => {
    const c: Condition = { all: [{ field: 'a', op: 'notEmpty' }, { not: { field: 'b', op: 'empty' } }] };
    expect(pruneCondition(c, new Set(['b']))).toEqual({ all: [{ field: 'a', op: 'notEmpty' }] });
    expect(pruneCondition(c, new Set(['a', 'b']))).toBeNull();
  });
});
