import { useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../../../shared/errors';
import type { FieldDef, OptionList, TemplateShape } from '../../../../../shared/templates';
import { useAppStore } from '../../../app/store';
import { describeError } from '../../../i18n/errors';
import {
  attrsForCreate,
  attrsForUpdate,
  compileShape,
  evaluateAttrForm,
  type AttrDrafts,
  type AttrFormEvaluation,
} from '../utils/attrForm';
import { attrKeyOf, attrProblemText, serverAttrProblem } from '../utils/attrErrors';
import type { AttrDraft } from '../utils/attrValues';

/** How a form's values are written: a new record, an edit of a stored one, or a lead becoming a customer. */
export type AttrFormMode = 'create' | 'update' | 'convert';

export type AttrFormOptions = {
  /** The template version the form renders (null: none published, the form is empty). */
  shape: TemplateShape | null;
  /** Its id, sent as `templateVersionId` (null for a designer's preview). */
  versionId: string | null;
  mode: AttrFormMode;
  /** The record's stored attributes (null for a new record). */
  previous: Readonly<Record<string, unknown>> | null;
  optionLists: readonly OptionList[];
  userExists?: ((id: string) => boolean) | undefined;
  /** Prefix of the controls' DOM ids, unique on the page (test ids stay `attr-<key>`). */
  idPrefix?: string;
};

/** Everything the dynamic form and its dialog need: state, verdict, messages and what to send. */
export type AttrFormController = {
  shape: TemplateShape | null;
  versionId: string | null;
  mode: AttrFormMode;
  previous: Readonly<Record<string, unknown>> | null;
  defaults: Readonly<Record<string, unknown>>;
  optionLists: readonly OptionList[];
  idPrefix: string;
  drafts: AttrDrafts;
  evaluation: AttrFormEvaluation | null;
  setDraft: (key: string, draft: AttrDraft) => void;
  touch: (key: string) => void;
  /** The message under a field: its problem once touched (or after a submit), else a refusal naming it. */
  errorFor: (key: string) => string | null;
  /** After a submit every problem shows. */
  markSubmitted: () => void;
  /** Takes a refusal that names an attribute (`attrs.<key>`); false when it names none. */
  takeServerError: (error: AppErrorData) => boolean;
  /** Moves the focus to the first field with a problem; false when there is none. */
  focusFirstProblem: () => boolean;
  /** The form is ready to send (no problem anywhere shown). Judged when read. */
  readonly valid: boolean;
  /**
   * What a create sends (`attrs` + `templateVersionId`), or {} when no template is published. Null while
   * something is wrong.
   */
  createPart: () => { attrs?: Record<string, unknown>; templateVersionId?: string } | null;
  /**
   * What an edit sends: the changed keys in `set`, the values seen in `base`, or null when nothing
   * changed. Throws nothing; call only when `valid`.
   */
  updatePart: () => {
    set: Record<string, unknown>;
    base: Record<string, unknown>;
    templateVersionId: string;
  } | null;
  /**
   * What a lead's conversion sends: the customer template's values that differ from the lead's (null
   * clears), always with the version, so the customer is judged by — and remembers — its template.
   */
  convertPart: () => { attrs?: Record<string, unknown>; templateVersionId?: string } | null;
  /** The field's DOM id. */
  controlId: (key: string) => string;
  defOf: (key: string) => FieldDef | undefined;
};

const NO_DEFAULTS: Readonly<Record<string, unknown>> = {};
const NO_DEFS: ReadonlyMap<string, FieldDef> = new Map();

/**
 * State of one business-profile form: drafts by field key (kept across a change of template, as when
 * a new customer's industry picks another one), judged by the shared validator after every change —
 * when the verdict is first read (a touched field's message, `valid`, a submit), not at every render.
 */
export function useAttrForm(opts: AttrFormOptions): AttrFormController {
  const { t, i18n } = useTranslation();
  // `useErrorText` over this hook's own `t`: one `useTranslation` per form rather than two.
  const errorText = useCallback(
    (error: AppErrorData) => describeError(t, (k) => i18n.exists(k), error),
    [t, i18n],
  );
  const locale = useAppStore((s) => s.locale);
  const { shape, versionId, mode, previous, optionLists, userExists } = opts;
  const idPrefix = opts.idPrefix ?? 'attr';
  const [drafts, setDrafts] = useState<Record<string, AttrDraft>>({});
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [submitted, setSubmitted] = useState(false);
  const [serverError, setServerError] = useState<{ key: string; error: AppErrorData } | null>(null);

  const compiled = shape ? compileShape(shape) : null;
  // New records (and a lead's conversion, which gives the customer a profile) start from the defaults.
  const defaults = compiled && mode !== 'update' ? compiled.defaults : NO_DEFAULTS;
  const defs = compiled?.defs ?? NO_DEFS;
  const evaluation = useMemo(
    () => (shape ? evaluateAttrForm({ shape, drafts, previous, optionLists, userExists, defaults }) : null),
    [shape, drafts, previous, optionLists, userExists, defaults],
  );

  const setDraft = useCallback((key: string, draft: AttrDraft) => {
    setDrafts((d) => ({ ...d, [key]: draft }));
    setTouched((tch) => (tch[key] ? tch : { ...tch, [key]: true }));
    setServerError((e) => (e?.key === key ? null : e));
  }, []);
  const touch = useCallback(
    (key: string) => setTouched((tch) => (tch[key] ? tch : { ...tch, [key]: true })),
    [],
  );
  const controlId = useCallback((key: string) => `${idPrefix}-${key}`, [idPrefix]);

  const errorFor = useCallback(
    (key: string): string | null => {
      // Untouched fields of an unsubmitted form show nothing: the verdict is not even asked for.
      const problem = touched[key] || submitted ? evaluation?.problems[key] : undefined;
      if (problem) return attrProblemText(t, problem, defs.get(key), locale);
      if (serverError?.key === key) {
        const p = serverAttrProblem(serverError.error, defs.get(key));
        return p
          ? attrProblemText(t, p, defs.get(key), locale)
          : errorText({ ...serverError.error, field: undefined });
      }
      return null;
    },
    [evaluation, touched, submitted, serverError, defs, t, locale, errorText],
  );

  const focusFirstProblem = useCallback(() => {
    if (!evaluation) return false;
    const first = evaluation.placed.find((k) => evaluation.visible.has(k) && evaluation.problems[k]);
    if (!first) return false;
    focusControl(controlId(first));
    return true;
  }, [evaluation, controlId]);

  const takeServerError = useCallback(
    (error: AppErrorData) => {
      const key = attrKeyOf(error.field);
      if (!key || !defs.has(key)) return false;
      setServerError({ key, error });
      focusControl(controlId(key));
      return true;
    },
    [defs, controlId],
  );

  const createPart = useCallback(() => {
    if (!evaluation || !versionId) return {};
    const attrs = attrsForCreate(evaluation);
    return attrs ? { attrs, templateVersionId: versionId } : null;
  }, [evaluation, versionId]);

  const updatePart = useCallback(() => {
    if (!evaluation || !versionId) return null;
    const diff = attrsForUpdate(evaluation, previous);
    return diff ? { ...diff, templateVersionId: versionId } : null;
  }, [evaluation, versionId, previous]);

  const convertPart = useCallback(() => {
    if (!evaluation || !versionId) return {};
    if (!evaluation.normalized) return null;
    return { attrs: attrsForUpdate(evaluation, previous)?.set ?? {}, templateVersionId: versionId };
  }, [evaluation, versionId, previous]);

  return {
    shape,
    versionId,
    mode,
    previous,
    defaults,
    optionLists,
    idPrefix,
    drafts,
    evaluation,
    setDraft,
    touch,
    errorFor,
    markSubmitted: useCallback(() => setSubmitted(true), []),
    takeServerError,
    focusFirstProblem,
    // Read when asked (a submit, the designer's verdict), so a form that has just opened is not judged.
    get valid() {
      return evaluation === null || evaluation.normalized !== null;
    },
    createPart,
    updatePart,
    convertPart,
    controlId,
    defOf: useCallback((key: string) => defs.get(key), [defs]),
  };
}

/** Focuses a field's control: the control itself, or the first focusable element of a group. */
function focusControl(id: string): void {
  const el = document.getElementById(id);
  if (!el) return;
  const target = el.matches('input, select, textarea, button')
    ? el
    : el.querySelector<HTMLElement>('input, select, textarea, button:not([tabindex="-1"]), [tabindex="0"]');
  (target ?? el).focus();
}
