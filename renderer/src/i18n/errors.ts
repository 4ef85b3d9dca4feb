import type { TFunction } from 'i18next';
import { ERROR_CODES } from '../../../shared/errors';
import type { AppErrorData } from '../../../shared/errors';
import { duplicateHolderOf, duplicateMessage } from '../modules/customers/utils/duplicates';

/** Where a field name from the core (`content`, `set.phone`, `serverUrl`) finds its label. */
const FIELD_NAMESPACES = [
  'followUp.fields',
  'customer.fields',
  'opportunity.fields',
  'lead.fields',
  'task.fields',
  'auth',
] as const;

/** The translated label of a field the core named, or the raw name when we have no label for it. */
export function fieldLabel(t: TFunction, exists: (key: string) => boolean, field: string): string {
  const person = /^contact\.(\w+)$/.exec(field);
  if (person && exists(`contact.fields.${person[1]}`)) return t(`contact.fields.${person[1]}`);
  const leaf = field.replace(/^(set|args|payload|opportunity|contact)\./, '');
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
 * The sentence for an error's code in the user's language. A duplicate that names its holder says who
 * ("已由 张伟 负责"), so the user knows whether to open, ask for, or claim the customer.
 */
export function errorMessage(t: TFunction, error: Pick<AppErrorData, 'code' | 'params'>): string {
  if (error.code === 'duplicate') {
    const holder = duplicateHolderOf(error.params);
    if (holder) {
      const m = duplicateMessage(holder);
      return t(`duplicate.${m.key}`, m.params);
    }
  }
  return t(errorKey(error.code), error.params ?? {});
}

/**
 * One sentence for an error in the user's language: its translated code, prefixed by the translated
 * field when the error names one ("跟进内容：输入有误").
 */
export function describeError(t: TFunction, exists: (key: string) => boolean, error: AppErrorData): string {
  const message = errorMessage(t, error);
  if (!error.field) return message;
  return t('errors.withField', { field: fieldLabel(t, exists, error.field), message });
}
