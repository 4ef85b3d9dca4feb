import { useTranslation } from 'react-i18next';
import type { DiscardLabels } from '../ui/Dialog';

/** The words a Dialog asks with before a dismissal throws away what the user entered (ui/Dialog.tsx). */
export function useDiscardLabels(): DiscardLabels {
  const { t } = useTranslation();
  return {
    question: t('common.discardQuestion'),
    keep: t('common.keepEditing'),
    discard: t('common.discard'),
  };
}
