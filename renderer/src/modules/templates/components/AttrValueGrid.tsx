import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDef, OptionList, TemplateShape } from '../../../../../shared/templates/schema';
import { isEmptyValue, visibleFieldKeys } from '../../../../../shared/templates/validate';
import { useAppStore } from '../../../app/store';
import type { Locale } from '../../../i18n/locale';
import { Icon } from '../../../ui';
import { useUserDirectory } from '../hooks/useTemplates';
import {
  formatAttrValue,
  labelOf,
  optionListOf,
  optionOf,
  type AttrFormatContext,
} from '../utils/attrFormat';
import { ratingMax } from '../utils/attrValues';

/**
 * A record's business profile to read (not edit): each section of the template with the fields its
 * conditions show, laid out at their widths; an empty value reads "—". Multi-select values keep their
 * option colours, ratings their stars.
 */
export function AttrValueGrid({
  shape,
  values,
  optionLists,
  testId = 'attr-view',
  emptyText,
  wide = false,
}: {
  /** A full-width card: a denser grid (three halves or four thirds to a row). */
  wide?: boolean;
  shape: TemplateShape;
  values: Readonly<Record<string, unknown>>;
  optionLists: readonly OptionList[];
  testId?: string;
  emptyText?: string;
}) {
  const locale = useAppStore((s) => s.locale);
  const directory = useUserDirectory(shape.fields.some((f) => f.type === 'user'));
  const visible = visibleFieldKeys(shape, values);
  const defs = new Map(shape.fields.map((f) => [f.key, f]));
  const ctx: AttrFormatContext = { locale, optionLists, userName: directory.userName };
  return (
    <div className={wide ? 'tp-attrview tp-attrview--wide' : 'tp-attrview'} data-testid={testId}>
      {shape.sections.map((section) => {
        const shown = section.fields.filter((f) => visible.has(f.field) && defs.has(f.field));
        if (shown.length === 0) return null;
        return (
          <section
            key={section.key}
            className="tp-attrview__section"
            data-testid={`attr-view-section-${section.key}`}
          >
            <h3 className="tp-attrform__title">{labelOf(section, locale)}</h3>
            <dl className="tp-attrform__grid tp-attrview__grid">
              {shown.map((placement) => {
                const def = defs.get(placement.field) as FieldDef;
                const value = values[def.key];
                return (
                  <div
                    key={def.key}
                    className={`tp-attrform__cell tp-attrform__cell--${placement.width} tp-attrview__item`}
                    data-testid={`attr-value-${def.key}`}
                    data-empty={isEmptyValue(value) || undefined}
                  >
                    <dt>{labelOf(def, locale)}</dt>
                    <dd>
                      {isEmptyValue(value) ? (
                        <span className="tp-muted">{emptyText ?? '—'}</span>
                      ) : (
                        <AttrValue def={def} value={value} ctx={ctx} />
                      )}
                    </dd>
                  </div>
                );
              })}
            </dl>
          </section>
        );
      })}
    </div>
  );
}

/** One value in words, with colour for options and stars for ratings. */
export function AttrValue({
  def,
  value,
  ctx,
}: {
  def: FieldDef;
  value: unknown;
  ctx: AttrFormatContext;
}): ReactNode {
  const { t } = useTranslation();
  if (def.type === 'multiSelect' || def.type === 'select') {
    const list = optionListOf(def, ctx.optionLists);
    const keys = Array.isArray(value) ? value.map(String) : [String(value)];
    return (
      <span className="tp-attrview__chips">
        {keys.map((k) => {
          const o = optionOf(list, k);
          return (
            <span
              key={k}
              className={`tp-chip tp-chip--static tp-optcolor--${o.color}${o.active ? '' : ' tp-chip--inactive'}`}
              data-inactive={o.active ? undefined : 'true'}
            >
              <span className="tp-chip__dot" aria-hidden="true" />
              {labelOf(o, ctx.locale)}
              {o.active ? null : <span className="tp-chip__note">{t('templates.noLongerOffered')}</span>}
            </span>
          );
        })}
      </span>
    );
  }
  if (def.type === 'rating' && typeof value === 'number') {
    return <Stars value={value} max={ratingMax(def)} locale={ctx.locale} />;
  }
  const text = formatAttrValue(def, value, ctx);
  const mono = def.type === 'phone' || def.type === 'email' || def.type === 'url';
  return (
    <span className={mono ? 'tp-mono' : def.type === 'longText' ? 'tp-attrview__long' : undefined}>
      {text}
    </span>
  );
}

function Stars({ value, max, locale }: { value: number; max: number; locale: Locale }) {
  return (
    <span
      className="tp-attrview__stars"
      aria-label={locale === 'en' ? `${value} of ${max}` : `${value} / ${max} 星`}
    >
      {Array.from({ length: max }, (_, i) => (
        <Icon key={i} name="star" size={14} className={i < value ? 'tp-star--on' : 'tp-star--off'} />
      ))}
    </span>
  );
}
