import type { TFunction } from 'i18next';
import type { AppErrorData } from '../../../../../shared/errors';
import type { FieldDef } from '../../../../../shared/templates/schema';
import { ATTR_RULES, type AttrRule } from '../../../../../shared/templates/validate';
import { formatDateTime, formatMoney, formatNumber } from '../../../i18n/format';
import type { Locale } from '../../../i18n/locale';
import type { FieldProblemText } from '../../../i18n/useFieldError';
import { issueProblem } from './attrForm';
import { moneyCurrency } from './attrValues';

/**
 * The sentence for a template field's problem in the UI language. Bounds read in the field's own unit:
 * "不能少于 ¥1,000.00" for money (the rule's minor units in the field's currency), a date and time for
 * datetime fields, grouped numbers otherwise.
 */
export function attrProblemText(
  t: TFunction,
  problem: FieldProblemText,
  def: FieldDef | undefined,
  locale: Locale,
): string {
  const params: Record<string, string | number> = { ...(problem.params ?? {}) };
  for (const bound of ['min', 'max'] as const) {
    const v = params[bound];
    if (typeof v !== 'number') continue;
    if (def?.type === 'money') params[bound] = formatMoney(v, moneyCurrency(def), locale);
    else if (def?.type === 'datetime') params[bound] = formatDateTime(v, locale);
    else params[bound] = formatNumber(v, locale);
  }
  return t(`validation.${problem.key}`, params);
}

/** `attrs.revenue` / `set.attrs.revenue` (how the core and the server name an attribute) → `revenue`. */
export function attrKeyOf(path: string | undefined): string | null {
  const m = /^(?:set\.)?attrs\.([a-z][a-z0-9_]*)$/.exec(path ?? '');
  return m ? (m[1] ?? null) : null;
}

/**
 * A refusal naming an attribute, as the problem under that field: the validator's rule when the error
 * carries it (`params.rule`), a duplicate of a unique field, else null (the caller shows a banner).
 */
export function serverAttrProblem(error: AppErrorData, def: FieldDef | undefined): FieldProblemText | null {
  if (error.code === 'duplicate') return { key: 'attr.unique' };
  const rule = error.params?.['rule'];
  if (typeof rule === 'string' && (ATTR_RULES as readonly string[]).includes(rule)) {
    return issueProblem({ rule: rule as AttrRule, params: error.params ?? {} }, def);
  }
  return null;
}
