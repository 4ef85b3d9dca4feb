import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { Button } from './Button';
import { Icon } from './Icon';

/** The words of the "discard what you typed?" question (DiscardLabels from i18n's useDiscardLabels). */
export type DiscardLabels = { question: string; keep: string; discard: string };

/**
 * A modal dialog: Escape, a click outside and the close button dismiss it, focus moves into it on open
 * and returns to where it was on close, and Tab stays inside (a keyboard user never lands behind the
 * overlay). With `discard`, a dialog the user has typed or chosen something in asks before one of those
 * dismissals throws it away (a stray Esc must not cost a rep the visit note they were writing); the
 * form's own Cancel button stays a plain cancel.
 */
export function Dialog({
  title,
  onClose,
  children,
  footer,
  width = 560,
  testId,
  closeLabel,
  discard,
}: {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer?: ReactNode;
  width?: number;
  testId?: string;
  closeLabel: string;
  discard?: DiscardLabels;
}) {
  const panel = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  const guarded = useRef(discard !== undefined);
  useEffect(() => {
    onCloseRef.current = onClose;
    guarded.current = discard !== undefined;
  });
  // Whether the user has typed or chosen anything here (input and change events only come from them),
  // and whether the discard question is showing; refs too, for the key handler installed once.
  const edited = useRef(false);
  const [asking, setAsking] = useState(false);
  const askingRef = useRef(false);
  /** Where the focus was when the question came up: it goes back there on "keep editing". */
  const resumeAt = useRef<HTMLElement | null>(null);
  const ask = (on: boolean) => {
    askingRef.current = on;
    setAsking(on);
  };
  const dismiss = () => {
    if (!guarded.current || !edited.current) {
      onCloseRef.current();
    } else if (!askingRef.current) {
      resumeAt.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      ask(true);
    }
  };
  const keepEditing = () => {
    ask(false);
    resumeAt.current?.focus();
  };

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
    const markEdited = () => {
      edited.current = true;
    };
    el?.addEventListener('input', markEdited);
    el?.addEventListener('change', markEdited);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation();
        if (askingRef.current) keepEditing();
        else dismiss();
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
      el?.removeEventListener('input', markEdited);
      el?.removeEventListener('change', markEdited);
      previous?.focus();
    };
    // Installed once: what it calls reads refs.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <div className="tp-dialog__overlay" onMouseDown={(e) => e.target === e.currentTarget && dismiss()}>
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
          <button type="button" className="tp-dialog__close" onClick={dismiss} aria-label={closeLabel}>
            <Icon name="close" size={16} />
          </button>
        </header>
        <div className="tp-dialog__body">{children}</div>
        {footer ? <footer className="tp-dialog__footer">{footer}</footer> : null}
        {asking && discard ? (
          <div className="tp-dialog__discard" role="alert" data-testid="dialog-discard">
            <Icon name="alert" size={16} />
            <span className="tp-dialog__discard-text">{discard.question}</span>
            <Button variant="danger" size="sm" onClick={() => onClose()} data-testid="dialog-discard-confirm">
              {discard.discard}
            </Button>
            <Button
              variant="primary"
              size="sm"
              autoFocus
              onClick={keepEditing}
              data-testid="dialog-discard-keep"
            >
              {discard.keep}
            </Button>
          </div>
        ) : null}
      </div>
    </div>
  );
}
