import { describe, expect, it } from 'vitest';
import { field, SIZE_LIST } from '../../templates/utils/testShapes';
import { checkFieldDraft, emptyFieldDraft, fieldDraftOf } from './fieldForm';
import { addValue, checkOptionList, setValueLabelEn } from './optionListForm';

const opts = { isNew: true, taken: new Set(['revenue']), optionLists: [SIZE_LIST] };

describe('field library editor', () => {
  it('builds a money field with bounds typed in yuan', () => {
    const d = {
      ...emptyFieldDraft('money'),
      key: 'deal',
      labelZh: '预算',
      labelEn: 'Budget',
      min: '1,000',
      max: '',
    };
    const { errors, def } = checkFieldDraft(d, opts);
    expect(errors).toEqual({});
    expect(def?.validation.min).toBe(100000);
    expect(def?.currency).toBe('CNY');
    expect(fieldDraftOf(def!).min).toBe('1000');
  });

  it('names what is wrong: taken key, labels, list, bounds, pattern, default', () => {
    const d = { ...emptyFieldDraft('select'), key: 'revenue', labelZh: '', labelEn: 'x' };
    expect(checkFieldDraft(d, opts).errors).toMatchObject({
      key: { key: 'designer.keyTaken' },
      labelZh: { key: 'required' },
      optionList: { key: 'chooseOne' },
    });
    const bounds = { ...emptyFieldDraft('number'), key: 'n', labelZh: 'n', labelEn: 'n', min: '9', max: '1' };
    expect(checkFieldDraft(bounds, opts).errors.min).toEqual({ key: 'designer.minOverMax' });
    const pattern = { ...emptyFieldDraft('text'), key: 't', labelZh: 't', labelEn: 't', pattern: '([' };
    expect(checkFieldDraft(pattern, opts).errors.pattern).toEqual({ key: 'designer.badPattern' });
    const badDefault = {
      ...emptyFieldDraft('number'),
      key: 'n',
      labelZh: 'n',
      labelEn: 'n',
      max: '10',
      defaultDraft: '20',
    };
    expect(checkFieldDraft(badDefault, opts).errors.defaultValue).toEqual({
      key: 'attr.max.number',
      params: { max: 10 },
    });
    const inactiveDefault = {
      ...emptyFieldDraft('select'),
      key: 's',
      labelZh: 's',
      labelEn: 's',
      optionList: 'size',
      defaultDraft: 'legacy',
    };
    expect(checkFieldDraft(inactiveDefault, opts).errors.defaultValue).toEqual({
      key: 'attr.inactiveOption',
    });
  });

  it('keeps an existing field as it is when nothing is edited', () => {
    const def = field('size', 'select', { defaultValue: 'small', helpZh: '按员工数', searchable: true });
    const { def: back } = checkFieldDraft(fieldDraftOf(def), {
      ...opts,
      isNew: false,
      taken: new Set(['size']),
    });
    expect(back).toEqual(def);
  });
});

describe('option list editor', () => {
  it('adds values whose key follows the English label until saved', () => {
    let list = addValue({ key: 'tier', labelZh: '层级', labelEn: 'Tier', values: [] });
    list = setValueLabelEn(list, 0, 'Key account', new Set());
    expect(list.values[0]?.key).toBe('key_account');
    const saved = setValueLabelEn(list, 0, 'Strategic', new Set(['key_account']));
    expect(saved.values[0]?.key).toBe('key_account');
  });

  it('checks the list with the shared schema, by path', () => {
    const list = {
      key: 'tier',
      labelZh: '层级',
      labelEn: 'Tier',
      values: [
        { key: 'a', labelZh: '', labelEn: 'A', color: 'gray' as const, active: true },
        { key: 'a', labelZh: 'A', labelEn: 'A', color: 'gray' as const, active: true },
      ],
    };
    expect(checkOptionList(list).errors).toEqual({
      'values.0.labelZh': { key: 'required' },
      values: { key: 'designer.duplicateValueKeys' },
    });
    expect(checkOptionList(SIZE_LIST).value).toEqual(SIZE_LIST);
  });
});
