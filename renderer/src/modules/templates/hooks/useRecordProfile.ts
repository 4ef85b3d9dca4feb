import { useMemo } from 'react';
import type { TemplateEntity, TemplateVersionRow } from '../../../../../shared/templates/schema';
import { useAttrForm, type AttrFormController, type AttrFormMode } from './useAttrForm';
import { useTemplateDefinitions, useTemplateFor, useUserDirectory } from './useTemplates';

/** What a record's create adds for its business profile (nothing when no template applies). */
export type ProfilePart = { attrs?: Record<string, unknown>; templateVersionId?: string };

export type RecordProfile = {
  form: AttrFormController;
  version: TemplateVersionRow | null;
  /** The categories (industries) that have a template of their own, offered under the industry input. */
  categories: readonly string[];
};

const NO_ATTRS: Readonly<Record<string, unknown>> = {};

/**
 * A record's profile form: the template `pickTemplate` gives for the record's category (a customer's or
 * lead's industry, possibly as typed so far), with drafts kept by field key when the category changes
 * the template. `stored` is the record's attributes for an edit or a lead's conversion (null: new).
 */
export function useRecordProfile(
  entity: TemplateEntity,
  opts: {
    industry?: string | null;
    mode: AttrFormMode;
    stored?: Readonly<Record<string, unknown>> | null;
    enabled?: boolean;
    idPrefix?: string;
  },
): RecordProfile {
  const { optionLists, versions } = useTemplateDefinitions();
  const picked = useTemplateFor(entity, { industry: opts.industry ?? null });
  const version = opts.enabled === false ? null : picked;
  const { userExists } = useUserDirectory(false);
  const form = useAttrForm({
    shape: version,
    versionId: version?.id ?? null,
    mode: opts.mode,
    previous: opts.mode === 'create' ? null : (opts.stored ?? NO_ATTRS),
    optionLists,
    userExists,
    idPrefix: opts.idPrefix,
  });
  const categories = useMemo(
    () => [
      ...new Set(versions.filter((v) => v.entity === entity && v.category).map((v) => v.category as string)),
    ],
    [versions, entity],
  );
  return { form, version, categories };
}

/** A new record's profile (see `useRecordProfile`). */
export function useNewRecordProfile(
  entity: TemplateEntity,
  industry: string | null,
  enabled = true,
): RecordProfile {
  return useRecordProfile(entity, { industry, mode: 'create', enabled });
}
