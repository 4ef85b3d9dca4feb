import { useEffect, useMemo, useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { TemplateDraft } from '../../../../../shared/templates/admin';
import { saveTemplateRequest } from '../../../../../shared/templates/admin';
import {
  CATEGORY_SOURCE,
  FIELD_WIDTHS,
  type Condition,
  type FieldDef,
  type TemplateLayout,
} from '../../../../../shared/templates/schema';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { Badge, Button, ConfirmDialog, Icon, Menu } from '../../../ui';
import { useTemplateDefinitions } from '../../templates/hooks/useTemplates';
import { labelOf } from '../../templates/utils/attrFormat';
import { ruleCount } from '../utils/conditionModel';
import {
  addSection,
  conditionDependents,
  layoutProblems,
  moveField,
  moveFieldBy,
  moveSection,
  placeField,
  placedFieldKeys,
  removeField,
  removeSection,
  renameSection,
  sameLayout,
  updatePlacement,
  type FieldAt,
} from '../utils/draftOps';
import { AdminErrorBanner } from './AdminErrorBanner';
import { ConditionEditorDialog } from './ConditionEditorDialog';
import { DesignerPreview } from './DesignerPreview';

type Draft = { nameZh: string; nameEn: string; category: string; layout: TemplateLayout };

function draftOf(t: TemplateDraft): Draft {
  return {
    nameZh: t.nameZh,
    nameEn: t.nameEn,
    category: t.category ?? '',
    layout: structuredClone(t.layout),
  };
}

function sameDraft(a: Draft, b: Draft): boolean {
  return (
    a.nameZh === b.nameZh &&
    a.nameEn === b.nameEn &&
    a.category.trim() === b.category.trim() &&
    sameLayout(a.layout, b.layout)
  );
}

/** Which condition the dialog edits: a placed field's or a section's. */
type ConditionTarget = { kind: 'field'; at: FieldAt } | { kind: 'section'; section: number };

/**
 * One template's draft: names, industry, sections of library fields (drag a row by its handle, or focus
 * the handle and press Alt+↑/↓, or use the arrows), widths, required and read-only marks, visibility
 * conditions; a live preview beside it renders the draft with the same dynamic form reps will use.
 * "保存草稿" stores it on the server; "发布" makes version n+1 that every device gets by sync.
 */
export function TemplateEditor({
  template,
  onDirtyChange,
  onSaved,
}: {
  template: TemplateDraft;
  onDirtyChange: (dirty: boolean) => void;
  onSaved: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const { showToast, loadTemplates } = useAppStore(
    useShallow((s) => ({ showToast: s.showToast, loadTemplates: s.loadTemplates })),
  );
  const { catalog, optionLists } = useTemplateDefinitions();
  const library = useMemo(() => catalog?.fields ?? [], [catalog]);
  const defs = useMemo(() => new Map(library.map((f) => [f.key, f])), [library]);
  const [saved, setSaved] = useState<Draft>(() => draftOf(template));
  const [draft, setDraft] = useState<Draft>(() => draftOf(template));
  const [busy, setBusy] = useState<'save' | 'publish' | null>(null);
  const [error, setError] = useState<AppErrorData | null>(null);
  const [confirmPublish, setConfirmPublish] = useState(false);
  const [showProblems, setShowProblems] = useState(false);
  const [condition, setCondition] = useState<ConditionTarget | null>(null);
  const [drag, setDrag] = useState<FieldAt | null>(null);
  const [dropAt, setDropAt] = useState<FieldAt | null>(null);
  // The field whose handle takes the focus after the next render (it just moved, or was added).
  const focusAfter = useRef<string | null>(null);
  const setFocusKey = (key: string) => {
    focusAfter.current = key;
  };
  const canvas = useRef<HTMLDivElement>(null);

  const dirty = !sameDraft(draft, saved);
  useEffect(() => {
    onDirtyChange(dirty);
  }, [dirty, onDirtyChange]);
  useEffect(() => {
    const key = focusAfter.current;
    if (!key) return;
    focusAfter.current = null;
    canvas.current?.querySelector<HTMLElement>(`[data-grip="${key}"]`)?.focus();
  }, [draft]);

  const label = (x: { labelZh: string; labelEn: string }) => labelOf(x, locale);
  const problems = layoutProblems(draft.layout, library, optionLists, label);
  const placed = placedFieldKeys(draft.layout);
  const byCategory = CATEGORY_SOURCE[template.entity] !== null;
  const setLayout = (fn: (l: TemplateLayout) => TemplateLayout) =>
    setDraft((d) => ({ ...d, layout: fn(d.layout) }));
  const request = saveTemplateRequest.safeParse({
    nameZh: draft.nameZh,
    nameEn: draft.nameEn,
    category: byCategory ? draft.category : null,
    layout: draft.layout,
  });

  const save = async (): Promise<boolean> => {
    if (!request.success) {
      setShowProblems(true);
      return false;
    }
    setError(null);
    try {
      await getApi().call('admin.templates.save', { id: template.id, ...request.data });
      setSaved(draft);
      await onSaved();
      return true;
    } catch (err) {
      setError(toAppErrorData(err));
      return false;
    }
  };

  const publish = async () => {
    setConfirmPublish(false);
    setShowProblems(true);
    if (problems.length > 0 || !request.success) return;
    setBusy('publish');
    try {
      if (dirty && !(await save())) return;
      const { number } = await getApi().call('admin.templates.publish', { id: template.id });
      // The core pulls after a publish; re-read the definitions so this device's forms use it at once.
      await loadTemplates();
      await onSaved();
      showToast(
        t('designer.published', { name: label({ labelZh: draft.nameZh, labelEn: draft.nameEn }), n: number }),
      );
    } catch (err) {
      setError(toAppErrorData(err));
    } finally {
      setBusy(null);
    }
  };

  const onGripKey = (e: KeyboardEvent, at: FieldAt, key: string) => {
    if (!e.altKey || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    e.preventDefault();
    setLayout((l) => moveFieldBy(l, at, e.key === 'ArrowUp' ? -1 : 1).layout);
    setFocusKey(key);
  };

  const onRowDragOver = (e: DragEvent<HTMLElement>, at: FieldAt) => {
    if (!drag) return;
    e.preventDefault();
    const box = e.currentTarget.getBoundingClientRect();
    const after = e.clientY > box.top + box.height / 2;
    const next = { section: at.section, index: at.index + (after ? 1 : 0) };
    if (dropAt?.section !== next.section || dropAt.index !== next.index) setDropAt(next);
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    if (drag && dropAt) {
      const key = draft.layout.sections[drag.section]?.fields[drag.index]?.field ?? null;
      setLayout((l) => moveField(l, drag, dropAt));
      if (key) setFocusKey(key);
    }
    setDrag(null);
    setDropAt(null);
  };

  const status =
    template.publishedNumber === null ? (
      <Badge tone="warning">{t('designer.neverPublished')}</Badge>
    ) : template.dirty || dirty ? (
      <Badge tone="info">{t('designer.changedSince', { n: template.publishedNumber })}</Badge>
    ) : (
      <Badge tone="success">{t('designer.publishedAs', { n: template.publishedNumber })}</Badge>
    );

  const conditionOf = (target: ConditionTarget): Condition | null =>
    target.kind === 'field'
      ? (draft.layout.sections[target.at.section]?.fields[target.at.index]?.visibleWhen ?? null)
      : (draft.layout.sections[target.section]?.visibleWhen ?? null);

  return (
    <div
      className="tp-tpleditor"
      data-testid="template-editor"
      data-id={template.id}
      data-dirty={dirty || undefined}
    >
      <section className="tp-card tp-tpleditor__head">
        <div className="tp-tpleditor__names">
          <label className="tp-tpleditor__name">
            <span>{t('designer.nameZh')}</span>
            <input
              className="tp-input"
              lang="zh-CN"
              value={draft.nameZh}
              aria-invalid={!draft.nameZh.trim() || undefined}
              onChange={(e) => setDraft((d) => ({ ...d, nameZh: e.target.value }))}
              data-testid="template-name-zh"
            />
          </label>
          <label className="tp-tpleditor__name">
            <span>{t('designer.nameEn')}</span>
            <input
              className="tp-input"
              lang="en"
              value={draft.nameEn}
              aria-invalid={!draft.nameEn.trim() || undefined}
              onChange={(e) => setDraft((d) => ({ ...d, nameEn: e.target.value }))}
              data-testid="template-name-en"
            />
          </label>
          {byCategory ? (
            <label className="tp-tpleditor__name">
              <span>{t('designer.category')}</span>
              <input
                className="tp-input"
                placeholder={t('designer.defaultCategory')}
                value={draft.category}
                onChange={(e) => setDraft((d) => ({ ...d, category: e.target.value }))}
                data-testid="template-category"
              />
            </label>
          ) : null}
        </div>
        <div className="tp-tpleditor__bar">
          <span
            className="tp-tpleditor__status"
            data-testid="template-status"
            data-published={template.publishedNumber ?? ''}
          >
            {t(`designer.entities.${template.entity}`)}
            {status}
            {dirty ? <span className="tp-tpleditor__unsaved">{t('designer.unsaved')}</span> : null}
          </span>
          <div className="tp-tpleditor__actions">
            <Button
              onClick={() => setDraft(saved)}
              disabled={!dirty || busy !== null}
              data-testid="template-reset"
            >
              {t('designer.discard')}
            </Button>
            <Button
              icon="check"
              busy={busy === 'save'}
              disabled={!dirty || busy !== null}
              onClick={() => {
                setBusy('save');
                void save().finally(() => setBusy(null));
              }}
              data-testid="template-save"
            >
              {t('designer.saveDraft')}
            </Button>
            <Button
              variant="primary"
              icon="upload"
              busy={busy === 'publish'}
              disabled={busy !== null || (!dirty && !template.dirty && template.publishedNumber !== null)}
              onClick={() => {
                setShowProblems(true);
                if (problems.length === 0 && request.success) setConfirmPublish(true);
              }}
              data-testid="template-publish"
            >
              {t('designer.publish')}
            </Button>
          </div>
        </div>
        {error ? <AdminErrorBanner error={error} testId="designer-error" /> : null}
        {showProblems && (problems.length > 0 || !request.success) ? (
          <ul className="tp-tpleditor__problems" role="alert" data-testid="template-problems">
            {!request.success ? <li>{t('designer.problems.names')}</li> : null}
            {problems.map((p, i) => (
              <li key={i} data-key={p.key}>
                {t(`designer.problems.${p.key}`, p.params ?? {})}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <div className="tp-tpleditor__body">
        <div
          className="tp-tpleditor__canvas"
          ref={canvas}
          onDragEnd={() => {
            setDrag(null);
            setDropAt(null);
          }}
        >
          <p className="tp-tpleditor__hint">
            <Icon name="drag" size={14} />
            {t('designer.reorderHint')}
          </p>
          {draft.layout.sections.map((section, si) => {
            const available = library.filter((f) => f.active && !placed.has(f.key));
            return (
              <section
                key={section.key}
                className="tp-card tp-secblock"
                data-testid="designer-section"
                data-key={section.key}
                onDragOver={(e) => {
                  if (!drag) return;
                  e.preventDefault();
                  if (section.fields.length === 0) setDropAt({ section: si, index: 0 });
                }}
                onDrop={onDrop}
              >
                <header className="tp-secblock__head">
                  <input
                    className="tp-input tp-input--sm"
                    lang="zh-CN"
                    value={section.labelZh}
                    aria-label={t('designer.sectionNameZh')}
                    placeholder={t('designer.sectionNameZh')}
                    aria-invalid={!section.labelZh.trim() || undefined}
                    onChange={(e) => setLayout((l) => renameSection(l, si, { labelZh: e.target.value }))}
                    data-testid="section-name-zh"
                  />
                  <input
                    className="tp-input tp-input--sm"
                    lang="en"
                    value={section.labelEn}
                    aria-label={t('designer.sectionNameEn')}
                    placeholder={t('designer.sectionNameEn')}
                    aria-invalid={!section.labelEn.trim() || undefined}
                    onChange={(e) => setLayout((l) => renameSection(l, si, { labelEn: e.target.value }))}
                    data-testid="section-name-en"
                  />
                  <div className="tp-secblock__tools">
                    <button
                      type="button"
                      className={section.visibleWhen ? 'tp-condbtn tp-condbtn--on' : 'tp-condbtn'}
                      onClick={() => setCondition({ kind: 'section', section: si })}
                      data-testid="section-condition"
                      title={t('designer.sectionCondition')}
                    >
                      <Icon name="branch" size={13} />
                      {section.visibleWhen
                        ? t('designer.conditionCount', { count: ruleCount(section.visibleWhen) })
                        : t('designer.always')}
                    </button>
                    <button
                      type="button"
                      className="tp-iconbtn"
                      aria-label={t('settings.moveUp')}
                      title={t('settings.moveUp')}
                      disabled={si === 0}
                      onClick={() => setLayout((l) => moveSection(l, si, -1))}
                      data-testid="section-move-up"
                    >
                      <Icon name="arrowUp" size={13} />
                    </button>
                    <button
                      type="button"
                      className="tp-iconbtn"
                      aria-label={t('settings.moveDown')}
                      title={t('settings.moveDown')}
                      disabled={si === draft.layout.sections.length - 1}
                      onClick={() => setLayout((l) => moveSection(l, si, 1))}
                      data-testid="section-move-down"
                    >
                      <Icon name="arrowDown" size={13} />
                    </button>
                    <button
                      type="button"
                      className="tp-iconbtn tp-iconbtn--danger"
                      aria-label={t('designer.removeSection')}
                      title={t('designer.removeSection')}
                      onClick={() => setLayout((l) => removeSection(l, si))}
                      data-testid="section-remove"
                    >
                      <Icon name="trash" size={13} />
                    </button>
                  </div>
                </header>
                <ol className="tp-secblock__fields" aria-label={label(section) || section.key}>
                  {section.fields.length === 0 ? (
                    <li
                      className={`tp-secblock__empty${dropAt?.section === si ? ' tp-secblock__empty--drop' : ''}`}
                    >
                      {t('designer.sectionEmpty')}
                    </li>
                  ) : null}
                  {section.fields.map((placement, fi) => {
                    const def = defs.get(placement.field);
                    const at = { section: si, index: fi };
                    const first = si === 0 && fi === 0;
                    const last = si === draft.layout.sections.length - 1 && fi === section.fields.length - 1;
                    const dropBefore = dropAt?.section === si && dropAt.index === fi;
                    const dropAfter =
                      dropAt?.section === si && dropAt.index === fi + 1 && fi === section.fields.length - 1;
                    return (
                      <li
                        key={placement.field}
                        className={[
                          'tp-fieldrow',
                          drag?.section === si && drag.index === fi ? 'tp-fieldrow--dragging' : '',
                          dropBefore ? 'tp-fieldrow--dropbefore' : '',
                          dropAfter ? 'tp-fieldrow--dropafter' : '',
                          def && !def.active ? 'tp-fieldrow--inactive' : '',
                        ]
                          .filter(Boolean)
                          .join(' ')}
                        data-testid="designer-field"
                        data-key={placement.field}
                        onDragOver={(e) => onRowDragOver(e, at)}
                        onDrop={onDrop}
                      >
                        <button
                          type="button"
                          className="tp-fieldrow__grip"
                          draggable
                          data-grip={placement.field}
                          aria-label={t('designer.gripLabel', { field: def ? label(def) : placement.field })}
                          title={t('designer.gripTitle')}
                          onDragStart={(e) => {
                            setDrag(at);
                            e.dataTransfer.effectAllowed = 'move';
                            e.dataTransfer.setData('text/plain', placement.field);
                            const row = e.currentTarget.closest('li');
                            if (row) e.dataTransfer.setDragImage(row, 16, 16);
                          }}
                          onKeyDown={(e) => onGripKey(e, at, placement.field)}
                          data-testid="field-grip"
                        >
                          <Icon name="drag" size={14} />
                        </button>
                        <div className="tp-fieldrow__label">
                          <span className="tp-fieldrow__name">{def ? label(def) : placement.field}</span>
                          <span className="tp-fieldrow__meta">
                            {def ? t(`designer.types.${def.type}`) : t('designer.missingField')}
                            <code>{placement.field}</code>
                          </span>
                        </div>
                        <div className="tp-fieldrow__controls">
                          <select
                            className="tp-input tp-select tp-input--sm tp-fieldrow__width"
                            value={placement.width}
                            aria-label={t('designer.width')}
                            onChange={(e) =>
                              setLayout((l) =>
                                updatePlacement(l, at, {
                                  width: e.target.value as (typeof FIELD_WIDTHS)[number],
                                }),
                              )
                            }
                            data-testid="field-width"
                          >
                            {FIELD_WIDTHS.map((w) => (
                              <option key={w} value={w}>
                                {t(`designer.widths.${w}`)}
                              </option>
                            ))}
                          </select>
                          <label className="tp-switch" title={t('designer.requiredHint')}>
                            <input
                              type="checkbox"
                              checked={placement.required || (def?.validation.required ?? false)}
                              disabled={def?.validation.required ?? false}
                              onChange={(e) =>
                                setLayout((l) => updatePlacement(l, at, { required: e.target.checked }))
                              }
                              data-testid="field-required"
                            />
                            <span>{t('designer.required')}</span>
                          </label>
                          <label className="tp-switch">
                            <input
                              type="checkbox"
                              checked={placement.readOnly}
                              onChange={(e) =>
                                setLayout((l) => updatePlacement(l, at, { readOnly: e.target.checked }))
                              }
                              data-testid="field-readonly"
                            />
                            <span>{t('designer.readOnly')}</span>
                          </label>
                          <button
                            type="button"
                            className={placement.visibleWhen ? 'tp-condbtn tp-condbtn--on' : 'tp-condbtn'}
                            onClick={() => setCondition({ kind: 'field', at })}
                            data-testid="field-condition"
                            data-count={ruleCount(placement.visibleWhen)}
                          >
                            <Icon name="branch" size={13} />
                            {placement.visibleWhen
                              ? t('designer.conditionCount', { count: ruleCount(placement.visibleWhen) })
                              : t('designer.always')}
                          </button>
                        </div>
                        <span className="tp-fieldrow__order">
                          <button
                            type="button"
                            className="tp-iconbtn"
                            aria-label={t('settings.moveUp')}
                            title={t('settings.moveUp')}
                            disabled={first}
                            onClick={() => {
                              setLayout((l) => moveFieldBy(l, at, -1).layout);
                              setFocusKey(placement.field);
                            }}
                            data-testid="field-move-up"
                          >
                            <Icon name="arrowUp" size={13} />
                          </button>
                          <button
                            type="button"
                            className="tp-iconbtn"
                            aria-label={t('settings.moveDown')}
                            title={t('settings.moveDown')}
                            disabled={last}
                            onClick={() => {
                              setLayout((l) => moveFieldBy(l, at, 1).layout);
                              setFocusKey(placement.field);
                            }}
                            data-testid="field-move-down"
                          >
                            <Icon name="arrowDown" size={13} />
                          </button>
                          <button
                            type="button"
                            className="tp-iconbtn tp-iconbtn--danger"
                            aria-label={t('designer.removeField')}
                            title={t('designer.removeField')}
                            onClick={() => setLayout((l) => removeField(l, at))}
                            data-testid="field-remove"
                          >
                            <Icon name="close" size={13} />
                          </button>
                        </span>
                      </li>
                    );
                  })}
                </ol>
                <div className="tp-secblock__foot">
                  <Menu
                    label={
                      <>
                        <Icon name="plus" size={13} />
                        {t('designer.addField')}
                      </>
                    }
                    icon="chevronDown"
                    buttonClassName="tp-btn tp-btn--ghost tp-btn--sm"
                    buttonTestId="section-add-field"
                    heading={
                      available.length > 0 ? t('designer.addFieldHeading') : t('designer.libraryUsedUp')
                    }
                    items={available.map((f: FieldDef) => ({
                      key: f.key,
                      label: label(f),
                      hint: t(`designer.types.${f.type}`),
                      attrs: { 'data-testid': `add-field-${f.key}` },
                    }))}
                    onSelect={(key) => {
                      const def = defs.get(key);
                      if (def) {
                        setLayout((l) => placeField(l, si, def));
                        setFocusKey(key);
                      }
                    }}
                  />
                </div>
              </section>
            );
          })}
          <Button
            icon="plus"
            onClick={() =>
              setLayout((l) =>
                addSection(l, { labelZh: t('designer.newSectionZh'), labelEn: t('designer.newSectionEn') }),
              )
            }
            data-testid="designer-add-section"
          >
            {t('designer.addSection')}
          </Button>
        </div>
        <DesignerPreview
          layout={draft.layout}
          library={library}
          name={label({ labelZh: draft.nameZh, labelEn: draft.nameEn })}
        />
      </div>

      {condition ? (
        <ConditionEditorDialog
          subject={
            condition.kind === 'field'
              ? (() => {
                  const key =
                    draft.layout.sections[condition.at.section]?.fields[condition.at.index]?.field ?? '';
                  const def = defs.get(key);
                  return def ? label(def) : key;
                })()
              : label(draft.layout.sections[condition.section] ?? { labelZh: '', labelEn: '' })
          }
          initial={conditionOf(condition)}
          fields={(() => {
            // A condition may look at any other field of the form, but not at one whose own visibility
            // depends on what it controls (that would be a cycle the server refuses).
            const controlled =
              condition.kind === 'field'
                ? [draft.layout.sections[condition.at.section]?.fields[condition.at.index]?.field ?? '']
                : (draft.layout.sections[condition.section]?.fields.map((f) => f.field) ?? []);
            const excluded = conditionDependents(draft.layout, controlled);
            return draft.layout.sections
              .flatMap((s) => s.fields.map((f) => f.field))
              .filter((k) => !excluded.has(k))
              .map((k) => defs.get(k))
              .filter((d): d is FieldDef => d !== undefined);
          })()}
          onClose={() => setCondition(null)}
          onApply={(c) => {
            setLayout((l) =>
              condition.kind === 'field'
                ? updatePlacement(l, condition.at, { visibleWhen: c })
                : {
                    ...l,
                    sections: l.sections.map((s, i) =>
                      i === condition.section ? { ...s, visibleWhen: c } : s,
                    ),
                  },
            );
            setCondition(null);
          }}
        />
      ) : null}
      {confirmPublish ? (
        <ConfirmDialog
          title={t('designer.publishTitle')}
          body={t('designer.publishBody', {
            name: label({ labelZh: draft.nameZh, labelEn: draft.nameEn }),
            n: (template.publishedNumber ?? 0) + 1,
          })}
          confirmLabel={t('designer.publish')}
          cancelLabel={t('common.cancel')}
          closeLabel={t('common.close')}
          busy={busy === 'publish'}
          tone="primary"
          onConfirm={() => void publish()}
          onClose={() => setConfirmPublish(false)}
        />
      ) : null}
    </div>
  );
}
