import type { ReactNode } from 'react';
import { Button } from './Button';
import { Dialog } from './Dialog';
import { Icon } from './Icon';
import { hasModKey } from './shortcut';

/**
 * "Are you sure?" for an act that cannot be undone from here (delete a follow-up, cancel a task): the
 * safe button has the focus, Esc cancels, Ctrl/⌘+Enter or the red button confirms.
 */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  cancelLabel,
  closeLabel,
  busy,
  error,
  onConfirm,
  onClose,
  tone = 'danger',
}: {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  cancelLabel: string;
  closeLabel: string;
  busy: boolean;
  /** Why the last attempt failed, shown above the buttons. */
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
  tone?: 'danger' | 'primary';
}) {
  return (
    <Dialog title={title} onClose={onClose} closeLabel={closeLabel} width={440} testId="confirm-dialog">
      <div
        className="tp-confirm"
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hasModKey(e)) {
            e.preventDefault();
            if (!busy) onConfirm();
          }
        }}
      >
        <div className="tp-confirm__body">{body}</div>
        {error ? (
          <div className="tp-banner tp-banner--danger" role="alert" data-testid="confirm-error">
            <Icon name="alert" size={16} />
            <span>{error}</span>
          </div>
        ) : null}
        <div className="tp-form__actions tp-confirm__actions">
          <Button onClick={onClose} data-testid="confirm-cancel" data-autofocus>
            {cancelLabel}
          </Button>
          <Button variant={tone} busy={busy} onClick={onConfirm} data-testid="confirm-ok">
            {confirmLabel}
          </Button>
        </div>
      </div>
    </Dialog>
  );
}
