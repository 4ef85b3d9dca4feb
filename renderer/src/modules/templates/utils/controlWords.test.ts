import i18next from 'i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../../../i18n';
import { controlWords, controlWordsIn } from './controlWords';

describe("the words of a form's controls", () => {
  it('are translated once per language', async () => {
    const i18n = i18next.createInstance();
    await i18n.init({ resources, lng: 'zh-CN', interpolation: { escapeValue: false } });
    const zh = controlWordsIn(i18n.getFixedT('zh-CN'), 'zh-CN');
    expect(zh).toEqual(controlWords(i18n.getFixedT('zh-CN')));
    expect(controlWordsIn(i18n.getFixedT('zh-CN'), 'zh-CN')).toBe(zh);
    const en = controlWordsIn(i18n.getFixedT('en'), 'en');
    expect(en).not.toBe(zh);
    expect(en.yes).toBe(i18n.getFixedT('en')('templates.yes'));
    expect(zh.stars).toHaveLength(10);
  });
});
