import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export function EmptyState({
  icon = 'inbox',
  title,
  body,
  action,
  tone = 'neutral',
  testId,
}: {
  icon?: IconName;
  title: string;
  body?: ReactNode;
  action?: ReactNode;
  tone?: 'neutral' | 'danger';
  testId?: string;
}) {
  return (
    <div className={`tp-empty tp-empty--${tone}`} data-testid={testId}>
      <div className="tp-empty__icon">
        <Icon name={icon} size={22} />
      </div>
      <p className="tp-empty__title">{title}</p>
      {body ? <p className="tp-empty__body">{body}</p> : null}
      {action ? <div className="tp-empty__action">{action}</div> : null}
    </div>
  );
}
