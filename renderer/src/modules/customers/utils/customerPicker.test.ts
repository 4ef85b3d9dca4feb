import { describe, expect, it } from 'vitest';
import { matchParts, moveActive, pickerRequest, PICKER_LIMIT } from './customerPicker';

describe('the customer picker', () => {
  it('asks the core for recently updated customers, narrowed by a trimmed query', () => {
    expect(pickerRequest('  ')).toEqual({
      offset: 0,
      limit: PICKER_LIMIT,
      sort: { column: 'updatedAt', desc: true },
    });
    expect(pickerRequest(' 恒瑞 ').query).toBe('恒瑞');
  });

  it('moves the highlight with the arrow keys and wraps around', () => {
    expect(moveActive(-1, 1, 5)).toBe(0);
    expect(moveActive(-1, -1, 5)).toBe(4);
    expect(moveActive(0, 1, 5)).toBe(1);
    expect(moveActive(4, 1, 5)).toBe(0);
    expect(moveActive(0, -1, 5)).toBe(4);
    expect(moveActive(2, 1, 0)).toBe(-1);
  });

  it('marks the part of a name the query matched, Chinese substrings and Latin case included', () => {
    expect(matchParts('上海恒瑞精密机械有限公司', '恒瑞', 'zh-CN')).toEqual([
      { text: '上海', match: false },
      { text: '恒瑞', match: true },
      { text: '精密机械有限公司', match: false },
    ]);
    expect(matchParts('ACME Trading', 'acme', 'en')).toEqual([
      { text: 'ACME', match: true },
      { text: ' Trading', match: false },
    ]);
    expect(matchParts('上海恒瑞', '13800', 'zh-CN')).toEqual([{ text: '上海恒瑞', match: false }]);
    expect(matchParts('上海恒瑞', '', 'zh-CN')).toEqual([{ text: '上海恒瑞', match: false }]);
  });
});
