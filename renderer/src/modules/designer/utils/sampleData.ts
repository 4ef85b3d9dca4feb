import type { UserItem } from '../../../../../shared/api/contract';
import type { FieldDef, OptionList, TemplateShape } from '../../../../../shared/templates/schema';
import { ratingMax } from '../../templates/utils/attrValues';

/**
 * Plausible values for the designer's live preview, so an admin sees the form as a rep will fill it
 * (money in the field's currency, the first options of a list, a colleague…). Deterministic: the same
 * draft previews the same way every time. Values respect the field's own bounds where it has them.
 */
export function sampleValues(
  shape: TemplateShape,
  optionLists: readonly OptionList[],
  users: readonly UserItem[],
  locale: 'zh-CN' | 'en',
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of shape.fields) {
    const v = sampleValue(def, optionLists, users, locale);
    if (v !== null) out[def.key] = v;
  }
  return out;
}

function clamp(def: FieldDef, n: number): number {
  const { min, max } = def.validation;
  let v = n;
  if (min !== null && v < min) v = min;
  if (max !== null && v > max) v = max;
  return v;
}

function sampleValue(
  def: FieldDef,
  lists: readonly OptionList[],
  users: readonly UserItem[],
  locale: 'zh-CN' | 'en',
): unknown {
  const zh = locale === 'zh-CN';
  const active = lists.find((l) => l.key === def.optionList)?.values.filter((v) => v.active) ?? [];
  switch (def.type) {
    case 'text':
      // A format the admin constrained (a contract number) is better left empty than shown as wrong.
      if (def.validation.pattern) return null;
      return zh ? `示例${def.labelZh}` : `Sample ${def.labelEn.toLowerCase()}`;
    case 'longText':
      return zh
        ? '客户关注交期和售后响应，下次拜访带上样品。'
        : 'Cares about lead times and after-sales response; bring samples next visit.';
    case 'number':
      return clamp(def, 120);
    case 'money':
      return clamp(def, 128_000_00);
    case 'percent':
      return clamp(def, 35);
    case 'date':
      return '2025-06-18';
    case 'datetime':
      return new Date(2025, 5, 18, 14, 30).getTime();
    case 'boolean':
      return true;
    case 'select':
      return active[0]?.key ?? null;
    case 'multiSelect':
      return active.length > 0 ? active.slice(0, 2).map((v) => v.key) : null;
    case 'phone':
      return '13800138000';
    case 'email':
      return 'sales@example.com';
    case 'url':
      return 'www.example.com';
    case 'region':
      return '江苏省/苏州市/昆山市';
    case 'user':
      return users.find((u) => u.active)?.id ?? null;
    case 'rating':
      return Math.min(4, ratingMax(def));
  }
}
