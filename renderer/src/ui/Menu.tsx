import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export type MenuItem = {
  key: string;
  label: ReactNode;
  /** Quiet text at the end of the row ("30%"). */
  hint?: ReactNode;
  /** A colour dot before the label (a stage's tone). */
  dotClass?: string;
  disabled?: boolean;
  /** Extra attributes for tests (`data-testid`, `data-stage`…). */
  attrs?: Record<string, string>;
};

/**
 * A button that opens a short list of actions (a menu button): click or Enter/Space/↓ opens it with the
 * first item focused, ↑/↓ move, Enter chooses, Esc or a click elsewhere closes and gives the focus back.
 * The list is positioned on the viewport, so a scrolling board or card never clips it.
 */
export function Menu({
  label,
  icon = 'chevronDown',
  items,
  onSelect,
  buttonClassName = 'tp-btn tp-btn--secondary tp-btn--sm',
  buttonTestId,
  buttonTitle,
  heading,
  align = 'start',
  disabled = false,
}: {
  label: ReactNode;
  icon?: IconName;
  items: readonly MenuItem[];
  onSelect: (key: string) => void;
  buttonClassName?: string;
  buttonTestId?: string;
  buttonTitle?: string;
  /** A caption above the items ("移动到阶段"). */
  heading?: ReactNode;
  align?: 'start' | 'end';
  disabled?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const list = useRef<HTMLDivElement>(null);
  const menuId = useId();

  const close = (focusButton: boolean) => {
    setOpen(false);
    setPos(null);
    if (focusButton) button.current?.focus();
  };

  useLayoutEffect(() => {
    if (!open) return;
    const b = button.current?.getBoundingClientRect();
    const l = list.current?.getBoundingClientRect();
    if (!b) return;
    const width = l?.width ?? 200;
    const height = l?.height ?? 0;
    let left = align === 'end' ? b.right - width : b.left;
    left = Math.max(8, Math.min(left, window.innerWidth - width - 8));
    const below = b.bottom + 4;
    const top =
      below + height > window.innerHeight - 8 && b.top - height - 4 > 8 ? b.top - height - 4 : below;
    setPos({ top, left });
  }, [open, align]);

  const placed = pos !== null;
  useEffect(() => {
    // Only once placed: an element still hidden while it is measured cannot take the focus.
    if (open && placed)
      list.current?.querySelector<HTMLButtonElement>('[role="menuitem"]:not(:disabled)')?.focus();
  }, [open, placed]);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      // Esc closes the menu wherever the focus is, and only the menu (not a dialog around it).
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      e.preventDefault();
      setOpen(false);
      setPos(null);
      button.current?.focus();
    };
    document.addEventListener('keydown', onKey, true);
    return () => document.removeEventListener('keydown', onKey, true);
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!list.current?.contains(target) && !button.current?.contains(target)) dismiss();
    };
    const dismiss = () => {
      setOpen(false);
      setPos(null);
    };
    // A scroll anywhere else (the board, the page) would leave the list floating away from its button.
    const onScroll = (e: Event) => {
      if (!list.current?.contains(e.target as Node)) dismiss();
    };
    document.addEventListener('mousedown', onDown);
    window.addEventListener('resize', dismiss);
    window.addEventListener('scroll', onScroll, true);
    return () => {
      document.removeEventListener('mousedown', onDown);
      window.removeEventListener('resize', dismiss);
      window.removeEventListener('scroll', onScroll, true);
    };
  }, [open]);

  const focusItem = (delta: 1 | -1) => {
    const all = [
      ...(list.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not(:disabled)') ?? []),
    ];
    if (all.length === 0) return;
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    const next = all[(at + delta + all.length) % all.length];
    next?.focus();
  };

  return (
    <>
      <button
        ref={button}
        type="button"
        className={buttonClassName}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        data-testid={buttonTestId}
        title={buttonTitle}
        disabled={disabled}
        onClick={(e) => {
          // A menu inside a clickable card must not also open the card.
          e.stopPropagation();
          if (open) close(false);
          else setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
      >
        {label}
        <Icon name={icon} size={13} />
      </button>
      {open ? (
        <div
          ref={list}
          id={menuId}
          className="tp-menu"
          role="menu"
          style={pos ? { top: pos.top, left: pos.left } : { visibility: 'hidden', top: 0, left: 0 }}
          onClick={(e) => e.stopPropagation()}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              focusItem(e.key === 'ArrowDown' ? 1 : -1);
            } else if (e.key === 'Tab') {
              close(false);
            }
          }}
        >
          {heading ? <div className="tp-menu__heading">{heading}</div> : null}
          {items.map((item) => (
            <button
              key={item.key}
              type="button"
              role="menuitem"
              className="tp-menu__item"
              disabled={item.disabled}
              onClick={() => {
                close(true);
                onSelect(item.key);
              }}
              {...item.attrs}
            >
              {item.dotClass ? <span className={`tp-menu__dot ${item.dotClass}`} aria-hidden="true" /> : null}
              <span className="tp-menu__label">{item.label}</span>
              {item.hint ? <span className="tp-menu__hint">{item.hint}</span> : null}
            </button>
          ))}
        </div>
      ) : null}
    </>
  );
}
