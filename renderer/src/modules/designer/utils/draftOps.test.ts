import { describe, expect, it } from 'vitest';
import type { TemplateLayout } from '../../../../../shared/templates/schema';
import { field, SIZE_LIST } from '../../templates/utils/testShapes';
import {
  addSection,
  conditionCycle,
  conditionDependents,
  layoutProblems,
  moveField,
  moveFieldBy,
  moveSection,
  placeField,
  removeField,
  removeSection,
  renameSection,
  updatePlacement,
} from './draftOps';

const lib = [field('a', 'text'), field('b', 'select'), field('c', 'longText'), field('d', 'number')];
const keys = (l: TemplateLayout) => l.sections.map((s) => s.fields.map((f) => f.field));

function twoSections(): TemplateLayout {
  let l: TemplateLayout = { sections: [] };
  l = addSection(l, { labelZh: '基本', labelEn: 'Basics' });
  l = addSection(l, { labelZh: '经营', labelEn: 'Business' });
  l = placeField(l, 0, lib[0]!);
  l = placeField(l, 0, lib[1]!);
  l = placeField(l, 1, lib[2]!);
  return l;
}

describe('designer draft operations', () => {
  it('adds, renames, reorders and removes sections with unique keys', () => {
    const l = twoSections();
    expect(l.sections.map((s) => s.key)).toEqual(['section_1', 'section_2']);
    expect(renameSection(l, 1, { labelZh: '财务' }).sections[1]?.labelZh).toBe('财务');
    expect(moveSection(l, 1, -1).sections.map((s) => s.key)).toEqual(['section_2', 'section_1']);
    expect(moveSection(l, 0, -1)).toBe(l);
    const again = addSection(removeSection(l, 0), { labelZh: 'x', labelEn: 'x' });
    expect(new Set(again.sections.map((s) => s.key)).size).toBe(2);
  });

  it('places a field once, full width for long text', () => {
    const l = twoSections();
    expect(placeField(l, 1, lib[0]!)).toBe(l);
    expect(l.sections[1]?.fields[0]?.width).toBe('full');
    expect(l.sections[0]?.fields[0]?.width).toBe('half');
  });

  it('moves fields by drag (within and across sections) and by steps across section ends', () => {
    const l = twoSections();
    expect(keys(moveField(l, { section: 0, index: 0 }, { section: 0, index: 2 }))).toEqual([
      ['b', 'a'],
      ['c'],
    ]);
    expect(keys(moveField(l, { section: 1, index: 0 }, { section: 0, index: 1 }))).toEqual([
      ['a', 'c', 'b'],
      [],
    ]);
    const down = moveFieldBy(l, { section: 0, index: 1 }, 1);
    expect(keys(down.layout)).toEqual([['a'], ['b', 'c']]);
    expect(down.at).toEqual({ section: 1, index: 0 });
    const up = moveFieldBy(down.layout, down.at, -1);
    expect(keys(up.layout)).toEqual([['a', 'b'], ['c']]);
    expect(moveFieldBy(l, { section: 0, index: 0 }, -1).layout).toBe(l);
  });

  it('removing a field drops the rules that referred to it', () => {
    let l = twoSections();
    l = updatePlacement(
      l,
      { section: 1, index: 0 },
      { visibleWhen: { field: 'b', op: 'eq', value: 'large' }, required: true },
    );
    expect(l.sections[1]?.fields[0]?.required).toBe(true);
    const removed = removeField(l, { section: 0, index: 1 });
    expect(keys(removed)).toEqual([['a'], ['c']]);
    expect(removed.sections[1]?.fields[0]?.visibleWhen).toBeNull();
  });

  it('finds what would keep a draft from publishing', () => {
    const l = twoSections();
    expect(layoutProblems(l, lib, [SIZE_LIST])).toEqual([]);
    const inactive = lib.map((f) => (f.key === 'a' ? { ...f, active: false } : f));
    expect(layoutProblems(l, inactive, [SIZE_LIST]).map((p) => p.key)).toEqual(['inactiveField']);
    expect(layoutProblems(l, lib, []).map((p) => p.key)).toEqual(['missingList']);
    const dangling = updatePlacement(
      l,
      { section: 0, index: 0 },
      { visibleWhen: { field: 'd', op: 'gt', value: 1 } },
    );
    expect(layoutProblems(dangling, lib, [SIZE_LIST]).map((p) => p.key)).toEqual(['conditionRef']);
    expect(layoutProblems({ sections: [] }, lib, []).map((p) => p.key)).toEqual(['noFields']);
    const unnamed = renameSection(l, 0, { labelEn: ' ' });
    expect(layoutProblems(unnamed, lib, [SIZE_LIST]).map((p) => p.key)).toEqual(['sectionName']);
  });
});

describe('conditions that would form a cycle', () => {
  it('names the fields a condition may not look at, and a cycle in a draft', () => {
    let l = twoSections();
    // c (section 2) is shown when b is large; b is shown when a is filled in.
    l = updatePlacement(
      l,
      { section: 1, index: 0 },
      { visibleWhen: { field: 'b', op: 'eq', value: 'large' } },
    );
    l = updatePlacement(l, { section: 0, index: 1 }, { visibleWhen: { field: 'a', op: 'notEmpty' } });
    expect([...conditionDependents(l, ['a'])].sort()).toEqual(['a', 'b', 'c']);
    expect([...conditionDependents(l, ['c'])]).toEqual(['c']);
    expect(conditionCycle(l)).toBeNull();
    const looped = updatePlacement(
      l,
      { section: 0, index: 0 },
      { visibleWhen: { field: 'c', op: 'notEmpty' } },
    );
    expect(conditionCycle(looped)).not.toBeNull();
    expect(layoutProblems(looped, lib, [SIZE_LIST]).map((p) => p.key)).toEqual(['conditionCycle']);
  });
});
