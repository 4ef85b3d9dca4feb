import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { OPTION_COLORS, type OptionColor, type OptionList } from '../../../../../shared/templates/schema';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { Button, ConfirmDialog, EmptyState, hasModKey, Icon } from '../../../ui';
import { useTemplateDefinitions } from '../../templates/hooks/useTemplates';
import { labelOf } from '../../templates/utils/attrFormat';
import {
  addValue,
  checkOptionList,
  emptyOptionList,
  moveItem,
  setValueLabelEn,
  type OptionListErrors,
} from '../utils/optionListForm';
import { AdminErrorBanner } from './AdminErrorBanner';

/**
 * The org's option lists (SPEC §3 "Option lists"): the values select fields offer, with stable keys,
 * labels in both languages, a colour and an active flag; order is the list's. A value records use can
 * only be deactivated: removing it is refused by the server, which says how many records hold it.
 */
export function OptionListsTab({ onDirtyChange }: { onDirtyChange: (dirty: boolean) => void }) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { optionLists } = useTemplateDefinitions();
  const [selected, setSelected] = useState<string | null>(null);
  const [creating, setCreating] = useState<OptionList | null>(null);
  const [dirty, setDirty] = useState(false);
  const [ask, setAsk] = useState<(() => void) | null>(null);
  const current = creating ?? optionLists.find((l) => l.key === selected) ?? optionLists[0] ?? null;
  const guarded = (go: () => void) => (dirty ? setAsk(() => go) : go());
  const changeDirty = (d: boolean) => {
    setDirty(d);
    onDirtyChange(d);
  };

  return (
    <div className="tp-designer" data-testid="designer-lists">
      <aside className="tp-designer__rail tp-card" aria-label={t('designer.lists.title')}>
        <div className="tp-designer__railhead">
          <span>{t('designer.lists.title')}</span>
          <Button
            size="sm"
            variant="ghost"
            icon="plus"
            onClick={() => guarded(() => setCreating(emptyOptionList(optionLists)))}
            data-testid="lists-new"
          >
            {t('designer.lists.newList')}
          </Button>
        </div>
        <nav className="tp-designer__railbody">
          {optionLists.length === 0 && !creating ? (
            <p className="tp-designer__none">{t('designer.lists.empty')}</p>
          ) : null}
          {creating ? (
            <button type="button" className="tp-designer__item tp-designer__item--on" aria-current="true">
              <span className="tp-designer__itemname">
                {labelOf(creating, locale) || t('designer.lists.untitled')}
              </span>
            </button>
          ) : null}
          {optionLists.map((l) => (
            <button
              key={l.key}
              type="button"
              className={
                !creating && l.key === current?.key
                  ? 'tp-designer__item tp-designer__item--on'
                  : 'tp-designer__item'
              }
              aria-current={!creating && l.key === current?.key ? 'true' : undefined}
              onClick={() =>
                guarded(() => {
                  setCreating(null);
                  setSelected(l.key);
                })
              }
              data-testid="lists-item"
              data-key={l.key}
            >
              <span className="tp-designer__itemname">{labelOf(l, locale)}</span>
              <span className="tp-designer__itemmeta">
                <span className="tp-listswatches" aria-hidden="true">
                  {l.values
                    .filter((v) => v.active)
                    .slice(0, 6)
                    .map((v) => (
                      <span key={v.key} className={`tp-chip__dot tp-optcolor--${v.color}`} />
                    ))}
                </span>
                {t('designer.lists.count', { count: l.values.length })}
              </span>
            </button>
          ))}
        </nav>
      </aside>
      <div className="tp-designer__main">
        {current ? (
          <OptionListEditor
            key={creating ? 'new' : current.key}
            list={current}
            isNew={creating !== null}
            taken={new Set(optionLists.map((l) => l.key))}
            onDirtyChange={changeDirty}
            onSaved={(saved) => {
              changeDirty(false);
              setCreating(null);
              setSelected(saved.key);
            }}
          />
        ) : (
          <section className="tp-card">
            <EmptyState icon="list" title={t('designer.lists.empty')} body={t('designer.lists.emptyBody')} />
          </section>
        )}
      </div>
      {ask ? (
        <ConfirmDialog
          title={t('designer.leaveTitle')}
          body={t('designer.leaveBody')}
          confirmLabel={t('designer.leaveConfirm')}
          cancelLabel={t('designer.leaveStay')}
          closeLabel={t('common.close')}
          busy={false}
          onConfirm={() => {
            changeDirty(false);
            ask();
            setAsk(null);
          }}
          onClose={() => setAsk(null)}
        />
      ) : null}
    </div>
  );
}

