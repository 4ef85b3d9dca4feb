import type { StateCreator } from 'zustand';
import type { AppErrorData } from '../../../../../shared/errors';
import type {
  CatalogRow,
  FieldDef,
  OptionList,
  TemplateVersionRow,
} from '../../../../../shared/templates/schema';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';

/**
 * What business-profile forms render with, offline (docs/templates.md): the org's catalog (option lists,
 * field library) and the newest published version of each template, from `templates.definitions`.
 * Loaded at sign-in and again whenever a pull changes the `catalogs` or `templateVersions` tables.
 */
export type TemplatesSlice = {
  /** Null until loaded, and before the first sync brought the org's catalog. */
  templateCatalog: CatalogRow | null;
  templateVersions: TemplateVersionRow[];
  /** The first answer arrived (a form can tell "no template published" from "not loaded yet"). */
  templatesLoaded: boolean;
  templatesError: AppErrorData | null;
  loadTemplates: () => Promise<void>;
  /**
   * The designer saved a library field or an option list on the server: show it at once, until a pull
   * brings the catalog row that holds it (a newer `version`).
   */
  patchCatalog: (patch: { field?: FieldDef; optionList?: OptionList }) => void;
};

type Patches = { baseVersion: number; fields: Map<string, FieldDef>; lists: Map<string, OptionList> };

/** The catalog with the designer's saved-but-not-yet-pulled changes on top. */
export function applyCatalogPatches(catalog: CatalogRow, patches: Patches | null): CatalogRow {
  if (!patches || catalog.version > patches.baseVersion) return catalog;
  const fields = catalog.fields.map((f) => patches.fields.get(f.key) ?? f);
  for (const [key, f] of patches.fields) if (!catalog.fields.some((x) => x.key === key)) fields.push(f);
  const optionLists = catalog.optionLists.map((l) => patches.lists.get(l.key) ?? l);
  for (const [key, l] of patches.lists)
    if (!catalog.optionLists.some((x) => x.key === key)) optionLists.push(l);
  return { ...catalog, fields, optionLists };
}

const EMPTY_CATALOG: CatalogRow = {
  id: '00000000-0000-0000-0000-000000000000',
  orgId: '00000000-0000-0000-0000-000000000000',
  optionLists: [],
  fields: [],
  updatedAt: 0,
  version: 0,
};

export const createTemplatesSlice: StateCreator<AppState, [], [], TemplatesSlice> = (set, get) => {
  let seq = 0;
  let loaded: CatalogRow | null = null;
  let patches: Patches | null = null;
  const publish = () => {
    if (patches && loaded && loaded.version > patches.baseVersion) patches = null;
    set({
      templateCatalog: loaded
        ? applyCatalogPatches(loaded, patches)
        : patches
          ? applyCatalogPatches(EMPTY_CATALOG, patches)
          : null,
    });
  };
  return {
    templateCatalog: null,
    templateVersions: [],
    templatesLoaded: false,
    templatesError: null,
    loadTemplates: async () => {
      const mine = ++seq;
      try {
        const defs = await getApi().call('templates.definitions', {});
        if (mine !== seq) return;
        loaded = defs.catalog;
        set({ templateVersions: defs.versions, templatesLoaded: true, templatesError: null });
        publish();
      } catch (err) {
        // Keep what we had: forms keep rendering with the last good definitions.
        if (mine === seq) set({ templatesError: toAppErrorData(err), templatesLoaded: true });
      }
    },
    patchCatalog: ({ field, optionList }) => {
      const base = loaded?.version ?? 0;
      if (!patches || patches.baseVersion !== base)
        patches = { baseVersion: base, fields: new Map(), lists: new Map() };
      if (field) patches.fields.set(field.key, field);
      if (optionList) patches.lists.set(optionList.key, optionList);
      publish();
      void get().loadTemplates();
    },
  };
};
