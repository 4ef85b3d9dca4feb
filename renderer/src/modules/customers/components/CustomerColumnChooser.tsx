import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import { Icon, Popover } from '../../../ui';
import { labelOf } from '../../templates/utils/attrFormat';
import { toggleColumn } from '../utils/attrColumns';

/**
 * "列": which searchable template fields the customer table shows after its base columns. Each change
 * applies at once and is kept for this user (`utils/attrColumns.ts`).
 */
export function CustomerColumnChooser({
  available,
  chosen,
  onChange,
}: {
  available: readonly FieldDef[];
  chosen: readonly string[];
  onChange: (keys: string[]) => void;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const shown = chosen.filter((k) => available.some((f) => f.key === k)).length;
  return (
    <Popover
      button={
        <>
          <Icon name="columns" size={15} />
          {t('columns.button')}
          {shown > 0 ? <span className="tp-countpill">{shown}</span> : null}
        </>
      }
      buttonTestId="column-chooser"
      panelTestId="column-chooser-panel"
      panelLabel={t('columns.title')}
      align="end"
      width={280}
    >
      <div className="tp-colchooser">
        <p className="tp-colchooser__title">{t('columns.title')}</p>
        {available.length === 0 ? (
          <p className="tp-colchooser__empty" data-testid="column-chooser-empty">
            {t('columns.none')}
          </p>
        ) : (
          <ul className="tp-colchooser__list">
            {available.map((f) => (
              <li key={f.key}>
                <label className="tp-colchooser__item">
                  <input
                    type="checkbox"
                    checked={chosen.includes(f.key)}
                    onChange={() => onChange(toggleColumn(chosen, f.key))}
                    data-testid={`column-option-${f.key}`}
                  />
                  <span>{labelOf(f, locale)}</span>
                  <span className="tp-colchooser__type">{t(`designer.types.${f.type}`)}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {shown > 0 ? (
          <button
            type="button"
            className="tp-linkbtn"
            onClick={() => onChange([])}
            data-testid="column-chooser-reset"
          >
            {t('columns.reset')}
          </button>
        ) : null}
        <p className="tp-colchooser__hint">{t('columns.hint')}</p>
      </div>
    </Popover>
  );
}
