import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Icon } from './Icon';

/**
 * A modal dialog: Escape and the close button dismiss it, focus moves into it on open and returns to
 * where it was on close, and Tab stays inside (a keyboard user never lands behind the overlay).
 */
export function Dialog({
  title,
  onClose,
  children,
  footer,
  width = 560,
  testId,
  closeLabel,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  width?: number;
  testId?: string;
  closeLabel: string;
}) {
  const panel = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = panel.current;
    // A form that focused its own field (the content of a follow-up) keeps it; else the field marked
    // `data-autofocus`, else the first control. Moving the focus away would "touch" the field and show
    // its error before the user typed anything.
    if (!el?.contains(document.activeElement)) {
      const first =
        el?.querySelector<HTMLElement>('[data-autofocus]') ??
        el?.querySelector<HTMLElement>('input, textarea, select, button');
      first?.focus();
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        onCloseRef.current();
      } else if (e.key === 'Tab' && el) {
        const focusable = [
          ...el.querySelectorAll<HTMLElement>(
            'button, input, select, textarea, [tabindex]:not([tabindex="-1"])',
          ),
        ].filter((n) => !n.hasAttribute('disabled'));
        const head = focusable[0];
        const tail = focusable[focusable.length - 1];
        if (!head || !tail) return;
        if (e.shiftKey && document.activeElement === head) {
          e.preventDefault();
          tail.focus();
        } else if (!e.shiftKey && document.activeElement === tail) {
          e.preventDefault();
          head.focus();
        }
      }
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      previous?.focus();
    };
  }, []);

  return (
    <div className="tp-dialog__overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={panel}
        className="tp-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        style={{ width }}
        data-testid={testId}
      >
        <header className="tp-dialog__header">
          <h2 id={titleId} className="tp-dialog__title">
            {title}
          </h2>
          <button type="button" className="tp-dialog__close" onClick={onClose} aria-label={closeLabel}>
            <Icon name="close" size={16} />
          </button>
        </header>
        <div className="tp-dialog__body">{children}</div>
        {footer ? <footer className="tp-dialog__footer">{footer}</footer> : null}
      </div>
    </div>
  );
}
