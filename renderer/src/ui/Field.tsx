import type { ReactNode } from 'react';

/**
 * A labelled form control with its hint and its error below. The error carries `data-testid="error-<name>"`
 * so tests (and screen readers through `aria-describedby`) find it by field.
 */
export function Field({
  name,
  label,
  htmlFor,
  hint,
  error,
  optionalLabel,
  children,
}: {
  name: string;
  label: string;
  htmlFor: string;
  hint?: string;
  error?: string | null;
  optionalLabel?: string;
  children: ReactNode;
}) {
  return (
    <div className={error ? 'tp-field tp-field--invalid' : 'tp-field'}>
      <label className="tp-field__label" htmlFor={htmlFor}>
        {label}
        {optionalLabel ? <span className="tp-field__optional">{optionalLabel}</span> : null}
      </label>
      {children}
      {error ? (
        <p className="tp-field__error" id={`${htmlFor}-error`} data-testid={`error-${name}`} role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="tp-field__hint" id={`${htmlFor}-hint`}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

/** The `aria-describedby` a control inside `Field` should carry. */
export function describedBy(id: string, error: string | null | undefined, hint?: string): string | undefined {
  if (error) return `${id}-error`;
  return hint ? `${id}-hint` : undefined;
}
