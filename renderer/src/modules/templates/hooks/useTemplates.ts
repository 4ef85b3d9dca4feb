import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { UserItem } from '../../../../../shared/api/contract';
import {
  pickTemplate,
  type CatalogRow,
  type OptionList,
  type TemplateEntity,
  type TemplateVersionRow,
} from '../../../../../shared/templates';
import { useAppStore } from '../../../app/store';

const NO_LISTS: readonly OptionList[] = [];

/** The synced definitions every business-profile form renders with. */
export function useTemplateDefinitions(): {
  catalog: CatalogRow | null;
  optionLists: readonly OptionList[];
  versions: TemplateVersionRow[];
  loaded: boolean;
} {
  const { catalog, versions, loaded } = useAppStore(
    useShallow((s) => ({
      catalog: s.templateCatalog,
      versions: s.templateVersions,
      loaded: s.templatesLoaded,
    })),
  );
  return { catalog, optionLists: catalog?.optionLists ?? NO_LISTS, versions, loaded };
}

/**
 * The version a record's form renders with (`pickTemplate`): for customers and leads the template of
 * their industry, else the entity's default; null when the org has published none.
 */
export function useTemplateFor(
  entity: TemplateEntity,
  record?: { industry?: string | null } | null,
): TemplateVersionRow | null {
  const versions = useAppStore((s) => s.templateVersions);
  const industry = record?.industry ?? null;
  return useMemo(() => pickTemplate(versions, entity, { industry }), [versions, entity, industry]);
}

export type UserDirectory = {
  users: readonly UserItem[];
  userName: (id: string) => string | null;
  /** Absent until the org's people are loaded (then any user id passes, as in the core without them). */
  userExists: ((id: string) => boolean) | undefined;
};

/** The org's people for `user` fields: loaded once per session on first use (`users.list`). */
export function useUserDirectory(enabled = true): UserDirectory {
  const { users, load } = useAppStore(useShallow((s) => ({ users: s.teamUsers, load: s.loadTeamUsers })));
  useEffect(() => {
    if (enabled) void load();
  }, [enabled, load]);
  return useMemo(() => {
    const byId = new Map((users ?? []).map((u) => [u.id, u]));
    return {
      users: users ?? [],
      userName: (id: string) => byId.get(id)?.displayName ?? null,
      userExists: users ? (id: string) => byId.has(id) : undefined,
    };
  }, [users]);
}
