import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { navSection, type NavSection, type Route } from '../../../app/routes';
import { useAppStore } from '../../../app/store';
import { formatNumber } from '../../../i18n/format';
import {
  Avatar,
  ConfirmDialog,
  Icon,
  isModShortcut,
  Logo,
  modKeyLabel,
  Toast,
  type IconName,
} from '../../../ui';
import { QuickLogDialog, type QuickLogged } from '../../followUps/components/QuickLogDialog';
import { NoticeIndicator } from '../../notices/components/NoticeIndicator';
import { poolScope } from '../../pools/utils/poolAccess';
import { SyncIndicator } from '../../sync/components/SyncIndicator';
import { inboxCount } from '../../sync/utils/syncView';
import type { SessionUser } from '../../../../../shared/sync/protocol';
import { LanguageSwitch } from './LanguageSwitch';

type NavItem = {
  section: NavSection;
  route: Route;
  icon: IconName;
  /** Who sees it (everyone when absent). */
  roles?: readonly SessionUser['role'][];
  /** Also shown to a manager named among some pool's admins (`poolScope`). */
  poolAdmins?: true;
};

const NAV: readonly NavItem[] = [
  { section: 'today', route: { name: 'today' }, icon: 'today' },
  { section: 'customers', route: { name: 'customers' }, icon: 'customers' },
  { section: 'leads', route: { name: 'leads' }, icon: 'lead' },
  { section: 'sea', route: { name: 'sea' }, icon: 'wave' },
  { section: 'pipeline', route: { name: 'pipeline' }, icon: 'pipeline' },
  { section: 'followUps', route: { name: 'followUps' }, icon: 'feed', roles: ['manager', 'admin'] },
  { section: 'sync', route: { name: 'sync' }, icon: 'sync' },
  { section: 'forms', route: { name: 'forms' }, icon: 'form', roles: ['admin'] },
  { section: 'pools', route: { name: 'pools' }, icon: 'sliders', roles: ['admin'], poolAdmins: true },
  { section: 'settings', route: { name: 'settings' }, icon: 'settings', roles: ['admin'] },
];

/**
 * The key that opens quick log from anywhere, with Ctrl/⌘. K is the "go to / do" key of most business
 * apps; neither Electron's default menu nor the browser keeps it from a page that handles it.
 */
export const QUICK_LOG_KEY = 'K';

/** The frame around every signed-in screen: navigation on the left, who/sync/language on top. */
export function AppShell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { navigate, invalidate, toast, dismissToast, pendingRoute, leaveGuardBody, resolvePendingRoute } =
    useAppStore(
      useShallow((s) => ({
        navigate: s.navigate,
        invalidate: s.invalidateData,
        toast: s.toast,
        dismissToast: s.dismissToast,
        pendingRoute: s.pendingRoute,
        leaveGuardBody: s.leaveGuardBody,
        resolvePendingRoute: s.resolvePendingRoute,
      })),
    );
  const [quickLog, setQuickLog] = useState(false);
  const [logged, setLogged] = useState<QuickLogged | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isModShortcut(e, QUICK_LOG_KEY)) return;
      e.preventDefault();
      // Another dialog is open (an edit in progress): never stack a second one over it.
      if (document.querySelector('[role="dialog"]')) return;
      setQuickLog(true);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const onSaved = (saved: QuickLogged) => {
    setQuickLog(false);
    setLogged(saved);
    // The core wrote it locally: the list's "last follow-up" and an open detail page reload now.
    invalidate();
  };

  return (
    <div className="tp-shell">
      <Sidebar />
      <div className="tp-shell__main">
        <TopBar onQuickLog={() => setQuickLog(true)} />
        <main className="tp-shell__content" id="main">
          {children}
        </main>
      </div>
      {quickLog ? <QuickLogDialog onClose={() => setQuickLog(false)} onSaved={onSaved} /> : null}
      {pendingRoute ? (
        <ConfirmDialog
          title={t('designer.leaveTitle')}
          body={leaveGuardBody ?? t('designer.leaveBody')}
          confirmLabel={t('designer.leaveConfirm')}
          cancelLabel={t('designer.leaveStay')}
          closeLabel={t('common.close')}
          busy={false}
          onConfirm={() => resolvePendingRoute(true)}
          onClose={() => resolvePendingRoute(false)}
        />
      ) : null}
      {logged ? (
        <Toast
          key={logged.id}
          testId="quick-log-saved"
          onClose={() => setLogged(null)}
          closeLabel={t('common.close')}
          action={
            <button
              type="button"
              className="tp-toast__action"
              onClick={() => {
                navigate({ name: 'customer', id: logged.customer.id });
                setLogged(null);
              }}
            >
              {t('quickLog.openCustomer')}
            </button>
          }
        >
          {t('quickLog.saved', { customer: logged.customer.shortName ?? logged.customer.name })}
        </Toast>
      ) : toast ? (
        <Toast
          key={toast.id}
          testId="app-toast"
          onClose={dismissToast}
          closeLabel={t('common.close')}
          action={
            toast.action ? (
              <button
                type="button"
                className="tp-toast__action"
                onClick={() => {
                  if (toast.action) navigate(toast.action.route);
                  dismissToast();
                }}
              >
                {toast.action.label}
              </button>
            ) : undefined
          }
        >
          {toast.message}
        </Toast>
      ) : null}
    </div>
  );
}

