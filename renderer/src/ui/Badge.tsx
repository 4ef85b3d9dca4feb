import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'brand' | 'success' | 'warning' | 'danger' | 'info' | 'violet';

export function Badge({
  tone = 'neutral',
  children,
  dot = false,
  title,
  testId,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  /** A coloured dot before the text, for states (active, dormant…) rather than categories. */
  dot?: boolean;
  title?: string;
  testId?: string;
}) {
  return (
    <span className={`tp-badge tp-badge--${tone}`} title={title} data-testid={testId}>
      {dot ? <span className="tp-badge__dot" aria-hidden="true" /> : null}
      {children}
    </span>
  );
}
