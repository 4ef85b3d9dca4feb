import type { TFunction } from 'i18next';

/**
 * The few words a form's controls show (yes / no, placeholders, star names…), translated once per
 * language (`controlWordsIn`) rather than once per control: a 60-field form would otherwise spend a
 * noticeable share of its mount in `t()` (bench local.form_render_ms).
 */
export type ControlWords = {
  required: string;
  readOnly: string;
  yes: string;
  no: string;
  choose: string;
  choosePerson: string;
  /** Marks an option the list no longer offers, shown because the record holds it. */
  noLongerOffered: string;
  region: [string, string, string];
  /** "4 星" / "4-star", by star (index 0 = 1 star), for up to 10 stars. */
  stars: string[];
};

export function controlWords(t: TFunction): ControlWords {
  return {
    required: t('templates.required'),
    readOnly: t('templates.readOnly'),
    yes: t('templates.yes'),
    no: t('templates.no'),
    choose: t('templates.choose'),
    choosePerson: t('templates.choosePerson'),
    noLongerOffered: t('templates.noLongerOffered'),
    region: [t('templates.region.province'), t('templates.region.city'), t('templates.region.district')],
    stars: Array.from({ length: 10 }, (_, i) => t('templates.stars', { n: i + 1 })),
  };
}

const byLanguage = new Map<string, ControlWords>();

/**
 * `controlWords` kept per language: the words are the same for every form, so opening a form again
 * translates nothing (the bundles are static; a language switch just picks the other entry).
 */
export function controlWordsIn(t: TFunction, language: string): ControlWords {
  let words = byLanguage.get(language);
  if (!words) {
    words = controlWords(t);
    byLanguage.set(language, words);
  }
  return words;
}
