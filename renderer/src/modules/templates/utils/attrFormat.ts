import type { FieldDef, OptionList, OptionValue } from '../../../../../shared/templates/schema';
import { isEmptyValue } from '../../../../../shared/templates/validate';
import {
  formatDate,
  formatDateCompact,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatPercentValue,
} from '../../../i18n/format';
import type { Locale } from '../../../i18n/locale';
import { dateValueToInstant, moneyCurrency, ratingMax } from './attrValues';

/** Everything a value needs to be read in words: the language, the option lists, the org's people. */
export type AttrFormatContext = {
  locale: Locale;
  optionLists: readonly OptionList[];
  /** A user id → display name (null: unknown). */
  userName: (id: string) => string | null;
  /** Narrow table cells: "2025/05/08" rather than "2025年5月8日". */
  compact?: boolean;
};

/** A label in the UI language. */
export function labelOf(item: { labelZh: string; labelEn: string }, locale: Locale): string {
  return locale === 'en' ? item.labelEn : item.labelZh;
}

/** A field's help text in the UI language (the other language when only that one is written). */
export function helpOf(def: Pick<FieldDef, 'helpZh' | 'helpEn'>, locale: Locale): string | null {
  return (locale === 'en' ? (def.helpEn ?? def.helpZh) : (def.helpZh ?? def.helpEn)) || null;
}

export function optionListOf(
  def: Pick<FieldDef, 'optionList'>,
  lists: readonly OptionList[],
): OptionList | undefined {
  return def.optionList ? lists.find((l) => l.key === def.optionList) : undefined;
}

/**
 * The options a select control offers: the active ones, plus an inactive one the record already holds
 * (still valid on that record; new choices cannot pick it), in the list's order.
 */
export function offeredOptions(list: OptionList | undefined, held: unknown): OptionValue[] {
  if (!list) return [];
  const heldKeys = new Set(Array.isArray(held) ? held : held === null || held === undefined ? [] : [held]);
  return list.values.filter((v) => v.active || heldKeys.has(v.key));
}

/** The option a key names, or a stand-in that shows the key (a value the list no longer has). */
export function optionOf(list: OptionList | undefined, key: string): OptionValue {
  return (
    list?.values.find((v) => v.key === key) ?? {
      key,
      labelZh: key,
      labelEn: key,
      color: 'gray',
      active: false,
    }
  );
}

/**
 * A stored value as text in the UI language, through the app's Intl helpers: money from minor units in
 * the field's currency, percentages, calendar dates, instants, option labels, people, stars. Null when
 * there is no value.
 */
export function formatAttrValue(def: FieldDef, value: unknown, ctx: AttrFormatContext): string | null {
  if (isEmptyValue(value)) return null;
  const { locale } = ctx;
  switch (def.type) {
    case 'number':
      return typeof value === 'number' ? formatNumber(value, locale) : String(value);
    case 'money':
      return typeof value === 'number' ? formatMoney(value, moneyCurrency(def), locale) : String(value);
    case 'percent':
      return typeof value === 'number' ? formatPercentValue(value, locale) : String(value);
    case 'date': {
      const at = typeof value === 'string' ? dateValueToInstant(value) : null;
      if (at === null) return String(value);
      return ctx.compact ? formatDateCompact(at, locale) : formatDate(at, locale);
    }
    case 'datetime':
      return typeof value === 'number' ? formatDateTime(value, locale) : String(value);
    case 'boolean':
      return value === true ? (locale === 'en' ? 'Yes' : '是') : locale === 'en' ? 'No' : '否';
    case 'select':
      return labelOf(optionOf(optionListOf(def, ctx.optionLists), String(value)), locale);
    case 'multiSelect': {
      const list = optionListOf(def, ctx.optionLists);
      const keys = Array.isArray(value) ? value.map(String) : [String(value)];
      return keys.map((k) => labelOf(optionOf(list, k), locale)).join(locale === 'en' ? ', ' : '、');
    }
    case 'user':
      return ctx.userName(String(value)) ?? String(value);
    case 'rating': {
      const max = ratingMax(def);
      const n = typeof value === 'number' ? Math.max(0, Math.min(max, Math.round(value))) : 0;
      return `${'★'.repeat(n)}${'☆'.repeat(max - n)}`;
    }
    case 'region':
      return String(value).split('/').join(' / ');
    default:
      return String(value);
  }
}
