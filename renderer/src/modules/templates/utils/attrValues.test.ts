import { describe, expect, it } from 'vitest';
import { fromDraft, parseNumberText, sameAttrValue, toDraft } from './attrValues';
import { field } from './testShapes';

describe('template values ⇄ controls', () => {
  it('types money in major units of the field currency and stores minor units', () => {
    const cny = field('revenue', 'money');
    expect(fromDraft(cny, '12,800.5')).toEqual({ value: 1280050 });
    expect(fromDraft(cny, '-3.2')).toEqual({ value: -320 });
    expect(toDraft(cny, 1280050)).toBe('12800.50');
    expect(toDraft(cny, -320)).toBe('-3.20');
    const jpy = field('deal', 'money', { currency: 'JPY' });
    expect(fromDraft(jpy, '1500')).toEqual({ value: 1500 });
    expect('problem' in fromDraft(jpy, '1500.5')).toBe(true);
    expect(fromDraft(cny, ' ')).toEqual({ value: null });
  });

  it('reads percentages and numbers as people type them', () => {
    expect(fromDraft(field('p', 'percent'), '12.5%')).toEqual({ value: 12.5 });
    expect(fromDraft(field('n', 'number'), '１２０')).toEqual({ value: 120 });
    expect(parseNumberText('1,234.5')).toBe(1234.5);
    expect(parseNumberText('12.')).toBe(12);
    expect(parseNumberText('abc')).toBeNaN();
    expect(fromDraft(field('n', 'number'), 'abc')).toEqual({ problem: { key: 'attr.notNumber' } });
    expect(toDraft(field('p', 'percent'), 12.5)).toBe('12.5');
  });

  it('keeps dates as calendar days and instants as local date-times', () => {
    expect(fromDraft(field('d', 'date'), '2025-06-18')).toEqual({ value: '2025-06-18' });
    const at = new Date(2025, 5, 18, 14, 30).getTime();
    expect(toDraft(field('t', 'datetime'), at)).toBe('2025-06-18T14:30');
    expect(fromDraft(field('t', 'datetime'), '2025-06-18T14:30')).toEqual({ value: at });
    expect(fromDraft(field('t', 'datetime'), '')).toEqual({ value: null });
  });

  it('stores booleans, multi selects and ratings, with "no value" as null', () => {
    expect(fromDraft(field('b', 'boolean'), false)).toEqual({ value: false });
    expect(fromDraft(field('b', 'boolean'), null)).toEqual({ value: null });
    expect(fromDraft(field('m', 'multiSelect'), [])).toEqual({ value: null });
    expect(fromDraft(field('m', 'multiSelect'), ['small'])).toEqual({ value: ['small'] });
    expect(fromDraft(field('r', 'rating'), 0)).toEqual({ value: null });
    expect(toDraft(field('m', 'multiSelect'), 'oops')).toEqual([]);
  });

  it('treats every kind of empty as the same value', () => {
    expect(sameAttrValue(null, '')).toBe(true);
    expect(sameAttrValue([], undefined)).toBe(true);
    expect(sameAttrValue(['a'], ['a'])).toBe(true);
    expect(sameAttrValue(1, '1')).toBe(false);
  });
});
