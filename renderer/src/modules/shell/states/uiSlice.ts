import type { StateCreator } from 'zustand';
import type { AppState } from '../../../app/store';
import { parseRoute, routeToHash, type Route } from '../../../app/routes';
import { i18n } from '../../../i18n';
import { LOCALE_STORAGE_KEY, readStoredLocale, type Locale } from '../../../i18n/locale';

export type UiSlice = {
  locale: Locale;
  route: Route;
  /** Changes the language at once everywhere and keeps the choice for the next start. */
  setLocale: (locale: Locale) => void;
  navigate: (route: Route) => void;
  /** Called when the location hash changes (back/forward, typed URL). */
  syncRouteFromHash: () => void;
};

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  locale: readStoredLocale(typeof localStorage === 'undefined' ? undefined : localStorage),
  route: typeof location === 'undefined' ? { name: 'customers' } : parseRoute(location.hash),
  setLocale: (locale) => {
    try {
      localStorage.setItem(LOCALE_STORAGE_KEY, locale);
    } catch {
      // Storage can be disabled; the choice then lasts for this window only.
    }
    document.documentElement.lang = locale;
    void i18n.changeLanguage(locale);
    set({ locale });
  },
  navigate: (route) => {
    const hash = routeToHash(route);
    if (location.hash !== hash) location.hash = hash;
    set({ route });
  },
  syncRouteFromHash: () => {
    const route = parseRoute(location.hash);
    if (routeToHash(route) !== routeToHash(get().route)) set({ route });
  },
});
