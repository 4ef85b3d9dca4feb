import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../../../shared/errors';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, Icon } from '../../../ui';
import { adminErrorText } from '../utils/adminErrors';

/**
 * A designer operation that failed: offline says nothing was saved and that the designer needs the
 * server; "in use by 12 records" says why a removal was refused; anything else gets the app's sentence,
 * with the server's own words under "details" (a publish check names the field it stopped at).
 */
export function AdminErrorBanner({
  error,
  testId,
  onRetry,
  valueLabel,
  offlineBody,
  forbiddenText,
}: {
  error: AppErrorData;
  testId: string;
  onRetry?: () => void;
  /** The label of a value key the error names (a list value in use), when the screen knows it. */
  valueLabel?: (key: string) => string | undefined;
  /** What offline means on this screen (default: the designer's "your edits stay on the page"). */
  offlineBody?: string;
  /** What a refusal for lack of rights says on this screen (default: the designer's). */
  forbiddenText?: string;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const specific = error.code === 'forbidden' && forbiddenText ? null : adminErrorText(error, valueLabel);
  const headline =
    error.code === 'forbidden' && forbiddenText
      ? forbiddenText
      : specific
        ? t(specific.key, specific.params ?? {})
        : errorText(error);
  const offline = error.code === 'offline';
  return (
    <div
      className={`tp-banner ${offline ? 'tp-banner--warning' : 'tp-banner--danger'} tp-adminerror`}
      role="alert"
      data-testid={testId}
      data-code={error.code}
      data-count={error.params?.['count']}
    >
      <Icon name={offline ? 'cloudOff' : 'alert'} size={16} />
      <div className="tp-adminerror__text">
        <strong>{headline}</strong>
        {offline ? <span>{offlineBody ?? t('designer.errors.offlineBody')}</span> : null}
        {!specific && error.message && error.code !== 'server_error' ? (
          <details className="tp-adminerror__details">
            <summary>{t('designer.errors.details')}</summary>
            <code>{error.message}</code>
          </details>
        ) : null}
      </div>
      {onRetry ? (
        <Button size="sm" icon="sync" onClick={onRetry} data-testid={`${testId}-retry`}>
          {t('common.retry')}
        </Button>
      ) : null}
    </div>
  );
}
