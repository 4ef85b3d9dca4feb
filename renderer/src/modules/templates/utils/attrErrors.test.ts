import { describe, expect, it } from 'vitest';
import { adminErrorText } from '../../designer/utils/adminErrors';
import { attrKeyOf, attrProblemText, serverAttrProblem } from './attrErrors';
import { citiesOf, joinRegion, splitRegion } from './regions';
import { field } from './testShapes';

const t = ((key: string, params: Record<string, unknown> = {}) => `${key}${JSON.stringify(params)}`) as never;

describe('messages of template fields', () => {
  it('finds the attribute a refusal names', () => {
    expect(attrKeyOf('attrs.revenue')).toBe('revenue');
    expect(attrKeyOf('set.attrs.revenue')).toBe('revenue');
    expect(attrKeyOf('set.phone')).toBeNull();
    expect(attrKeyOf(undefined)).toBeNull();
  });

  it('reads the rule a refusal carries, and a duplicate of a unique field', () => {
    const money = field('revenue', 'money');
    expect(
      serverAttrProblem({ code: 'validation', message: 'x', params: { rule: 'min', min: 500 } }, money),
    ).toEqual({
      key: 'attr.min.money',
      params: { min: 500 },
    });
    expect(serverAttrProblem({ code: 'duplicate', message: 'x' }, money)).toEqual({ key: 'attr.unique' });
    expect(serverAttrProblem({ code: 'validation', message: 'x' }, money)).toBeNull();
  });

  it('words bounds in the field unit: money in its currency, grouped numbers', () => {
    expect(
      attrProblemText(t, { key: 'attr.min.money', params: { min: 100000 } }, field('r', 'money'), 'zh-CN'),
    ).toBe('validation.attr.min.money{"min":"¥1,000.00"}');
    expect(
      attrProblemText(t, { key: 'attr.max.number', params: { max: 1000000 } }, field('n', 'number'), 'en'),
    ).toBe('validation.attr.max.number{"max":"1,000,000"}');
  });

  it('says offline plainly and counts the records that hold a value', () => {
    expect(adminErrorText({ code: 'offline', message: 'x' })).toEqual({ key: 'designer.errors.offline' });
    expect(adminErrorText({ code: 'conflict', message: 'x', params: { count: 12, value: 'small' } })).toEqual(
      {
        key: 'designer.errors.inUseValue',
        params: { count: 12, value: 'small' },
      },
    );
    // Named by its label when the screen knows it.
    const label = (key: string) => (key === 'small' ? '小型' : undefined);
    expect(
      adminErrorText({ code: 'conflict', message: 'x', params: { count: 12, value: 'small' } }, label),
    ).toMatchObject({ params: { count: 12, value: '小型' } });
    expect(adminErrorText({ code: 'conflict', message: 'x', params: { count: 3 } })).toEqual({
      key: 'designer.errors.inUse',
      params: { count: 3 },
    });
    expect(adminErrorText({ code: 'validation', message: 'x' })).toBeNull();
  });

  it('splits and joins regions as typed, with suggestions by province', () => {
    expect(splitRegion('江苏省/苏州市')).toEqual(['江苏省', '苏州市', '']);
    expect(joinRegion(['江苏省', '', ''])).toBe('江苏省');
    expect(joinRegion(['New ', '', ''])).toBe('New ');
    expect(joinRegion(['江苏省', '', '昆山'])).toBe('江苏省//昆山');
    expect(citiesOf('江苏')).toContain('苏州市');
    expect(citiesOf('')).toEqual([]);
  });
});
