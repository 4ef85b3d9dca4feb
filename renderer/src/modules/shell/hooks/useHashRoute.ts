import { useEffect } from 'react';
import { useAppStore } from '../../../app/store';

/** Keeps the store's route in step with the location hash (back/forward buttons, reloads). */
export function useHashRoute(): void {
  useEffect(() => {
    const onHash = () => useAppStore.getState().syncRouteFromHash();
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
}
