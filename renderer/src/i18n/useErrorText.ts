import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../shared/errors';
import { describeError } from './errors';

/** `(error) => sentence` in the current language, for banners and toasts. */
export function useErrorText(): (error: AppErrorData) => string {
  const { t, i18n } = useTranslation();
  return useCallback((error: AppErrorData) => describeError(t, (k) => i18n.exists(k), error), [t, i18n]);
}
