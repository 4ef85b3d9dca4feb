import type { ApiInput } from '../../../../../shared/api/contract';
import {
  duplicateHolderSchema,
  type DuplicateHolder,
  type DuplicateMatch,
  type UniqueCustomerField,
} from '../../../../../shared/domain/uniqueness';
import { isValidCreditCode, isValidPhone } from '../../../../../shared/domain/validators';

/**
 * Uniqueness at capture, as the forms show it: what to ask `customers.checkDuplicate`, which collision to
 * show under which field, and how to say who holds the customer.
 */

/** The message for a holder: a translation key (under `duplicate.`) with its parameters. */
export type DuplicateMessage = {
  key: 'self' | 'user' | 'userUnknown' | 'public';
  params: Record<string, string>;
};

/** "已在你的客户中" / "owned by 张伟" / "in the public sea — claim it instead". */
export function duplicateMessage(holder: DuplicateHolder): DuplicateMessage {
  const customer = holder.customerName ?? '';
  switch (holder.holder) {
    case 'self':
      return { key: 'self', params: { customer } };
    case 'user':
      return holder.holderName
        ? { key: 'user', params: { name: holder.holderName, customer } }
        : { key: 'userUnknown', params: { customer } };
    case 'public':
      return { key: 'public', params: { customer } };
  }
}

/** The holder named in a `duplicate` error's params (push refusal, online check), if they are well-formed. */
export function duplicateHolderOf(params: unknown): DuplicateHolder | null {
  const parsed = duplicateHolderSchema.safeParse(params);
  return parsed.success ? parsed.data : null;
}

/** A public-sea customer the user may claim instead of capturing a duplicate. */
export function claimableCustomerId(holder: DuplicateHolder | null): string | null {
  return holder?.holder === 'public' && holder.customerId ? holder.customerId : null;
}

/** Of several collisions on a field, the one that matters most to the user: theirs, then a claimable one. */
const HOLDER_RANK: Record<DuplicateHolder['holder'], number> = { self: 0, public: 1, user: 2 };

export function duplicatesByField(
  matches: readonly DuplicateMatch[],
): Partial<Record<UniqueCustomerField, DuplicateMatch>> {
  const out: Partial<Record<UniqueCustomerField, DuplicateMatch>> = {};
  for (const m of matches) {
    const current = out[m.field];
    if (!current || HOLDER_RANK[m.holder] < HOLDER_RANK[current.holder]) out[m.field] = m;
  }
  return out;
}

/**
 * What to ask about: each unique field once it is worth a question (a name of two characters or more, a
 * phone and a credit code once they are well-formed: half a number collides with nothing). Null when
 * there is nothing to ask.
 */
export function duplicateCheckRequest(
  values: { name: string; creditCode: string; phone: string },
  excludeId?: string,
): ApiInput<'customers.checkDuplicate'> | null {
  const name = values.name.trim();
  const creditCode = values.creditCode.trim().toUpperCase();
  const phone = values.phone.trim();
  const req: ApiInput<'customers.checkDuplicate'> = {};
  if ([...name].length >= 2 && name.length <= 200) req.name = name;
  if (creditCode && isValidCreditCode(creditCode)) req.creditCode = creditCode;
  if (phone && phone.length <= 40 && isValidPhone(phone)) req.phone = phone;
  if (Object.keys(req).length === 0) return null;
  if (excludeId) req.excludeId = excludeId;
  return req;
}

/** The request as a stable key: a check is sent again only when what it asks changes. */
export function duplicateRequestKey(req: ApiInput<'customers.checkDuplicate'> | null): string {
  return req
    ? JSON.stringify([req.name ?? '', req.creditCode ?? '', req.phone ?? '', req.excludeId ?? ''])
    : '';
}
