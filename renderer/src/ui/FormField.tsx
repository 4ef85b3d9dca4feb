import type { ReactNode } from 'react';
import { describedBy, Field } from './Field';

/** What a control inside `FormField` spreads onto itself: its id and the accessible links to its error. */
export type FieldControlProps = {
  id: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
};

/**
 * A `Field` that also wires its control: the render prop receives the id, `aria-invalid` and
 * `aria-describedby` (error first, else hint), so no form repeats that bookkeeping per input.
 */
export function FormField({
  name,
  id,
  label,
  error,
  hint,
  optionalLabel,
  children,
}: {
  /** The field's name: the error carries `data-testid="error-<name>"`. */
  name: string;
  /** The control's DOM id (unique on the page). */
  id: string;
  label: string;
  error?: string | null;
  hint?: string;
  optionalLabel?: string;
  children: (control: FieldControlProps) => ReactNode;
}) {
  return (
    <Field name={name} label={label} htmlFor={id} hint={hint} error={error} optionalLabel={optionalLabel}>
      {children({
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy(id, error, hint),
      })}
    </Field>
  );
}
