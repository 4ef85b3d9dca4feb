import { describe, expect, it } from 'vitest';
import {
  describeFilter,
  draftOf,
  emptyFilterDraft,
  removeFilter,
  setFilter,
  toAttrFilter,
} from './attrFilters';
import { field, SIZE_LIST } from './testShapes';

const ctx = { locale: 'zh-CN' as const, optionLists: [SIZE_LIST], userName: () => null };
const words = {
  empty: '未填写',
  notEmpty: '已填写',
  contains: (t: string) => `包含“${t}”`,
  atLeast: (v: string) => `≥ ${v}`,
  atMost: (v: string) => `≤ ${v}`,
};

describe('template filters of a list', () => {
  it('makes "any of" filters for options, yes/no and people', () => {
    const size = field('size', 'multiSelect');
    expect(toAttrFilter(size, { ...emptyFilterDraft('size'), values: ['small', 'large'] })).toEqual({
      filter: { field: 'size', op: 'in', values: ['small', 'large'] },
    });
    expect(toAttrFilter(size, emptyFilterDraft('size'))).toEqual({ problem: 'pickSome' });
    expect(toAttrFilter(field('ok', 'boolean'), { ...emptyFilterDraft('ok'), values: ['false'] })).toEqual({
      filter: { field: 'ok', op: 'in', values: [false] },
    });
  });

  it('makes ranges: money typed in yuan, dates as days, datetimes as whole local days', () => {
    const money = field('revenue', 'money');
    expect(toAttrFilter(money, { ...emptyFilterDraft('revenue'), min: '1,000', max: '' })).toEqual({
      filter: { field: 'revenue', op: 'range', min: 100000, max: null },
    });
    expect(toAttrFilter(money, { ...emptyFilterDraft('revenue'), min: '9', max: '1' })).toEqual({
      problem: 'badRange',
    });
    expect(toAttrFilter(money, emptyFilterDraft('revenue'))).toEqual({ problem: 'needBound' });
    expect(toAttrFilter(field('n', 'number'), { ...emptyFilterDraft('n'), min: 'x' })).toEqual({
      problem: 'badNumber',
    });
    expect(
      toAttrFilter(field('d', 'date'), { ...emptyFilterDraft('d'), min: '2025-01-01', max: '2025-01-31' }),
    ).toEqual({
      filter: { field: 'd', op: 'range', min: '2025-01-01', max: '2025-01-31' },
    });
    const dt = toAttrFilter(field('t', 'datetime'), {
      ...emptyFilterDraft('t'),
      min: '2025-01-01',
      max: '2025-01-01',
    });
    expect(dt).toEqual({
      filter: {
        field: 't',
        op: 'range',
        min: new Date(2025, 0, 1).getTime(),
        max: new Date(2025, 0, 1, 23, 59, 59, 999).getTime(),
      },
    });
  });

  it('makes "contains" for text and "filled in" for any type', () => {
    expect(toAttrFilter(field('t', 'text'), { ...emptyFilterDraft('t'), text: ' 急 ' })).toEqual({
      filter: { field: 't', op: 'contains', text: '急' },
    });
    expect(toAttrFilter(field('t', 'text'), { ...emptyFilterDraft('t'), mode: 'empty' })).toEqual({
      filter: { field: 't', op: 'empty' },
    });
  });

  it('reopens an applied filter in its editor, and words it for the chip', () => {
    const money = field('revenue', 'money');
    const f = { field: 'revenue', op: 'range', min: 100000, max: 500000 } as const;
    expect(draftOf(money, f)).toMatchObject({ min: '1000', max: '5000' });
    expect(describeFilter(money, f, ctx, words)).toBe('¥1,000.00 – ¥5,000.00');
    expect(describeFilter(money, { ...f, max: null }, ctx, words)).toBe('≥ ¥1,000.00');
    expect(
      describeFilter(
        field('size', 'select'),
        { field: 'size', op: 'in', values: ['small', 'large'] },
        ctx,
        words,
      ),
    ).toBe('小型、大型');
    expect(describeFilter(field('t', 'text'), { field: 't', op: 'contains', text: '急' }, ctx, words)).toBe(
      '包含“急”',
    );
  });

  it('keeps one filter per field', () => {
    const a = { field: 'a', op: 'empty' } as const;
    const b = { field: 'b', op: 'notEmpty' } as const;
    const list = setFilter(setFilter([], a), b);
    expect(setFilter(list, { field: 'a', op: 'notEmpty' })).toEqual([{ field: 'a', op: 'notEmpty' }, b]);
    expect(removeFilter(list, 'a')).toEqual([b]);
  });
});
