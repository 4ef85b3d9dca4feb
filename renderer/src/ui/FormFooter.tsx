import type { ReactNode } from 'react';
import { Button } from './Button';
import type { IconName } from './Icon';

/** The bottom row of a dialog's form: a hint or note on the left, Cancel and the submit button on the right. */
export function FormFooter({
  note,
  cancelLabel,
  onCancel,
  submitLabel,
  busy,
  submitTestId,
  submitIcon,
}: {
  note?: ReactNode;
  cancelLabel: string;
  onCancel: () => void;
  submitLabel: string;
  busy: boolean;
  submitTestId: string;
  submitIcon?: IconName;
}) {
  return (
    <div className="tp-form__footer">
      <span className="tp-form__note">{note}</span>
      <div className="tp-form__actions">
        <Button onClick={onCancel}>{cancelLabel}</Button>
        <Button type="submit" variant="primary" busy={busy} icon={submitIcon} data-testid={submitTestId}>
          {submitLabel}
        </Button>
      </div>
    </div>
  );
}
