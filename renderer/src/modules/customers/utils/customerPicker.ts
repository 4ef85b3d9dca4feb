import type { ApiInput } from '../../../../../shared/api/contract';
import type { Locale } from '../../../i18n/locale';

/** How many customers the picker lists at once: enough to choose from, few enough to scan. */
export const PICKER_LIMIT = 8;

/**
 * The `customers.list` request behind the picker: the most recently updated customers first (the ones a
 * rep is working on), narrowed by the query when there is one. The core matches a substring of the
 * name, short name or phone, so "恒瑞" finds "上海恒瑞精密机械有限公司".
 */
export function pickerRequest(query: string): ApiInput<'customers.list'> {
  const q = query.trim();
  return {
    offset: 0,
    limit: PICKER_LIMIT,
    sort: { column: 'updatedAt', desc: true },
    ...(q ? { query: q } : {}),
  };
}

/** The next highlighted row after ↑/↓ (`delta` −1/+1) over `count` rows, wrapping at both ends. */
export function moveActive(current: number, delta: number, count: number): number {
  if (count <= 0) return -1;
  if (current < 0) return delta > 0 ? 0 : count - 1;
  return (((current + delta) % count) + count) % count;
}

/** A piece of a label, marked when it is the part the query matched. */
export type MatchPart = { text: string; match: boolean };

/**
 * Splits `text` around the first case-insensitive occurrence of `query`, so the picker can show why a
 * customer matched ("上海**恒瑞**精密机械"). No query, or no occurrence (it matched the phone or short
 * name), → the whole text unmarked.
 */
export function matchParts(text: string, query: string, locale: Locale): MatchPart[] {
  const q = query.trim().toLocaleLowerCase(locale);
  if (!q) return [{ text, match: false }];
  const at = text.toLocaleLowerCase(locale).indexOf(q);
  if (at < 0) return [{ text, match: false }];
  const parts: MatchPart[] = [];
  if (at > 0) parts.push({ text: text.slice(0, at), match: false });
  parts.push({ text: text.slice(at, at + q.length), match: true });
  if (at + q.length < text.length) parts.push({ text: text.slice(at + q.length), match: false });
  return parts;
}
