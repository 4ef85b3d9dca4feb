import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { LoginPage } from '../modules/auth/components/LoginPage';
import { CustomerDetailPage } from '../modules/customers/components/CustomerDetailPage';
import { CustomerListPage } from '../modules/customers/components/CustomerListPage';
import { AppShell } from '../modules/shell/components/AppShell';
import { useApiEvents } from '../modules/shell/hooks/useApiEvents';
import { useHashRoute } from '../modules/shell/hooks/useHashRoute';
import { SyncPage } from '../modules/sync/components/SyncPage';
import { TodayPage } from '../modules/today/components/TodayPage';
import { Logo, Spinner } from '../ui';
import { useAppStore } from './store';

export function App() {
  const sessionState = useAppStore((s) => s.sessionState);
  const signedIn = sessionState === 'signedIn';
  useHashRoute();
  useApiEvents();

  useEffect(() => {
    void useAppStore.getState().loadSession();
  }, []);

  useEffect(() => {
    if (signedIn) void useAppStore.getState().loadSyncStatus();
  }, [signedIn]);

  if (sessionState === 'unknown') return <Splash />;
  if (!signedIn) return <LoginPage />;
  return (
    <AppShell>
      <RoutedPage />
    </AppShell>
  );
}

function RoutedPage() {
  const route = useAppStore((s) => s.route);
  switch (route.name) {
    case 'today':
      return <TodayPage />;
    case 'customers':
      return <CustomerListPage />;
    case 'customer':
      return <CustomerDetailPage key={route.id} customerId={route.id} />;
    case 'sync':
      return <SyncPage />;
  }
}

function Splash() {
  const { t } = useTranslation();
  return (
    <div className="tp-splash">
      <Logo size={44} />
      <Spinner size={18} label={t('common.loading')} />
    </div>
  );
}
