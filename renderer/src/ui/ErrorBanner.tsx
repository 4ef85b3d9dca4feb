import { Icon } from './Icon';

/** A form-level error (one that names no field): red, announced, with the error code for tests. */
export function ErrorBanner({ message, code, testId }: { message: string; code: string; testId: string }) {
  return (
    <div className="tp-banner tp-banner--danger" role="alert" data-testid={testId} data-code={code}>
      <Icon name="alert" size={16} />
      <span>{message}</span>
    </div>
  );
}
