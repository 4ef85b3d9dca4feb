import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttrFilter } from '../../../../../shared/templates/filter';
import { MAX_ATTR_FILTERS } from '../../../../../shared/templates/filter';
import type { FieldDef } from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import { currencySymbol } from '../../../i18n/format';
import { Button, Icon, Menu, Popover } from '../../../ui';
import { useTemplateDefinitions, useUserDirectory } from '../hooks/useTemplates';
import { labelOf, optionListOf, type AttrFormatContext } from '../utils/attrFormat';
import {
  describeFilter,
  draftOf,
  emptyFilterDraft,
  filterKind,
  removeFilter,
  setFilter,
  toAttrFilter,
  type AttrFilterDraft,
  type FilterMode,
  type FilterProblem,
} from '../utils/attrFilters';
import { moneyCurrency } from '../utils/attrValues';

/**
 * The filter bar over template fields (SPEC §8): "+ 筛选" offers the searchable fields, each applied
 * filter is a chip that says what it asks ("年营收 ¥100万 – ¥500万") and opens its editor, × removes it.
 * All filters must match; the list asks the core (`attrFilters`), which answers from its index.
 */
export function AttrFilterBar({
  fields,
  filters,
  onChange,
}: {
  fields: readonly FieldDef[];
  filters: readonly AttrFilter[];
  onChange: (filters: AttrFilter[]) => void;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { optionLists } = useTemplateDefinitions();
  const directory = useUserDirectory(fields.some((f) => f.type === 'user'));
  // A field just picked from "+ 筛选": its chip shows with the editor open until applied or dismissed.
  const [adding, setAdding] = useState<string | null>(null);
  const [openField, setOpenField] = useState<string | null>(null);
  const defs = new Map(fields.map((f) => [f.key, f]));
  const ctx: AttrFormatContext = { locale, optionLists, userName: directory.userName };
  const words = {
    empty: t('filters.isEmpty'),
    notEmpty: t('filters.isNotEmpty'),
    contains: (text: string) => t('filters.containsText', { text }),
    atLeast: (v: string) => t('filters.atLeast', { value: v }),
    atMost: (v: string) => t('filters.atMost', { value: v }),
  };
  if (fields.length === 0 && filters.length === 0) return null;
  const offered = fields.filter((f) => !filters.some((x) => x.field === f.key) && f.key !== adding);
  const chips: { def: FieldDef; filter: AttrFilter | null }[] = [
    ...filters.flatMap((f) => {
      const def = defs.get(f.field);
      return def ? [{ def, filter: f }] : [];
    }),
    ...(adding && defs.get(adding) ? [{ def: defs.get(adding) as FieldDef, filter: null }] : []),
  ];

  return (
    <div className="tp-filterbar" data-testid="attr-filter-bar" data-count={filters.length}>
      <span className="tp-filterbar__label">
        <Icon name="filter" size={14} />
        {t('filters.label')}
      </span>
      {chips.map(({ def, filter }) => (
        <span
          key={def.key}
          className={filter ? 'tp-filterchip' : 'tp-filterchip tp-filterchip--draft'}
          data-testid="attr-filter-chip"
          data-field={def.key}
        >
          <Popover
            button={
              <>
                <span className="tp-filterchip__field">{labelOf(def, locale)}</span>
                <span className="tp-filterchip__value">
                  {filter ? describeFilter(def, filter, ctx, words) : t('filters.choose')}
                </span>
              </>
            }
            buttonClassName="tp-filterchip__button"
            buttonTestId="attr-filter-open"
            panelTestId="attr-filter-editor"
            panelLabel={labelOf(def, locale)}
            width={300}
            open={openField === def.key}
            onOpenChange={(open) => {
              setOpenField(open ? def.key : null);
              if (!open && !filter) setAdding(null);
            }}
          >
            <FilterEditor
              def={def}
              initial={filter ? draftOf(def, filter) : emptyFilterDraft(def.key)}
              onApply={(next) => {
                onChange(setFilter(filters, next));
                setAdding(null);
                setOpenField(null);
              }}
            />
          </Popover>
          <button
            type="button"
            className="tp-filterchip__remove"
            aria-label={t('filters.remove', { field: labelOf(def, locale) })}
            title={t('filters.remove', { field: labelOf(def, locale) })}
            data-testid="attr-filter-remove"
            onClick={() => {
              if (filter) onChange(removeFilter(filters, def.key));
              else setAdding(null);
              setOpenField(null);
            }}
          >
            <Icon name="close" size={12} />
          </button>
        </span>
      ))}
      {offered.length > 0 && filters.length < MAX_ATTR_FILTERS ? (
        <Menu
          label={
            <>
              <Icon name="plus" size={13} />
              {t('filters.add')}
            </>
          }
          icon="chevronDown"
          buttonClassName="tp-btn tp-btn--ghost tp-btn--sm"
          buttonTestId="attr-filter-add"
          heading={t('filters.addHeading')}
          items={offered.map((f) => ({
            key: f.key,
            label: labelOf(f, locale),
            hint: t(`designer.types.${f.type}`),
            attrs: { 'data-testid': `attr-filter-field-${f.key}` },
          }))}
          onSelect={(key) => {
            setAdding(key);
            setOpenField(key);
          }}
        />
      ) : null}
      {filters.length > 0 ? (
        <button
          type="button"
          className="tp-linkbtn tp-filterbar__clear"
          onClick={() => onChange([])}
          data-testid="attr-filter-clear-all"
        >
          {t('filters.clearAll')}
        </button>
      ) : null}
    </div>
  );
}

/** One filter's editor, by the field's type; Enter or "应用" applies it. */
function FilterEditor({
  def,
  initial,
  onApply,
}: {
  def: FieldDef;
  initial: AttrFilterDraft;
  onApply: (filter: AttrFilter) => void;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { optionLists } = useTemplateDefinitions();
  const { users } = useUserDirectory(def.type === 'user');
  const [draft, setDraft] = useState<AttrFilterDraft>(initial);
  const [problem, setProblem] = useState<FilterProblem | null>(null);
  const kind = filterKind(def);
  const set = (patch: Partial<AttrFilterDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setProblem(null);
  };
  const apply = (e?: FormEvent) => {
    e?.preventDefault();
    const result = toAttrFilter(def, draft);
    if ('problem' in result) setProblem(result.problem);
    else onApply(result.filter);
  };
  const toggle = (v: string) =>
    set({ values: draft.values.includes(v) ? draft.values.filter((x) => x !== v) : [...draft.values, v] });

  const choices: { value: string; label: string; color?: string }[] =
    kind === 'options'
      ? (optionListOf(def, optionLists)?.values ?? []).map((o) => ({
          value: o.key,
          label: `${labelOf(o, locale)}${o.active ? '' : ` (${t('designer.inactive')})`}`,
          color: o.color,
        }))
      : kind === 'user'
        ? users.map((u) => ({ value: u.id, label: u.displayName }))
        : kind === 'boolean'
          ? [
              { value: 'true', label: t('templates.yes') },
              { value: 'false', label: t('templates.no') },
            ]
          : [];
  const unit =
    def.type === 'money' ? currencySymbol(moneyCurrency(def), locale) : def.type === 'percent' ? '%' : null;
  const modes: FilterMode[] = ['value', 'notEmpty', 'empty'];

  return (
    <form className="tp-filtereditor" onSubmit={apply} noValidate>
      <div className="tp-filtereditor__modes" role="radiogroup" aria-label={t('filters.modeLabel')}>
        {modes.map((m) => (
          <label
            key={m}
            className={draft.mode === m ? 'tp-attr__segment tp-attr__segment--on' : 'tp-attr__segment'}
          >
            <input
              type="radio"
              name={`filter-mode-${def.key}`}
              checked={draft.mode === m}
              onChange={() => set({ mode: m })}
              data-testid={`attr-filter-mode-${m}`}
            />
            {t(`filters.modes.${m}`)}
          </label>
        ))}
      </div>
      {draft.mode === 'value' ? (
        kind === 'options' || kind === 'user' || kind === 'boolean' ? (
          <ul className="tp-filtereditor__options">
            {choices.map((c) => (
              <li key={c.value}>
                <label className="tp-colchooser__item">
                  <input
                    type="checkbox"
                    checked={draft.values.includes(c.value)}
                    onChange={() => toggle(c.value)}
                    data-testid={`attr-filter-option-${c.value}`}
                  />
                  {c.color ? (
                    <span className={`tp-chip__dot tp-optcolor--${c.color}`} aria-hidden="true" />
                  ) : null}
                  <span>{c.label}</span>
                </label>
              </li>
            ))}
          </ul>
        ) : kind === 'text' ? (
          <input
            className="tp-input"
            placeholder={t('filters.containsPlaceholder')}
            aria-label={t('filters.containsPlaceholder')}
            value={draft.text}
            onChange={(e) => set({ text: e.target.value })}
            data-testid="attr-filter-text"
            data-autofocus
          />
        ) : (
          <div className="tp-filtereditor__range">
            {(['min', 'max'] as const).map((end) => (
              <label key={end} className="tp-filtereditor__bound">
                <span>{t(kind === 'dateRange' ? `filters.${end}Date` : `filters.${end}`)}</span>
                {def.type === 'money' && unit ? (
                  <span className="tp-attr__affixed tp-attr__affixed--prefix">
                    <span className="tp-attr__affix" aria-hidden="true">
                      {unit}
                    </span>
                    <RangeInput
                      kind={kind}
                      end={end}
                      value={draft[end]}
                      onChange={(v) => set({ [end]: v })}
                    />
                  </span>
                ) : (
                  <RangeInput kind={kind} end={end} value={draft[end]} onChange={(v) => set({ [end]: v })} />
                )}
              </label>
            ))}
            {unit === '%' ? <span className="tp-filtereditor__unit">%</span> : null}
          </div>
        )
      ) : null}
      {problem ? (
        <p className="tp-field__error" role="alert" data-testid="attr-filter-problem">
          {t(`filters.problems.${problem}`)}
        </p>
      ) : null}
      <div className="tp-filtereditor__actions">
        <Button type="submit" variant="primary" size="sm" data-testid="attr-filter-apply">
          {t('filters.apply')}
        </Button>
      </div>
    </form>
  );
}

function RangeInput({
  kind,
  end,
  value,
  onChange,
}: {
  kind: string;
  end: 'min' | 'max';
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <input
      className="tp-input tp-num"
      type={kind === 'dateRange' ? 'date' : 'text'}
      inputMode={kind === 'dateRange' ? undefined : 'decimal'}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      data-testid={`attr-filter-${end}`}
      {...(end === 'min' ? { 'data-autofocus': true } : {})}
    />
  );
}
