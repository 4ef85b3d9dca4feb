import { useEffect } from 'react';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';

/** How often, at most, a burst of `data.changed` (a first sync sends one per page) refreshes the screens. */
const DATA_CHANGED_COALESCE_MS = 250;

/**
 * Feeds core events into the store for the window's whole life: subscribing before sign-in means the
 * stream is already open when the first sync after login starts sending `data.changed`.
 */
export function useApiEvents(): void {
  useEffect(() => {
    const { setSyncStatus, invalidateData } = useAppStore.getState();
    let timer: number | null = null;
    const off = getApi().onEvent((event) => {
      if (event.type === 'sync.status') setSyncStatus(event.status);
      else if (event.type === 'data.changed' && timer === null) {
        timer = window.setTimeout(() => {
          timer = null;
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
