import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../../app/store';
import { otherLocale } from '../../../i18n/locale';
import { Icon } from '../../../ui';

/** Toggles zh-CN ⇄ en at once; shows the language it switches TO, in that language (as users look for it). */
export function LanguageSwitch({ tone = 'default' }: { tone?: 'default' | 'subtle' }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const setLocale = useAppStore((s) => s.setLocale);
  const next = otherLocale(locale);
  return (
    <button
      type="button"
      className={`tp-lang tp-lang--${tone}`}
      data-testid="lang-switch"
      data-locale={locale}
      onClick={() => setLocale(next)}
      title={t('locale.switchTo')}
      aria-label={t('locale.switchTo')}
      lang={next}
    >
      <Icon name="globe" size={15} />
      <span>{t(`locale.${next}`)}</span>
    </button>
  );
}
