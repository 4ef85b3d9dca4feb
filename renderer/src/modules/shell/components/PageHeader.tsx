import type { ReactNode } from 'react';

/** Title row of a screen: title, a quiet subtitle, and the screen's actions on the right. */
export function PageHeader({
  title,
  subtitle,
  actions,
  children,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="tp-pagehead">
      <div className="tp-pagehead__text">
        <h1 className="tp-pagehead__title">{title}</h1>
        {subtitle ? <div className="tp-pagehead__subtitle">{subtitle}</div> : null}
      </div>
      {children}
      {actions ? <div className="tp-pagehead__actions">{actions}</div> : null}
    </div>
  );
}
