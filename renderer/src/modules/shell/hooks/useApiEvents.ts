import { useEffect } from 'react';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';

/** How often, at most, a burst of `data.changed` (a first sync sends one per page) refreshes the screens. */
const DATA_CHANGED_COALESCE_MS = 250;

/** Tables whose change means forms must re-read their definitions (docs/templates.md). */
const TEMPLATE_TABLES: readonly string[] = ['catalogs', 'templateVersions'];

/**
 * Feeds core events into the store for the window's whole life: subscribing before sign-in means the
 * stream is already open when the first sync after login starts sending `data.changed`.
 */
export function useApiEvents(): void {
  useEffect(() => {
    const { setSyncStatus, invalidateData, loadTemplates } = useAppStore.getState();
    let timer: number | null = null;
    let templatesChanged = false;
    const off = getApi().onEvent((event) => {
      if (event.type === 'sync.status') setSyncStatus(event.status);
      else if (event.type === 'data.changed') {
        if (event.tables.some((t) => TEMPLATE_TABLES.includes(t))) templatesChanged = true;
        if (timer !== null) return;
        timer = window.setTimeout(() => {
          timer = null;
          if (templatesChanged) {
            templatesChanged = false;
            void loadTemplates();
          }
          invalidateData();
        }, DATA_CHANGED_COALESCE_MS);
      }
    });
    return () => {
      off();
      if (timer !== null) window.clearTimeout(timer);
    };
  }, []);
}
