import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/**
 * A button that opens a small panel beside it (a column chooser, a filter's editor): click or Enter
 * opens it and moves the focus in, Esc or a click elsewhere closes it and gives the focus back. The
 * panel is positioned on the viewport, so a scrolling container never clips it. `open` may be driven by
 * the caller (a filter chip that opens its editor as soon as it is added).
 */
export function Popover({
  button,
  buttonClassName = 'tp-btn tp-btn--secondary tp-btn--md',
  buttonTestId,
  buttonLabel,
  panelTestId,
  panelLabel,
  width = 300,
  align = 'start',
  open: controlled,
  onOpenChange,
  children,
}: {
  button: ReactNode;
  buttonClassName?: string;
  buttonTestId?: string;
  /** The accessible name when the button shows only an icon. */
  buttonLabel?: string;
  panelTestId?: string;
  panelLabel: string;
  width?: number;
  align?: 'start' | 'end';
  open?: boolean;
  onOpenChange?: (open: boolean) => void;
  children: ReactNode;
}) {
  const [own, setOwn] = useState(false);
  const open = controlled ?? own;
  const setOpen = (next: boolean) => {
    if (controlled === undefined) setOwn(next);
    onOpenChange?.(next);
  };
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null);
  const btn = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const setOpenRef = useRef(setOpen);
  useEffect(() => {
    setOpenRef.current = setOpen;
  });

  const close = (focusButton = true) => {
    setOpenRef.current(false);
    setPos(null);
    if (focusButton) btn.current?.focus();
  };

  useLayoutEffect(() => {
    if (!open) return;
    const b = btn.current?.getBoundingClientRect();
    if (!b) return;
    const h = panel.current?.getBoundingClientRect().height ?? 0;
    let left = align === 'end' ? b.right - width : b.left;
    left = Math.max(8, Math.min(left, window.innerWidth - width - 8));
    const below = b.bottom + 6;
    const top = below + h > window.innerHeight - 8 && b.top - h - 6 > 8 ? b.top - h - 6 : below;
    setPos({ top, left });
  }, [open, align, width]);

  const placed = pos !== null;
  useEffect(() => {
    if (!open || !placed) return;
    const first = panel.current?.querySelector<HTMLElement>(
      '[data-autofocus], input:not([type="hidden"]), select, textarea, button',
    );
    first?.focus();
  }, [open, placed]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      e.preventDefault();
      setOpenRef.current(false);
      setPos(null);
      btn.current?.focus();
    };
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!panel.current?.contains(target) && !btn.current?.contains(target)) {
        setOpenRef.current(false);
        setPos(null);
      }
    };
    document.addEventListener('keydown', onKey, true);
    document.addEventListener('mousedown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey, true);
      document.removeEventListener('mousedown', onDown);
    };
  }, [open]);

  return (
    <>
      <button
        ref={btn}
        type="button"
        className={buttonClassName}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        aria-label={buttonLabel}
        data-testid={buttonTestId}
        onClick={() => (open ? close(false) : setOpen(true))}
      >
        {button}
      </button>
      {open ? (
        <div
          ref={panel}
          id={panelId}
          className="tp-popover"
          role="dialog"
          aria-label={panelLabel}
          data-testid={panelTestId}
          style={
            pos ? { top: pos.top, left: pos.left, width } : { visibility: 'hidden', top: 0, left: 0, width }
          }
        >
          {children}
        </div>
      ) : null}
    </>
  );
}
