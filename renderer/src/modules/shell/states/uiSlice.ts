import type { StateCreator } from 'zustand';
import type { AppState } from '../../../app/store';
import { DEFAULT_ROUTE, parseRoute, routeToHash, type Route } from '../../../app/routes';
import { i18n } from '../../../i18n';
import { LOCALE_STORAGE_KEY, readStoredLocale, type Locale } from '../../../i18n/locale';

/** A short confirmation that outlives the dialog or screen that caused it ("已转为客户"). */
export type AppToast = {
  /** Distinguishes two toasts with the same text, so the second one restarts the timer. */
  id: number;
  message: string;
  /** A button in the toast that opens a screen ("查看客户"). */
  action?: { label: string; route: Route };
};

export type UiSlice = {
  locale: Locale;
  route: Route;
  toast: AppToast | null;
  /**
   * A screen holds unsaved changes (the form designer's draft): moving to another screen asks first.
   * `pendingRoute` is where the user wanted to go while the question is open.
   */
  leaveGuard: boolean;
  /** What the question says is at stake (the guarding screen's words; the designer's by default). */
  leaveGuardBody: string | null;
  pendingRoute: Route | null;
  setLeaveGuard: (on: boolean, body?: string) => void;
  /** Answers the question: leave (the changes are dropped) or stay. */
  resolvePendingRoute: (leave: boolean) => void;
  /** Changes the language at once everywhere and keeps the choice for the next start. */
  setLocale: (locale: Locale) => void;
  navigate: (route: Route) => void;
  /** Called when the location hash changes (back/forward, typed URL). */
  syncRouteFromHash: () => void;
  showToast: (message: string, action?: AppToast['action']) => void;
  dismissToast: () => void;
};

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set, get) => ({
  locale: readStoredLocale(typeof localStorage === 'undefined' ? undefined : localStorage),
  route: typeof location === 'undefined' ? DEFAULT_ROUTE : parseRoute(location.hash),
  toast: null,
  leaveGuard: false,
  leaveGuardBody: null,
  pendingRoute: null,
  setLeaveGuard: (on, body) => {
    const leaveGuardBody = on ? (body ?? null) : null;
    if (get().leaveGuard !== on || get().leaveGuardBody !== leaveGuardBody) {
      set({ leaveGuard: on, leaveGuardBody });
    }
  },
  resolvePendingRoute: (leave) => {
    const target = get().pendingRoute;
    set({ pendingRoute: null, ...(leave ? { leaveGuard: false } : {}) });
    if (leave && target) get().navigate(target);
  },
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
    if (get().leaveGuard && hash !== routeToHash(get().route)) {
      set({ pendingRoute: route });
      return;
    }
    if (location.hash !== hash) location.hash = hash;
    set({ route });
  },
  syncRouteFromHash: () => {
    const route = parseRoute(location.hash);
    const current = routeToHash(get().route);
    if (routeToHash(route) === current) return;
    if (get().leaveGuard) {
      // Back/forward while a draft is unsaved: stay (the address shows where we are) and ask.
      location.hash = current;
      set({ pendingRoute: route });
      return;
    }
    set({ route });
  },
  showToast: (message, action) =>
    set((s) => ({ toast: { id: (s.toast?.id ?? 0) + 1, message, ...(action ? { action } : {}) } })),
  dismissToast: () => set({ toast: null }),
});
