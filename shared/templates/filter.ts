import { z } from 'zod';
import { defKeySchema } from './schema';
import { isEmptyValue } from './validate';

/**
 * Filters over template fields (SPEC §8), as lists send them. The client core turns them into SQL over
 * its attribute index; `matchesAttrFilter` is the reference meaning every implementation must agree with
 * (tests compare them). Ranges are inclusive; dates compare as "YYYY-MM-DD" strings; a multi-select
 * matches `in` when any of its options is listed.
 */
const scalar = z.union([z.string().max(200), z.number().finite(), z.boolean()]);
const bound = z.union([z.number().finite(), z.string().max(30)]).nullable();

export const attrFilterSchema = z.discriminatedUnion('op', [
  z.object({ field: defKeySchema, op: z.literal('in'), values: z.array(scalar).min(1).max(50) }),
  z
    .object({
      field: defKeySchema,
      op: z.literal('range'),
      min: bound.default(null),
      max: bound.default(null),
    })
    .refine((f) => f.min !== null || f.max !== null, { message: 'A range needs a lower or an upper bound' }),
  z.object({ field: defKeySchema, op: z.literal('contains'), text: z.string().trim().min(1).max(100) }),
  z.object({ field: defKeySchema, op: z.literal('empty') }),
  z.object({ field: defKeySchema, op: z.literal('notEmpty') }),
]);
export type AttrFilter = z.infer<typeof attrFilterSchema>;

export const MAX_ATTR_FILTERS = 10;

function cmp(a: unknown, b: number | string): number | null {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

export function matchesAttrFilter(attrs: Readonly<Record<string, unknown>>, f: AttrFilter): boolean {
  // Own keys only: a field keyed `constructor` must not find Object.prototype's.
  const v = Object.hasOwn(attrs, f.field) ? attrs[f.field] : undefined;
  switch (f.op) {
    case 'empty':
      return isEmptyValue(v);
    case 'notEmpty':
      return !isEmptyValue(v);
    case 'in':
      return Array.isArray(v) ? v.some((x) => f.values.includes(x as never)) : f.values.includes(v as never);
    case 'contains':
      return typeof v === 'string' && v.toLowerCase().includes(f.text.toLowerCase());
    case 'range': {
      if (isEmptyValue(v) || Array.isArray(v)) return false;
      if (f.min !== null) {
        const d = cmp(v, f.min);
        if (d === null || d < 0) return false;
      }
      if (f.max !== null) {
        const d = cmp(v, f.max);
        if (d === null || d > 0) return false;
      }
      return true;
    }
  }
}
