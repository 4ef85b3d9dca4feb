import { useTranslation } from 'react-i18next';
import type { FieldDef, OptionList, TemplateShape } from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import { Icon } from '../../../ui';
import { useUserDirectory } from '../hooks/useTemplates';
import { retiredKeys } from '../utils/attrForm';
import { formatAttrValue, labelOf } from '../utils/attrFormat';

/**
 * Values of fields the current template no longer places (docs/templates.md "retired"): kept on the
 * record forever, shown read-only, never sent back. Labelled from the field library (keys are never
 * reused, so the library still knows them); a key it does not know is shown as it is.
 */
export function RetiredValues({
  shape,
  stored,
  library,
  optionLists,
}: {
  shape: Pick<TemplateShape, 'sections'> | null;
  stored: Readonly<Record<string, unknown>> | null;
  library: readonly FieldDef[];
  optionLists: readonly OptionList[];
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const keys = retiredKeys(shape, stored);
  const defs = new Map(library.map((f) => [f.key, f]));
  const directory = useUserDirectory(keys.some((k) => defs.get(k)?.type === 'user'));
  if (keys.length === 0 || !stored) return null;
  return (
    <section className="tp-attrform__retired" data-testid="attr-retired" aria-labelledby="attr-retired-title">
      <h3 className="tp-attrform__retiredtitle" id="attr-retired-title">
        <Icon name="archive" size={14} />
        {t('templates.retiredTitle')}
      </h3>
      <p className="tp-attrform__retiredhint">{t('templates.retiredHint')}</p>
      <dl className="tp-attrform__retiredlist">
        {keys.map((key) => {
          const def = defs.get(key);
          const value = stored[key];
          const text = def
            ? formatAttrValue(def, value, { locale, optionLists, userName: directory.userName })
            : Array.isArray(value)
              ? value.join(', ')
              : String(value);
          return (
            <div key={key} className="tp-attrform__retireditem" data-testid={`attr-retired-${key}`}>
              <dt>{def ? labelOf(def, locale) : key}</dt>
              <dd>{text}</dd>
            </div>
          );
        })}
      </dl>
    </section>
  );
}
