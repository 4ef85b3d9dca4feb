import { useEffect, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { CURRENCIES } from '../../../../../shared/domain/money';
import {
  FIELD_TYPES,
  OPTION_FIELD_TYPES,
  type FieldDef,
  type FieldType,
} from '../../../../../shared/templates/schema';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import type { FieldProblemText } from '../../../i18n/useFieldError';
import { Dialog, FormField, FormFooter, hasModKey } from '../../../ui';
import { AttrControl } from '../../templates/components/AttrControl';
import { useTemplateDefinitions, useUserDirectory } from '../../templates/hooks/useTemplates';
import { attrProblemText } from '../../templates/utils/attrErrors';
import { labelOf } from '../../templates/utils/attrFormat';
import { controlWords } from '../../templates/utils/controlWords';
import { newOptionKey } from '../../settings/utils/settingsForm';
import {
  boundKind,
  canBeUnique,
  checkFieldDraft,
  draftToDef,
  emptyFieldDraft,
  fieldDraftOf,
  type FieldDraft,
} from '../utils/fieldForm';
import { AdminErrorBanner } from './AdminErrorBanner';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * A library field, new or edited (`admin.fields.save`, online): labels in both languages, key (fixed
 * once saved; a new one follows the English label), type (fixed once saved), its option list or
 * currency, rules (required, bounds in the field's own unit, pattern, unique), a default entered with
 * the field's own control, help text, searchable (a list column and filter) and active.
 */
export function FieldEditorDialog({
  def,
  taken,
  onDirtyChange,
  onClose,
  onSaved,
}: {
  def: FieldDef | null;
  taken: ReadonlySet<string>;
  onDirtyChange: (dirty: boolean) => void;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const { locale, patchCatalog, showToast } = useAppStore(
    useShallow((s) => ({ locale: s.locale, patchCatalog: s.patchCatalog, showToast: s.showToast })),
  );
  const { optionLists } = useTemplateDefinitions();
  const { users } = useUserDirectory();
  const words = useMemo(() => controlWords(t), [t]);
  const isNew = def === null;
  const [initial] = useState<FieldDraft>(() => (def ? fieldDraftOf(def) : emptyFieldDraft()));
  const [draft, setDraft] = useState<FieldDraft>(initial);
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  useEffect(() => onDirtyChange(dirty), [dirty, onDirtyChange]);

  const otherKeys = useMemo(() => new Set([...taken].filter((k) => k !== def?.key)), [taken, def]);
  const { errors, def: ready } = checkFieldDraft(draft, { isNew, taken: otherKeys, optionLists });
  const preview = draftToDef(draft);
  const kind = boundKind(draft.type);
  const set = (patch: Partial<FieldDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setServerError(null);
  };
  const text = (p: FieldProblemText | undefined) =>
    p && submitted ? attrProblemText(t, p, preview, locale) : null;

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setSubmitted(true);
    if (!ready || saving) return;
    setSaving(true);
    try {
      await getApi().call('admin.fields.save', ready);
      patchCatalog({ field: ready });
      showToast(t('designer.library.saved', { name: labelOf(ready, locale) }));
      onSaved();
    } catch (err) {
      setServerError(toAppErrorData(err));
      setSaving(false);
    }
  };

  const boundLabel = (end: 'min' | 'max') => t(`designer.bounds.${kind ?? 'number'}.${end}`);
  const section = (title: string, children: ReactNode) => (
    <fieldset className="tp-fieldeditor__group">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );

  return (
    <Dialog
      title={
        isNew
          ? t('designer.library.newField')
          : t('designer.library.editField', { name: labelOf(def, locale) })
      }
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={680}
      testId="field-editor"
    >
      <form
        className="tp-form tp-fieldeditor"
        noValidate
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hasModKey(e)) {
            e.preventDefault();
            void submit();
          }
        }}
      >
        {serverError ? <AdminErrorBanner error={serverError} testId="field-editor-error" /> : null}
        {section(
          t('designer.library.identity'),
          <>
            <div className="tp-form__row">
              <FormField
                name="labelZh"
                id="field-labelZh"
                label={t('designer.labelZh')}
                error={text(errors.labelZh)}
              >
                {(c) => (
                  <input
                    className="tp-input"
                    lang="zh-CN"
                    value={draft.labelZh}
                    onChange={(e) => set({ labelZh: e.target.value })}
                    data-testid="field-labelZh"
                    data-autofocus
                    {...c}
                  />
                )}
              </FormField>
              <FormField
                name="labelEn"
                id="field-labelEn"
                label={t('designer.labelEn')}
                error={text(errors.labelEn)}
              >
                {(c) => (
                  <input
                    className="tp-input"
                    lang="en"
                    value={draft.labelEn}
                    onChange={(e) => {
                      const labelEn = e.target.value;
                      // A new field's key follows its English label until the admin types one.
                      const follows =
                        isNew &&
                        draft.key ===
                          newOptionKey(
                            draft.labelEn,
                            [...otherKeys].map((key) => ({ key })),
                            'field',
                          );
                      set(
                        follows
                          ? {
                              labelEn,
                              key: newOptionKey(
                                labelEn,
                                [...otherKeys].map((key) => ({ key })),
                                'field',
                              ),
                            }
                          : { labelEn },
                      );
                    }}
                    data-testid="field-labelEn"
                    {...c}
                  />
                )}
              </FormField>
            </div>
            <div className="tp-form__row">
              <FormField
                name="key"
                id="field-key"
                label={t('designer.key')}
                hint={isNew ? t('designer.keyHint') : t('designer.keyFixed')}
                error={text(errors.key)}
              >
                {(c) => (
                  <input
                    className="tp-input tp-mono"
                    value={draft.key}
                    readOnly={!isNew}
                    onChange={(e) => set({ key: e.target.value })}
                    data-testid="field-key"
                    spellCheck={false}
                    {...c}
                  />
                )}
              </FormField>
              <FormField
                name="type"
                id="field-type"
                label={t('designer.library.type')}
                hint={isNew ? undefined : t('designer.typeFixed')}
              >
                {(c) => (
                  <select
                    className="tp-input tp-select"
                    value={draft.type}
                    disabled={!isNew}
                    onChange={(e) =>
                      set({
                        type: e.target.value as FieldType,
                        defaultDraft: null,
                        min: '',
                        max: '',
                        pattern: '',
                      })
                    }
                    data-testid="field-type"
                    {...c}
                  >
                    {FIELD_TYPES.map((x) => (
                      <option key={x} value={x}>
                        {t(`designer.types.${x}`)}
                      </option>
                    ))}
                  </select>
                )}
              </FormField>
            </div>
            {OPTION_FIELD_TYPES.includes(draft.type) ? (
              <FormField
                name="optionList"
                id="field-optionList"
                label={t('designer.library.optionList')}
                error={text(errors.optionList)}
                hint={optionLists.length === 0 ? t('designer.library.noLists') : undefined}
              >
                {(c) => (
                  <select
                    className="tp-input tp-select"
                    value={draft.optionList}
                    onChange={(e) => set({ optionList: e.target.value, defaultDraft: null })}
                    data-testid="field-optionList"
                    {...c}
                  >
                    <option value="">{t('templates.choose')}</option>
                    {optionLists.map((l) => (
                      <option key={l.key} value={l.key}>
                        {labelOf(l, locale)}
                      </option>
                    ))}
                  </select>
                )}
              </FormField>
            ) : null}
            {draft.type === 'money' ? (
              <FormField name="currency" id="field-currency" label={t('designer.library.currency')}>
                {(c) => (
                  <select
                    className="tp-input tp-select"
                    value={draft.currency}
                    disabled={!isNew}
                    onChange={(e) => set({ currency: e.target.value })}
                    data-testid="field-currency"
                    {...c}
                  >
                    {CURRENCIES.map((x) => (
                      <option key={x} value={x}>
                        {x}
                      </option>
                    ))}
                  </select>
                )}
              </FormField>
            ) : null}
          </>,
        )}
        {section(
          t('designer.library.rulesTitle'),
          <>
            <div className="tp-fieldeditor__checks">
              <label className="tp-switch">
                <input
                  type="checkbox"
                  checked={draft.required}
                  onChange={(e) => set({ required: e.target.checked })}
                  data-testid="field-required-always"
                />
                <span>{t('designer.library.requiredAlways')}</span>
              </label>
              {canBeUnique(draft.type) ? (
                <label className="tp-switch">
                  <input
                    type="checkbox"
                    checked={draft.unique}
                    onChange={(e) => set({ unique: e.target.checked })}
                    data-testid="field-unique"
                  />
                  <span>{t('designer.library.uniqueLong')}</span>
                </label>
              ) : null}
            </div>
            {kind ? (
              <div className="tp-form__row">
                {kind !== 'stars' ? (
                  <FormField name="min" id="field-min" label={boundLabel('min')} error={text(errors.min)}>
                    {(c) => (
                      <input
                        className="tp-input tp-num"
                        inputMode="decimal"
                        value={draft.min}
                        onChange={(e) => set({ min: e.target.value })}
                        data-testid="field-min"
                        {...c}
                      />
                    )}
                  </FormField>
                ) : null}
                <FormField
                  name="max"
                  id="field-max"
                  label={boundLabel('max')}
                  error={text(errors.max)}
                  hint={kind === 'stars' ? t('designer.bounds.starsHint') : undefined}
                >
                  {(c) => (
                    <input
                      className="tp-input tp-num"
                      inputMode="decimal"
                      value={draft.max}
                      onChange={(e) => set({ max: e.target.value })}
                      data-testid="field-max"
                      {...c}
                    />
                  )}
                </FormField>
              </div>
            ) : null}
            {kind === 'length' ? (
              <FormField
                name="pattern"
                id="field-pattern"
                label={t('designer.library.patternLabel')}
                hint={t('designer.library.patternHint')}
                error={text(errors.pattern)}
              >
                {(c) => (
                  <input
                    className="tp-input tp-mono"
                    value={draft.pattern}
                    spellCheck={false}
                    onChange={(e) => set({ pattern: e.target.value })}
                    data-testid="field-pattern"
                    {...c}
                  />
                )}
              </FormField>
            ) : null}
            <div className="tp-field">
              <span className="tp-field__label" id="field-default-label">
                {t('designer.library.default')}
              </span>
              <AttrControl
                def={preview}
                id="field-default"
                testId="field-default"
                draft={draft.defaultDraft}
                held={null}
                optionLists={optionLists}
                users={users}
                locale={locale}
                invalid={!!(submitted && errors.defaultValue)}
                describedBy={submitted && errors.defaultValue ? 'field-default-error' : 'field-default-hint'}
                labelledBy="field-default-label"
                onChange={(d) => set({ defaultDraft: d })}
                onBlur={() => undefined}
                words={words}
              />
              {submitted && errors.defaultValue ? (
                <p
                  className="tp-field__error"
                  id="field-default-error"
                  data-testid="error-defaultValue"
                  role="alert"
                >
                  {attrProblemText(t, errors.defaultValue, preview, locale)}
                </p>
              ) : (
                <p className="tp-field__hint" id="field-default-hint">
                  {t('designer.library.defaultHint')}
                </p>
              )}
            </div>
          </>,
        )}
        {section(
          t('designer.library.helpTitle'),
          <>
            <div className="tp-form__row">
              <FormField name="helpZh" id="field-helpZh" label={t('designer.helpZh')}>
                {(c) => (
                  <textarea
                    className="tp-input tp-textarea tp-fieldeditor__help"
                    lang="zh-CN"
                    rows={2}
                    value={draft.helpZh}
                    onChange={(e) => set({ helpZh: e.target.value })}
                    data-testid="field-helpZh"
                    {...c}
                  />
                )}
              </FormField>
              <FormField name="helpEn" id="field-helpEn" label={t('designer.helpEn')}>
                {(c) => (
                  <textarea
                    className="tp-input tp-textarea tp-fieldeditor__help"
                    lang="en"
                    rows={2}
                    value={draft.helpEn}
                    onChange={(e) => set({ helpEn: e.target.value })}
                    data-testid="field-helpEn"
                    {...c}
                  />
                )}
              </FormField>
            </div>
            <div className="tp-fieldeditor__checks">
              <label className="tp-switch">
                <input
                  type="checkbox"
                  checked={draft.searchable}
                  onChange={(e) => set({ searchable: e.target.checked })}
                  data-testid="field-searchable"
                />
                <span>{t('designer.library.searchableLong')}</span>
              </label>
              <label className="tp-switch">
                <input
                  type="checkbox"
                  checked={draft.active}
                  onChange={(e) => set({ active: e.target.checked })}
                  data-testid="field-active"
                />
                <span>{t('designer.library.activeLong')}</span>
              </label>
            </div>
          </>,
        )}
        <FormFooter
          note={dirty ? t('designer.unsaved') : undefined}
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={saving ? t('common.saving') : t('common.save')}
          busy={saving}
          submitTestId="field-save"
        />
      </form>
    </Dialog>
  );
}
