import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../shared/errors';
import { useErrorText } from './useErrorText';

/** A schema verdict on one field, as a translation key under `validation.` with its parameters. */
export type FieldProblemText = { key: string; params?: Record<string, string | number> };

/**
 * The one rule for the message under a form field, shared by every form: the shared schema's verdict once
 * the user touched the field (or tried to submit), else the core's or server's refusal when it names this
 * field (`serverField`), else nothing.
 */
export function useFieldError<F extends string>({
  problems,
  touched,
  submitted,
  serverError,
  serverField,
}: {
  problems: Partial<Record<F, FieldProblemText>>;
  touched: Partial<Record<F, boolean>>;
  submitted: boolean;
  serverError: AppErrorData | null;
  serverField: F | null;
}): (field: F) => string | null {
  const { t } = useTranslation();
  const errorText = useErrorText();
  return (field) => {
    const p = problems[field];
    if (p && (touched[field] || submitted)) return t(`validation.${p.key}`, p.params ?? {});
    if (serverError && serverField === field) return errorText({ ...serverError, field: undefined });
    return null;
  };
}
