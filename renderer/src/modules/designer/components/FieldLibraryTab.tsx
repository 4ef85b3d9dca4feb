import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FIELD_TYPES, type FieldDef, type FieldType } from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import { Badge, Button, EmptyState, Icon } from '../../../ui';
import { useTemplateDefinitions } from '../../templates/hooks/useTemplates';
import { labelOf } from '../../templates/utils/attrFormat';
import { FieldEditorDialog } from './FieldEditorDialog';

/**
 * The field library: every field templates can place, with its type, list, rules and flags. A field is
 * never deleted (records hold its values): it is deactivated, and templates stop offering it.
 */
export function FieldLibraryTab({ onDirtyChange }: { onDirtyChange: (dirty: boolean) => void }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { catalog, optionLists } = useTemplateDefinitions();
  const [editing, setEditing] = useState<{ def: FieldDef | null; type?: FieldType } | null>(null);
  const [query, setQuery] = useState('');
  const [type, setType] = useState<FieldType | ''>('');
  const fields = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (catalog?.fields ?? []).filter(
      (f) =>
        (!type || f.type === type) &&
        (!q ||
          f.key.includes(q) ||
          f.labelZh.toLowerCase().includes(q) ||
          f.labelEn.toLowerCase().includes(q)),
    );
  }, [catalog, query, type]);

  return (
    <section className="tp-card" data-testid="designer-library">
      <header className="tp-card__header">
        <div>
          <h2 className="tp-card__title">{t('designer.library.title')}</h2>
          <p className="tp-settings__cardbody">{t('designer.library.body')}</p>
        </div>
        <div className="tp-library__tools">
          <label className="tp-search tp-search--sm">
            <Icon name="search" size={14} />
            <input
              type="search"
              className="tp-search__input"
              placeholder={t('designer.library.search')}
              aria-label={t('designer.library.search')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              data-testid="library-search"
            />
          </label>
          <select
            className="tp-input tp-select tp-input--sm tp-library__type"
            value={type}
            aria-label={t('designer.library.typeFilter')}
            onChange={(e) => setType(e.target.value as FieldType | '')}
            data-testid="library-type-filter"
          >
            <option value="">{t('designer.library.allTypes')}</option>
            {FIELD_TYPES.map((x) => (
              <option key={x} value={x}>
                {t(`designer.types.${x}`)}
              </option>
            ))}
          </select>
          <Button
            variant="primary"
            size="sm"
            icon="plus"
            onClick={() => setEditing({ def: null })}
            data-testid="library-new-field"
          >
            {t('designer.library.newField')}
          </Button>
        </div>
      </header>
      {fields.length === 0 ? (
        <EmptyState
          icon="library"
          title={catalog?.fields.length ? t('designer.library.noMatch') : t('designer.library.empty')}
        />
      ) : (
        <div className="tp-library" role="table" aria-label={t('designer.library.title')}>
          <div className="tp-library__row tp-library__row--head" role="row">
            <span role="columnheader">{t('designer.library.name')}</span>
            <span role="columnheader">{t('designer.library.type')}</span>
            <span role="columnheader">{t('designer.library.rules')}</span>
            <span role="columnheader">{t('designer.library.flags')}</span>
            <span role="columnheader" className="tp-visually-hidden">
              {t('common.edit')}
            </span>
          </div>
          {fields.map((f) => {
            const list = f.optionList ? optionLists.find((l) => l.key === f.optionList) : undefined;
            const rules = [
              f.validation.required ? t('designer.required') : null,
              f.validation.unique ? t('designer.library.unique') : null,
              f.validation.min !== null || f.validation.max !== null ? t('designer.library.bounded') : null,
              f.validation.pattern ? t('designer.library.pattern') : null,
            ].filter(Boolean);
            return (
              <div
                key={f.key}
                className={f.active ? 'tp-library__row' : 'tp-library__row tp-library__row--inactive'}
                role="row"
                data-testid="library-field"
                data-key={f.key}
                data-active={String(f.active)}
              >
                <span role="cell" className="tp-library__name">
                  <strong>{labelOf(f, locale)}</strong>
                  <code>{f.key}</code>
                </span>
                <span role="cell">
                  {t(`designer.types.${f.type}`)}
                  {list ? <span className="tp-library__sub">{labelOf(list, locale)}</span> : null}
                  {f.currency ? <span className="tp-library__sub">{f.currency}</span> : null}
                </span>
                <span role="cell" className="tp-library__sub">
                  {rules.length > 0 ? rules.join(' · ') : '—'}
                </span>
                <span role="cell" className="tp-library__flags">
                  {f.searchable ? <Badge tone="brand">{t('designer.library.searchable')}</Badge> : null}
                  {f.active ? null : <Badge>{t('designer.inactive')}</Badge>}
                </span>
                <span role="cell">
                  <Button
                    size="sm"
                    variant="ghost"
                    icon="edit"
                    onClick={() => setEditing({ def: f })}
                    data-testid="library-edit"
                  >
                    {t('common.edit')}
                  </Button>
                </span>
              </div>
            );
          })}
        </div>
      )}
      {editing ? (
        <FieldEditorDialog
          def={editing.def}
          taken={new Set((catalog?.fields ?? []).map((f) => f.key))}
          onDirtyChange={onDirtyChange}
          onClose={() => {
            onDirtyChange(false);
            setEditing(null);
          }}
          onSaved={() => {
            onDirtyChange(false);
            setEditing(null);
          }}
        />
      ) : null}
    </section>
  );
}
