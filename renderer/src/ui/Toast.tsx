import { useEffect, useRef, type ReactNode } from 'react';
import { Icon } from './Icon';

/**
 * A short confirmation in the bottom corner ("已记录对 恒瑞机械 的跟进"), with an optional action; it goes
 * away by itself after `durationMs`, or with its close button. Announced politely to screen readers.
 */
export function Toast({
  children,
  action,
  onClose,
  closeLabel,
  durationMs = 6000,
  testId,
}: {
  children: ReactNode;
  action?: ReactNode;
  onClose: () => void;
  closeLabel: string;
  durationMs?: number;
  testId?: string;
}) {
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });
  useEffect(() => {
    const timer = window.setTimeout(() => onCloseRef.current(), durationMs);
    return () => window.clearTimeout(timer);
  }, [durationMs]);
  return (
    <div className="tp-toast" role="status" data-testid={testId}>
      <span className="tp-toast__icon">
        <Icon name="check" size={14} />
      </span>
      <span className="tp-toast__text">{children}</span>
      {action}
      <button type="button" className="tp-toast__close" onClick={onClose} aria-label={closeLabel}>
        <Icon name="close" size={14} />
      </button>
    </div>
  );
}
