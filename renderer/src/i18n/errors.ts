import type { TFunction } from 'i18next';
import { ERROR_CODES } from '../../../shared/errors';
import type { AppErrorData } from '../../../shared/errors';

/** Where a field name from the core (`content`, `set.phone`, `serverUrl`) finds its label. */
const FIELD_NAMESPACES = ['followUp.fields', 'customer.fields', 'auth'] as const;

/** The translated label of a field the core named, or the raw name when we have no label for it. */
export function fieldLabel(t: TFunction, exists: (key: string) => boolean, field: string): string {
  const leaf = field.replace(/^(set|args|payload)\./, '');
  for (const ns of FIELD_NAMESPACES) {
    const key = `${ns}.${leaf}`;
    if (exists(key)) return t(key);
  }
  return leaf;
}

/** The translation key of an error code; codes we do not know (a newer core) read as `unknown`. */
export function errorKey(code: string): string {
  return (ERROR_CODES as readonly string[]).includes(code) ? `errors.${code}` : 'errors.unknown';
}

/**
 * One sentence for an error in the user's language: its translated code, prefixed by the translated
 * field when the error names one ("跟进内容：输入有误").
 */
export function describeError(t: TFunction, exists: (key: string) => boolean, error: AppErrorData): string {
  const message = t(errorKey(error.code), error.params ?? {});
  if (!error.field) return message;
  return t('errors.withField', { field: fieldLabel(t, exists, error.field), message });
}
