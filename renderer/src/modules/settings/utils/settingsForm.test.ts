import { describe, expect, it } from 'vitest';
import { defaultSettings } from '../../../../../shared/domain/settings';
import { moveItem, newOptionKey, settingsDraft, validateSettings } from './settingsForm';

const row = defaultSettings('0190eafa-4bc7-7ee4-8714-3543b5ed0b85', 1);

describe('validateSettings (the shared updateSettingsArgs)', () => {
  it('has nothing to save when nothing changed', () => {
    expect(validateSettings(row, settingsDraft(row))).toEqual({ errors: {}, input: null, changed: false });
  });

  it('sends only the changed list and the edit window', () => {
    const draft = settingsDraft(row);
    draft.lostReasons = draft.lostReasons.map((r) => (r.key === 'other' ? { ...r, active: false } : r));
    draft.followUpEditWindowHours = '48';
    const { input, errors } = validateSettings(row, draft);
    expect(errors).toEqual({});
    expect(Object.keys(input?.set ?? {}).sort()).toEqual(['followUpEditWindowHours', 'lostReasons']);
    expect(input?.set.followUpEditWindowHours).toBe(48);
  });

  it('names the cell and the list that are wrong', () => {
    const draft = settingsDraft(row);
    draft.stages = draft.stages.map((s) =>
      s.key === 'lost' ? { ...s, active: false } : s.key === 'needs' ? { ...s, labelEn: ' ' } : s,
    );
    draft.followUpTypes = [
      ...draft.followUpTypes,
      { key: 'Visit!', labelZh: '走访', labelEn: 'Walk-in', active: true },
    ];
    draft.followUpEditWindowHours = '-1';
    const { errors, input } = validateSettings(row, draft);
    expect(input).toBeNull();
    expect(errors).toEqual({
      'stages.1.labelEn': { key: 'required' },
      stages: { key: 'settings.needLostStage' },
      'followUpTypes.6.key': { key: 'settings.invalidKey' },
      followUpEditWindowHours: { key: 'settings.invalidHours', params: { max: 720 } },
    });
  });

  it('refuses duplicate keys and a removed entry', () => {
    const draft = settingsDraft(row);
    draft.lostReasons = [...draft.lostReasons.slice(1), { ...draft.lostReasons[1]!, labelEn: 'Again' }];
    const { errors } = validateSettings(row, draft);
    expect(errors.lostReasons).toEqual({ key: 'settings.duplicateKeys' });
  });
});

describe('settings helpers', () => {
  it('makes a unique key from the English label', () => {
    expect(newOptionKey('Site survey', row.followUpTypes, 'type')).toBe('site_survey');
    expect(newOptionKey('Visit', row.followUpTypes, 'type')).toBe('visit_2');
    expect(newOptionKey('实地考察', row.followUpTypes, 'type')).toBe('type_2');
    expect(newOptionKey('2nd call', row.followUpTypes, 'type')).toBe('nd_call');
  });

  it('moves an entry up and down, not past the ends', () => {
    expect(moveItem(['a', 'b', 'c'], 1, -1)).toEqual(['b', 'a', 'c']);
    expect(moveItem(['a', 'b', 'c'], 1, 1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });
});
