import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { LoginPage } from '../modules/auth/components/LoginPage';
import { CustomerDetailPage } from '../modules/customers/components/CustomerDetailPage';
import { CustomerListPage } from '../modules/customers/components/CustomerListPage';
import { FormDesignerPage } from '../modules/designer/components/FormDesignerPage';
import { TeamFeedPage } from '../modules/followUps/components/TeamFeedPage';
import { LeadListPage } from '../modules/leads/components/LeadListPage';
import { PipelinePage } from '../modules/pipeline/components/PipelinePage';
import { PoolsPage } from '../modules/pools/components/PoolsPage';
import { PublicSeaPage } from '../modules/publicSea/components/PublicSeaPage';
import { SettingsPage } from '../modules/settings/components/SettingsPage';
import { AppShell } from '../modules/shell/components/AppShell';
import { useApiEvents } from '../modules/shell/hooks/useApiEvents';
import { useHashRoute } from '../modules/shell/hooks/useHashRoute';
import { SyncPage } from '../modules/sync/components/SyncPage';
import { TodayPage } from '../modules/today/components/TodayPage';
import { Logo, Spinner } from '../ui';
import { useAppStore } from './store';

export function App() {
  const sessionState = useAppStore((s) => s.sessionState);
  const dataVersion = useAppStore((s) => s.dataVersion);
  const lastSyncAt = useAppStore((s) => s.syncStatus?.lastSyncAt ?? null);
  const signedIn = sessionState === 'signedIn';
  useHashRoute();
  useApiEvents();

  useEffect(() => {
    void useAppStore.getState().loadSession();
  }, []);

  useEffect(() => {
    if (signedIn) void useAppStore.getState().loadSyncStatus();
  }, [signedIn]);

  useEffect(() => {
    // The org's lists label and validate every form offline; an admin's change arrives with a pull.
    // The pools (release targets, the countdown's rule) and the notices of moves travel the same way.
    if (!signedIn) return;
    const { loadOrgSettings, loadPools, loadNotices } = useAppStore.getState();
    void loadOrgSettings();
    void loadPools();
    void loadNotices();
  }, [signedIn, dataVersion]);

  useEffect(() => {
    // Business-profile forms render from the synced catalog and template versions. `data.changed` for
    // their tables reloads them; a finished sync does too, in case the event stream missed one.
    if (signedIn) void useAppStore.getState().loadTemplates();
  }, [signedIn, lastSyncAt]);

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
    case 'leads':
      return <LeadListPage />;
    case 'lead':
      return <CustomerDetailPage key={route.id} customerId={route.id} asLead />;
    case 'pipeline':
      return <PipelinePage />;
    case 'followUps':
      return <TeamFeedPage />;
    case 'sync':
      return <SyncPage />;
    case 'settings':
      return <SettingsPage />;
    case 'forms':
      return <FormDesignerPage />;
    case 'sea':
      return <PublicSeaPage />;
    case 'pools':
      return <PoolsPage />;
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
