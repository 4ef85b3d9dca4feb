import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import { navSection, type Route } from '../../../app/routes';
import { useAppStore } from '../../../app/store';
import { Avatar, Icon, Logo, type IconName } from '../../../ui';
import { SyncIndicator } from '../../sync/components/SyncIndicator';
import { inboxCount } from '../../sync/utils/syncView';
import { LanguageSwitch } from './LanguageSwitch';

const NAV: { section: 'today' | 'customers' | 'sync'; route: Route; icon: IconName }[] = [
  { section: 'today', route: { name: 'today' }, icon: 'today' },
  { section: 'customers', route: { name: 'customers' }, icon: 'customers' },
  { section: 'sync', route: { name: 'sync' }, icon: 'sync' },
];

/** The frame around every signed-in screen: navigation on the left, who/sync/language on top. */
export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="tp-shell">
      <Sidebar />
      <div className="tp-shell__main">
        <TopBar />
        <main className="tp-shell__content" id="main">
          {children}
        </main>
      </div>
    </div>
  );
}

function Sidebar() {
  const { t } = useTranslation();
  const { route, navigate, pending, inbox, serverUrl } = useAppStore(
    useShallow((s) => ({
      route: s.route,
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
        {NAV.map((item) => (
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
                  {inbox}
                </span>
              ) : item.section === 'sync' && pending > 0 ? (
                <span className="tp-navitem__count">{pending}</span>
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

function TopBar() {
  const { t } = useTranslation();
  const { user, logout } = useAppStore(
    useShallow((s) => ({ user: s.session?.user ?? null, logout: s.logout })),
  );
  return (
    <header className="tp-topbar">
      <div className="tp-topbar__left">
        <SyncIndicator />
      </div>
      <div className="tp-topbar__right">
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
