import { describe, expect, it } from 'vitest';
import { initialAttrs } from '../../../../../shared/templates/validate';
import { attrsForCreate, attrsForUpdate, compileShape, evaluateAttrForm, retiredKeys } from './attrForm';
import { field, shapeOf, SIZE_LIST } from './testShapes';

const lists = [SIZE_LIST];

describe('the dynamic form as a pure function', () => {
  const revenue = field('revenue', 'money', {
    validation: { required: false, min: 100_000, max: null, pattern: null, unique: false },
  });
  const size = field('size', 'select');
  const note = field('note', 'text');
  const shape = shapeOf([size, revenue, note], {
    revenue: { required: true },
    note: { visibleWhen: { field: 'size', op: 'eq', value: 'large' } },
  });

  it('judges what was typed with the shared validator, bounds in the field currency', () => {
    const e = evaluateAttrForm({ shape, drafts: { revenue: '999' }, previous: null, optionLists: lists });
    expect(e.problems.revenue).toEqual({ key: 'attr.min.money', params: { min: 100_000 } });
    expect(e.normalized).toBeNull();
    const missing = evaluateAttrForm({ shape, drafts: {}, previous: null, optionLists: lists });
    expect(missing.problems.revenue).toEqual({ key: 'attr.required' });
    const typo = evaluateAttrForm({ shape, drafts: { revenue: '12a' }, previous: null, optionLists: lists });
    expect(typo.problems.revenue?.key).toBe('attr.notMoney');
  });

  it('applies conditions live and leaves hidden fields out of what is stored', () => {
    const hidden = evaluateAttrForm({
      shape,
      drafts: { revenue: '2000', note: 'x' },
      previous: null,
      optionLists: lists,
    });
    expect(hidden.visible.has('note')).toBe(false);
    expect(attrsForCreate(hidden)).toEqual({ revenue: 200000 });
    const shown = evaluateAttrForm({
      shape,
      drafts: { size: 'large', revenue: '2000', note: ' 大单 ' },
      previous: null,
      optionLists: lists,
    });
    expect(shown.visible.has('note')).toBe(true);
    expect(attrsForCreate(shown)).toEqual({ size: 'large', revenue: 200000, note: '大单' });
  });

  it('starts a new record from the defaults, an edit from the stored values', () => {
    const withDefault = shapeOf([field('size', 'select', { defaultValue: 'small' })]);
    const fresh = evaluateAttrForm({
      shape: withDefault,
      drafts: {},
      previous: null,
      optionLists: lists,
      defaults: { size: 'small' },
    });
    expect(fresh.values.size).toBe('small');
    const edit = evaluateAttrForm({
      shape: withDefault,
      drafts: {},
      previous: { size: 'large' },
      optionLists: lists,
    });
    expect(edit.values.size).toBe('large');
  });

  it('keeps an inactive option the record holds, refuses it as a new choice', () => {
    const s = shapeOf([size]);
    const held = evaluateAttrForm({ shape: s, drafts: {}, previous: { size: 'legacy' }, optionLists: lists });
    expect(held.normalized).toEqual({ size: 'legacy' });
    const chosen = evaluateAttrForm({
      shape: s,
      drafts: { size: 'legacy' },
      previous: null,
      optionLists: lists,
    });
    expect(chosen.problems.size).toEqual({ key: 'attr.inactiveOption' });
  });

  it('sends only changed keys of an edit, with the values seen as base; null clears', () => {
    const previous = { size: 'small', revenue: 500_000, old: 'kept' };
    const e = evaluateAttrForm({
      shape,
      drafts: { size: 'large', note: '加急', revenue: '5000' },
      previous,
      optionLists: lists,
    });
    expect(attrsForUpdate(e, previous)).toEqual({
      set: { size: 'large', note: '加急' },
      base: { size: 'small', note: null },
    });
    const cleared = evaluateAttrForm({
      shape: shapeOf([size]),
      drafts: { size: '' },
      previous,
      optionLists: lists,
    });
    expect(attrsForUpdate(cleared, previous)).toEqual({ set: { size: null }, base: { size: 'small' } });
    const same = evaluateAttrForm({ shape, drafts: { revenue: '5,000.00' }, previous, optionLists: lists });
    expect(attrsForUpdate(same, previous)).toBeNull();
  });

  it('keeps retired values: never sent, never an error, listed for display', () => {
    const previous = { size: 'small', revenue: 500_000, old: 'kept', empty: '' };
    const e = evaluateAttrForm({ shape, drafts: {}, previous, optionLists: lists });
    expect(e.normalized).toEqual({ old: 'kept', size: 'small', revenue: 500_000 });
    expect(retiredKeys(shape, previous)).toEqual(['old']);
  });

  it('leaves read-only fields at their stored value', () => {
    const s = shapeOf([note], { note: { readOnly: true } });
    const ok = evaluateAttrForm({ shape: s, drafts: {}, previous: { note: '系统导入' }, optionLists: lists });
    expect(ok.normalized).toEqual({ note: '系统导入' });
    const changed = evaluateAttrForm({
      shape: s,
      drafts: { note: '改了' },
      previous: { note: '系统导入' },
      optionLists: lists,
    });
    expect(changed.problems.note).toEqual({ key: 'attr.readOnly' });
  });

  it("builds a version's lookups once, and judges only when the verdict is read", () => {
    const compiled = compileShape(shape);
    expect(compileShape(shape)).toBe(compiled);
    expect(compiled.placed).toEqual(['size', 'revenue', 'note']);
    expect(compiled.defs.get('revenue')).toBe(revenue);
    expect(compiled.defaults).toEqual(initialAttrs(shape));
    // A copy is another version as far as the cache knows (drafts in the designer are rebuilt, not edited).
    expect(compileShape({ ...shape })).not.toBe(compiled);

    const e = evaluateAttrForm({ shape, drafts: { revenue: '999' }, previous: null, optionLists: lists });
    expect(e.values.revenue).toBe(99_900);
    const problems = e.problems;
    expect(e.problems).toBe(problems);
    expect(problems.revenue?.key).toBe('attr.min.money');
  });
});
