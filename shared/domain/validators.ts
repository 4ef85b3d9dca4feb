import { z } from 'zod';

/**
 * Formats of the base fields (seed §5: values are declared types, not free text). Each is a zod schema so
 * that renderer, client core and server reach the same verdict with the same message.
 */

/** The 31 characters of a unified social credit code (GB 32100-2015: no I, O, S, V, Z). */
const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character for the first 17 characters of a credit code, or null if one is not allowed. */
export function creditCodeCheckChar(first17: string): string | null {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_CHARS.indexOf(first17[i] ?? '');
    if (value < 0) return null;
    sum += value * (CREDIT_CODE_WEIGHTS[i] ?? 0);
  }
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_CHARS[check] ?? null;
}

export function isValidCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(code)) return false;
  return creditCodeCheckChar(code.slice(0, 17)) === code[17];
}

/** Mainland mobile (138 0013 8000), landline with area code (021-6888 8888), optional +86. */
export function normalizePhone(raw: string): string {
  return raw.replace(/[\s()-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '');
}

export function isValidPhone(raw: string): boolean {
  const p = normalizePhone(raw);
  return /^1[3-9]\d{9}$/.test(p) || /^0\d{2,3}\d{7,8}$/.test(p) || /^400\d{7}$/.test(p);
}

/** Customer names are unique per org after this normalisation (seed §5, SPEC §6). */
export function normalizeCompanyName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\s·・.,，。()（）]/g, '')
    .toLowerCase();
}

export const phoneSchema = z.string().trim().max(40).refine(isValidPhone, {
  message: 'Invalid phone number: expected a mobile (11 digits) or a landline with area code',
});

export const creditCodeSchema = z.string().trim().toUpperCase().refine(isValidCreditCode, {
  message: 'Invalid unified social credit code: 18 characters with a valid check character',
});

export const emailSchema = z.email({ message: 'Invalid email address' }).max(200);

export const urlSchema = z
  .string()
  .trim()
  .max(300)
  .regex(/^(https?:\/\/)?[\w-]+(\.[\w-]+)+(\/\S*)?$/i, { message: 'Invalid web address' });

/** A required, trimmed, non-empty string with a length limit. */
export const requiredText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'Required' })
    .max(max, { message: `At most ${max} characters` });

/** An optional string: empty or whitespace becomes null, so "" never reaches a database. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: `At most ${max} characters` })
    .nullish()
    .transform((v) => (v ? v : null));

/** Makes a field optional: absent, null or blank all mean "no value" (null). */
export function optional<T extends z.ZodType>(schema: T) {
  return z
    .preprocess((v) => (typeof v === 'string' && v.trim() === '' ? null : v), schema.nullish())
    .transform((v) => v ?? null);
}
