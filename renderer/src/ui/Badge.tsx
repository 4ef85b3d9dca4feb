import type { ReactNode } from 'react';

export type BadgeTone = 'neutral' | 'brand' | 'success' | 'warning' | 'danger' | 'info' | 'violet';

export function Badge({
  tone = 'neutral',
  children,
  dot = false,
  title,
  testId,
  attrs,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  /** A coloured dot before the text, for states (active, dormant…) rather than categories. */
  dot?: boolean;
  title?: string;
  testId?: string;
  /** Extra `data-*` attributes that tests read (a countdown's days left, its tone). */
  attrs?: Record<`data-${string}`, string | number | undefined>;
}) {
  return (
    <span className={`tp-badge tp-badge--${tone}`} title={title} data-testid={testId} {...attrs}>
      {dot ? <span className="tp-badge__dot" aria-hidden="true" /> : null}
      {children}
    </span>
  );
}