function OptionListEditor({
  list,
  isNew,
  taken,
  onDirtyChange,
  onSaved,
}: {
  list: OptionList;
  isNew: boolean;
  taken: ReadonlySet<string>;
  onDirtyChange: (dirty: boolean) => void;
  onSaved: (list: OptionList) => void;
}) {
  const { t } = useTranslation();
  const { locale, patchCatalog, showToast } = useAppStore(
    useShallow((s) => ({ locale: s.locale, patchCatalog: s.patchCatalog, showToast: s.showToast })),
  );
  const [draft, setDraft] = useState<OptionList>(() => structuredClone(list));
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<AppErrorData | null>(null);
  const savedKeys = new Set(isNew ? [] : list.values.map((v) => v.key));
  const dirty = JSON.stringify(draft) !== JSON.stringify(list);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const { errors, value } = checkOptionList(draft);
  const keyTaken = isNew && taken.has(draft.key);
  const shown: OptionListErrors = submitted ? errors : {};
  const msg = (path: string) => {
    const p = shown[path];
    return p ? t(`validation.${p.key}`, p.params ?? {}) : null;
  };
  const setValue = (index: number, patch: Partial<OptionList['values'][number]>) =>
    setDraft((d) => ({ ...d, values: d.values.map((v, i) => (i === index ? { ...v, ...patch } : v)) }));

  const save = async () => {
    setSubmitted(true);
    if (!value || keyTaken || saving) return;
    setSaving(true);
    setError(null);
    try {
      await getApi().call('admin.optionLists.save', value);
      patchCatalog({ optionList: value });
      showToast(t('designer.lists.saved', { name: labelOf(value, locale) }));
      onSaved(value);
    } catch (err) {
      setError(toAppErrorData(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <section
      className="tp-card"
      data-testid="list-editor"
      data-key={draft.key}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && hasModKey(e)) {
          e.preventDefault();
          void save();
        }
      }}
    >
      <header className="tp-card__header">
        <div className="tp-listeditor__names">
          <label className="tp-tpleditor__name">
            <span>{t('designer.labelZh')}</span>
            <input
              className="tp-input"
              lang="zh-CN"
              value={draft.labelZh}
              aria-invalid={!!msg('labelZh') || undefined}
              onChange={(e) => setDraft((d) => ({ ...d, labelZh: e.target.value }))}
              data-testid="list-labelZh"
            />
          </label>
          <label className="tp-tpleditor__name">
            <span>{t('designer.labelEn')}</span>
            <input
              className="tp-input"
              lang="en"
              value={draft.labelEn}
              aria-invalid={!!msg('labelEn') || undefined}
              onChange={(e) => setDraft((d) => ({ ...d, labelEn: e.target.value }))}
              data-testid="list-labelEn"
            />
          </label>
          <label className="tp-tpleditor__name">
            <span>{t('designer.key')}</span>
            <input
              className="tp-input tp-mono"
              value={draft.key}
              readOnly={!isNew}
              title={isNew ? undefined : t('designer.keyFixed')}
              aria-invalid={keyTaken || !!msg('key') || undefined}
              onChange={(e) => setDraft((d) => ({ ...d, key: e.target.value }))}
              data-testid="list-key"
              spellCheck={false}
            />
          </label>
        </div>
        <div className="tp-tpleditor__actions">
          <Button
            onClick={() => setDraft(structuredClone(list))}
            disabled={!dirty || saving}
            data-testid="list-reset"
          >
            {t('designer.discard')}
          </Button>
          <Button
            variant="primary"
            icon="check"
            busy={saving}
            disabled={!dirty}
            onClick={() => void save()}
            data-testid="list-save"
          >
            {t('common.save')}
          </Button>
        </div>
      </header>
      {error ? (
        <AdminErrorBanner
          error={error}
          testId="list-error"
          // The refusal names the value by key; the admin knows it by the label the saved list gives it.
          valueLabel={(key) => {
            const held = list.values.find((v) => v.key === key);
            return held ? labelOf(held, locale) : undefined;
          }}
        />
      ) : null}
      {submitted && (keyTaken || msg('key') || msg('labelZh') || msg('labelEn') || msg('values')) ? (
        <p className="tp-settings__listerror" role="alert" data-testid="error-list">
          <Icon name="alert" size={14} />
          {keyTaken
            ? t('designer.keyTaken')
            : (msg('values') ?? msg('key') ?? t('designer.lists.namesRequired'))}
        </p>
      ) : null}
      <div className="tp-opttable tp-opttable--values" role="table" aria-label={t('designer.lists.values')}>
        <div className="tp-opttable__row tp-opttable__row--head" role="row">
          <span role="columnheader">{t('settings.order')}</span>
          <span role="columnheader">{t('settings.key')}</span>
          <span role="columnheader">{t('settings.labelZh')}</span>
          <span role="columnheader">{t('settings.labelEn')}</span>
          <span role="columnheader">{t('designer.lists.color')}</span>
          <span role="columnheader">{t('settings.active')}</span>
          <span role="columnheader" className="tp-visually-hidden">
            {t('common.delete')}
          </span>
        </div>
        {draft.values.map((v, i) => {
          const saved = savedKeys.has(v.key);
          const name = `${v.labelZh || v.key}`;
          return (
            <div
              key={saved ? v.key : `new-${i}`}
              className={`tp-opttable__row${v.active ? '' : ' tp-opttable__row--inactive'}`}
              role="row"
              data-testid="list-value"
              data-key={v.key}
              data-active={String(v.active)}
            >
              <span className="tp-opttable__order" role="cell">
                <button
                  type="button"
                  className="tp-iconbtn"
                  aria-label={t('settings.moveUp')}
                  title={t('settings.moveUp')}
                  disabled={i === 0}
                  onClick={() => setDraft((d) => ({ ...d, values: moveItem(d.values, i, -1) }))}
                  data-testid="value-move-up"
                >
                  <Icon name="arrowUp" size={13} />
                </button>
                <button
                  type="button"
                  className="tp-iconbtn"
                  aria-label={t('settings.moveDown')}
                  title={t('settings.moveDown')}
                  disabled={i === draft.values.length - 1}
                  onClick={() => setDraft((d) => ({ ...d, values: moveItem(d.values, i, 1) }))}
                  data-testid="value-move-down"
                >
                  <Icon name="arrowDown" size={13} />
                </button>
              </span>
              <span className="tp-opttable__cell" role="cell">
                <input
                  className="tp-input tp-mono tp-input--sm"
                  value={v.key}
                  readOnly={saved}
                  title={saved ? t('designer.keyFixed') : undefined}
                  aria-label={`${name} · ${t('settings.key')}`}
                  aria-invalid={!!msg(`values.${i}.key`) || undefined}
                  onChange={(e) => setValue(i, { key: e.target.value })}
                  data-testid="value-key"
                  spellCheck={false}
                />
                {msg(`values.${i}.key`) ? (
                  <span className="tp-opttable__error">{msg(`values.${i}.key`)}</span>
                ) : null}
              </span>
              <span className="tp-opttable__cell" role="cell">
                <input
                  className="tp-input tp-input--sm"
                  lang="zh-CN"
                  value={v.labelZh}
                  aria-label={`${name} · ${t('settings.labelZh')}`}
                  aria-invalid={!!msg(`values.${i}.labelZh`) || undefined}
                  onChange={(e) => setValue(i, { labelZh: e.target.value })}
                  data-testid="value-labelZh"
                />
                {msg(`values.${i}.labelZh`) ? (
                  <span className="tp-opttable__error">{msg(`values.${i}.labelZh`)}</span>
                ) : null}
              </span>
              <span className="tp-opttable__cell" role="cell">
                <input
                  className="tp-input tp-input--sm"
                  lang="en"
                  value={v.labelEn}
                  aria-label={`${name} · ${t('settings.labelEn')}`}
                  aria-invalid={!!msg(`values.${i}.labelEn`) || undefined}
                  onChange={(e) => setDraft((d) => setValueLabelEn(d, i, e.target.value, savedKeys))}
                  data-testid="value-labelEn"
                />
                {msg(`values.${i}.labelEn`) ? (
                  <span className="tp-opttable__error">{msg(`values.${i}.labelEn`)}</span>
                ) : null}
              </span>
              <span className="tp-opttable__cell tp-colorcell" role="cell">
                <span
                  className={`tp-chip__dot tp-colorcell__dot tp-optcolor--${v.color}`}
                  aria-hidden="true"
                />
                <select
                  className="tp-input tp-select tp-input--sm"
                  value={v.color}
                  aria-label={`${name} · ${t('designer.lists.color')}`}
                  onChange={(e) => setValue(i, { color: e.target.value as OptionColor })}
                  data-testid="value-color"
                >
                  {OPTION_COLORS.map((c) => (
                    <option key={c} value={c}>
                      {t(`designer.colors.${c}`)}
                    </option>
                  ))}
                </select>
              </span>
              <span className="tp-opttable__active" role="cell">
                <label className="tp-switch">
                  <input
                    type="checkbox"
                    checked={v.active}
                    aria-label={`${name} · ${t('settings.active')}`}
                    onChange={(e) => setValue(i, { active: e.target.checked })}
                    data-testid="value-active"
                  />
                  <span>{v.active ? t('settings.on') : t('settings.off')}</span>
                </label>
              </span>
              <span role="cell">
                <button
                  type="button"
                  className="tp-iconbtn tp-iconbtn--danger"
                  aria-label={t('designer.lists.removeValue', { name })}
                  title={
                    saved ? t('designer.lists.removeSavedHint') : t('designer.lists.removeValue', { name })
                  }
                  onClick={() => setDraft((d) => ({ ...d, values: d.values.filter((_, j) => j !== i) }))}
                  data-testid="value-remove"
                >
                  <Icon name="trash" size={13} />
                </button>
              </span>
            </div>
          );
        })}
      </div>
      <div className="tp-listeditor__foot">
        <Button
          size="sm"
          variant="ghost"
          icon="plus"
          onClick={() => setDraft((d) => addValue(d))}
          data-testid="list-add-value"
        >
          {t('designer.lists.addValue')}
        </Button>
        <span className="tp-listeditor__hint">{t('designer.lists.hint')}</span>
      </div>
    </section>
  );
}
