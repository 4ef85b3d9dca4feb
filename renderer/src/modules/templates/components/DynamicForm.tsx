import { memo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserItem } from '../../../../../shared/api/contract';
import type {
  FieldDef,
  OptionList,
  TemplateField,
  TemplateSection,
} from '../../../../../shared/templates/schema';
import { useAppStore } from '../../../app/store';
import type { Locale } from '../../../i18n/locale';
import { Icon } from '../../../ui';
import type { AttrFormController } from '../hooks/useAttrForm';
import { useUserDirectory } from '../hooks/useTemplates';
import { compileShape, currentDraft, retiredKeys } from '../utils/attrForm';
import { formatAttrValue, helpOf, labelOf } from '../utils/attrFormat';
import type { AttrDraft } from '../utils/attrValues';
import { controlWordsIn, type ControlWords } from '../utils/controlWords';
import { AttrControl } from './AttrControl';
import { RetiredValues } from './RetiredValues';

/**
 * A business-profile form rendered from a template version (docs/templates.md): its sections, each field
 * at its width (full / half / third of the row) with its label tied to the control, required mark, help,
 * the shared validator's message as you type, read-only fields shown but not editable, visibility
 * conditions applied live; values of retired fields (stored on the record, no longer placed) below.
 */
export function DynamicForm({
  form,
  library,
  testId = 'attr-form',
  showRetired = true,
  narrow = false,
}: {
  form: AttrFormController;
  /** A narrow pane (the designer's preview): every field takes the whole row. */
  narrow?: boolean;
  /** The org's field library: labels of retired fields (the version's snapshot lacks them). */
  library?: readonly FieldDef[];
  testId?: string;
  showRetired?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const words = controlWordsIn(t, i18n.language);
  const { shape, evaluation } = form;
  const needsUsers = shape?.fields.some((f) => f.type === 'user') ?? false;
  const directory = useUserDirectory(needsUsers);
  if (!shape || !evaluation) return null;
  const { defs } = compileShape(shape);
  return (
    <div
      className={narrow ? 'tp-attrform tp-attrform--narrow' : 'tp-attrform'}
      data-testid={testId}
      data-version={form.versionId ?? undefined}
    >
      {shape.sections.map((section) => {
        const shown = section.fields.filter((f) => evaluation.visible.has(f.field) && defs.has(f.field));
        if (shown.length === 0) return null;
        return (
          <Section key={section.key} section={section} locale={locale}>
            {shown.map((placement) => {
              const def = defs.get(placement.field) as FieldDef;
              return (
                <AttrField
                  key={placement.field}
                  def={def}
                  placement={placement}
                  id={form.controlId(def.key)}
                  draft={currentDraft(def, form.drafts, form.previous, form.defaults)}
                  held={form.previous?.[def.key] ?? null}
                  value={evaluation.values[def.key] ?? null}
                  error={form.errorFor(def.key)}
                  optionLists={form.optionLists}
                  users={directory.users}
                  userName={directory.userName}
                  locale={locale}
                  setDraft={form.setDraft}
                  touch={form.touch}
                  words={words}
                />
              );
            })}
          </Section>
        );
      })}
      {showRetired && retiredKeys(shape, form.previous).length > 0 ? (
        <RetiredValues
          shape={shape}
          stored={form.previous}
          library={library ?? []}
          optionLists={form.optionLists}
        />
      ) : null}
    </div>
  );
}

function Section({
  section,
  locale,
  children,
}: {
  section: TemplateSection;
  locale: Locale;
  children: ReactNode;
}) {
  const titleId = `attr-section-${section.key}-title`;
  return (
    <section
      className="tp-attrform__section"
      data-testid={`attr-section-${section.key}`}
      aria-labelledby={titleId}
    >
      <h3 className="tp-attrform__title" id={titleId}>
        {labelOf(section, locale)}
      </h3>
      <div className="tp-attrform__grid">{children}</div>
    </section>
  );
}

type AttrFieldProps = {
  def: FieldDef;
  placement: TemplateField;
  id: string;
  draft: AttrDraft;
  held: unknown;
  /** The stored-shape value the control stands for (what a read-only field shows). */
  value: unknown;
  error: string | null;
  optionLists: readonly OptionList[];
  users: readonly UserItem[];
  userName: (id: string) => string | null;
  locale: Locale;
  setDraft: (key: string, draft: AttrDraft) => void;
  touch: (key: string) => void;
  words: ControlWords;
};

/** One field: memoised, so typing in one of 60 fields re-renders that field (and its condition's targets). */
const AttrField = memo(function AttrField(p: AttrFieldProps) {
  const { def, placement, id, words } = p;
  const required = placement.required || def.validation.required;
  const help = helpOf(def, p.locale);
  const labelId = `${id}-label`;
  const describedBy = p.error ? `${id}-error` : help ? `${id}-hint` : undefined;
  const testId = `attr-${def.key}`;
  // One element per field around label, control and message (60 fields: every node counts at mount).
  return (
    <div
      className={`tp-field tp-attrform__cell tp-attrform__cell--${placement.width}${p.error ? ' tp-field--invalid' : ''}`}
      data-testid={`attr-field-${def.key}`}
      data-type={def.type}
      data-required={required || undefined}
    >
      <label className="tp-field__label" id={labelId} htmlFor={id}>
        {labelOf(def, p.locale)}
        {/* Screen readers hear "required" from the control's aria-required, not from the star. */}
        {required && !placement.readOnly ? (
          <span className="tp-attr__required" title={words.required} aria-hidden="true">
            *
          </span>
        ) : null}
        {placement.readOnly ? (
          <span className="tp-attr__lock" title={words.readOnly} aria-hidden="true">
            <Icon name="lock" size={11} />
          </span>
        ) : null}
      </label>
      {placement.readOnly ? (
        <ReadOnlyValue {...p} labelId={labelId} testId={testId} />
      ) : (
        <AttrControl
          def={def}
          id={id}
          testId={testId}
          draft={p.draft}
          held={p.held}
          optionLists={p.optionLists}
          users={p.users}
          locale={p.locale}
          invalid={p.error !== null}
          required={required}
          describedBy={describedBy}
          labelledBy={labelId}
          onChange={(d) => p.setDraft(def.key, d)}
          onBlur={() => p.touch(def.key)}
          words={words}
        />
      )}
      {p.error ? (
        <p className="tp-field__error" id={`${id}-error`} data-testid={`error-${testId}`} role="alert">
          {p.error}
        </p>
      ) : help ? (
        <p className="tp-field__hint" id={`${id}-hint`}>
          {help}
        </p>
      ) : null}
    </div>
  );
});

/** A read-only field: its value in words, focusable and announced with its label, never editable. */
function ReadOnlyValue(p: AttrFieldProps & { labelId: string; testId: string }) {
  const text = formatAttrValue(p.def, p.value, {
    locale: p.locale,
    optionLists: p.optionLists,
    userName: p.userName,
  });
  return (
    <div
      className="tp-input tp-attr__readonly"
      id={p.id}
      role="textbox"
      aria-readonly="true"
      aria-labelledby={p.labelId}
      tabIndex={0}
      data-testid={p.testId}
      data-readonly="true"
    >
      {text ?? <span className="tp-muted">—</span>}
    </div>
  );
}
