import { z } from 'zod';
import { normalizeCompanyName, normalizePhone } from './validators';

/**
 * Uniqueness at capture (seed §5, SPEC §6): within an org, no two live customers share a normalised
 * name, a credit code or a normalised phone. Leads are exempt until they are converted.
 *
 * The server decides (unique indexes on the normalised columns); a device checks only what it already
 * holds (its own scope), and asks the server when it is online. Nothing about other reps' customers is
 * ever shipped to a device for the offline check: the server's answer names the holder, and only once
 * the user tried to capture that very customer (docs/domain.md "Uniqueness").
 */
export const UNIQUE_CUSTOMER_FIELDS = ['name', 'creditCode', 'phone'] as const;
export type UniqueCustomerField = (typeof UNIQUE_CUSTOMER_FIELDS)[number];

/** The normalised key of a unique field, or null when the value does not take part (empty). */
export function uniqueKey(field: UniqueCustomerField, value: string | null | undefined): string | null {
  if (value === null || value === undefined || value.trim() === '') return null;
  if (field === 'name') return normalizeCompanyName(value);
  if (field === 'phone') return normalizePhone(value);
  return value.trim().toUpperCase();
}

/**
 * Who holds the customer a duplicate collides with — the `params` of a `duplicate` error (from a push
 * refusal or the online check). `self`: this user already has it; `user`: another rep (named); `public`:
 * it waits in the public sea, and `customerId` lets the user claim it instead.
 */
export const duplicateHolderSchema = z.object({
  holder: z.enum(['self', 'user', 'public']),
  holderName: z.string().optional(),
  customerId: z.uuid().optional(),
  customerName: z.string().optional(),
});
export type DuplicateHolder = z.infer<typeof duplicateHolderSchema>;

/** One collision found by a duplicate check. */
export const duplicateMatchSchema = duplicateHolderSchema.extend({
  field: z.enum(UNIQUE_CUSTOMER_FIELDS),
});
export type DuplicateMatch = z.infer<typeof duplicateMatchSchema>;