function Sidebar() {
  const { t } = useTranslation();
  const { route, navigate, pending, inbox, serverUrl, locale, role, poolAdmin } = useAppStore(
    useShallow((s) => ({
      role: s.session?.user.role,
      // From the synced pools, so an admin naming a manager shows them the entry after the next pull.
      poolAdmin: poolScope(s.session?.user, s.pools) === 'own',
      route: s.route,
      locale: s.locale,
      navigate: s.navigate,
      pending: s.syncStatus?.pending ?? 0,
      inbox: inboxCount(s.syncStatus),
      serverUrl: s.session?.serverUrl ?? '',
    })),
  );
  const active = navSection(route);
  return (
    <nav className="tp-sidebar" aria-label={t('nav.workspace')}>
      <div className="tp-sidebar__brand">
        <Logo size={26} withWordmark wordmark="Tidepool" />
      </div>
      <div className="tp-sidebar__section">{t('nav.workspace')}</div>
      <ul className="tp-sidebar__nav">
        {NAV.filter(
          (item) =>
            !item.roles ||
            (role !== undefined && item.roles.includes(role)) ||
            (item.poolAdmins === true && poolAdmin),
        ).map((item) => (
          <li key={item.section}>
            <button
              type="button"
              className={active === item.section ? 'tp-navitem tp-navitem--active' : 'tp-navitem'}
              data-testid={`nav-${item.section}`}
              aria-current={active === item.section ? 'page' : undefined}
              onClick={() => navigate(item.route)}
            >
              <Icon name={item.icon} size={17} />
              <span>{t(`nav.${item.section}`)}</span>
              {item.section === 'sync' && inbox > 0 ? (
                // Entries waiting for a decision matter more than a queue that drains by itself.
                <span
                  className="tp-navitem__count tp-navitem__count--alert"
                  title={t('sync.inboxBadge', { count: inbox })}
                >
                  {formatNumber(inbox, locale)}
                </span>
              ) : item.section === 'sync' && pending > 0 ? (
                <span className="tp-navitem__count">{formatNumber(pending, locale)}</span>
              ) : null}
            </button>
          </li>
        ))}
      </ul>
      <div className="tp-sidebar__footer" title={serverUrl}>
        <Icon name="server" size={14} />
        <span className="tp-sidebar__server">{serverUrl.replace(/^https?:\/\//, '')}</span>
      </div>
    </nav>
  );
}

function TopBar({ onQuickLog }: { onQuickLog: () => void }) {
  const { t } = useTranslation();
  const shortcut = `${modKeyLabel()}${modKeyLabel() === '⌘' ? '' : '+'}${QUICK_LOG_KEY}`;
  const { user, logout } = useAppStore(
    useShallow((s) => ({ user: s.session?.user ?? null, logout: s.logout })),
  );
  return (
    <header className="tp-topbar">
      <div className="tp-topbar__left">
        <SyncIndicator />
        <NoticeIndicator />
      </div>
      <div className="tp-topbar__right">
        <button
          type="button"
          className="tp-quickbtn"
          data-testid="quick-log"
          onClick={onQuickLog}
          title={`${t('quickLog.button')} (${shortcut})`}
          aria-keyshortcuts={modKeyLabel() === '⌘' ? `Meta+${QUICK_LOG_KEY}` : `Control+${QUICK_LOG_KEY}`}
        >
          <Icon name="edit" size={14} />
          <span>{t('quickLog.button')}</span>
          <kbd className="tp-quickbtn__kbd">{shortcut}</kbd>
        </button>
        <span className="tp-topbar__divider" aria-hidden="true" />
        <LanguageSwitch />
        <span className="tp-topbar__divider" aria-hidden="true" />
        {user ? (
          <div className="tp-user" data-testid="current-user">
            <Avatar name={user.displayName} size={28} />
            <div className="tp-user__text">
              <span className="tp-user__name">{user.displayName}</span>
              <span className="tp-user__role">{t(`roles.${user.role}`)}</span>
            </div>
          </div>
        ) : null}
        <button
          type="button"
          className="tp-iconbtn"
          data-testid="logout"
          onClick={() => void logout()}
          title={t('nav.logout')}
          aria-label={t('nav.logout')}
        >
          <Icon name="logout" size={16} />
        </button>
      </div>
    </header>
  );
}
