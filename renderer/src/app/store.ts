import { create } from 'zustand';
import { createCustomersSlice, type CustomersSlice } from '../modules/customers/states/customersSlice';
import { createSessionSlice, type SessionSlice } from '../modules/auth/states/sessionSlice';
import { createLeadsSlice, type LeadsSlice } from '../modules/leads/states/leadsSlice';
import { createNoticesSlice, type NoticesSlice } from '../modules/notices/states/noticesSlice';
import { createPoolsSlice, type PoolsSlice } from '../modules/pools/states/poolsSlice';
import { createPublicSeaSlice, type PublicSeaSlice } from '../modules/publicSea/states/publicSeaSlice';
import { createSettingsSlice, type SettingsSlice } from '../modules/settings/states/settingsSlice';
import { createInboxSlice, type InboxSlice } from '../modules/sync/states/inboxSlice';
import { createSyncSlice, type SyncSlice } from '../modules/sync/states/syncSlice';
import { createTeamSlice, type TeamSlice } from '../modules/team/states/teamSlice';
import { createTemplatesSlice, type TemplatesSlice } from '../modules/templates/states/templatesSlice';
import { createUiSlice, type UiSlice } from '../modules/shell/states/uiSlice';

/** Everything the window keeps: one store built from the feature slices (zustand "slices pattern"). */
export type AppState = SessionSlice &
  SyncSlice &
  InboxSlice &
  CustomersSlice &
  LeadsSlice &
  SettingsSlice &
  TeamSlice &
  TemplatesSlice &
  PoolsSlice &
  PublicSeaSlice &
  NoticesSlice &
  UiSlice;

/**
 * The window's one store. Middleware (none needed yet) would go here, on the root only: slices are
 * plain `StateCreator<AppState, [], [], Slice>`.
 */
export const useAppStore = create<AppState>()((...a) => ({
  ...createSessionSlice(...a),
  ...createSyncSlice(...a),
  ...createInboxSlice(...a),
  ...createCustomersSlice(...a),
  ...createLeadsSlice(...a),
  ...createSettingsSlice(...a),
  ...createTeamSlice(...a),
  ...createTemplatesSlice(...a),
  ...createPoolsSlice(...a),
  ...createPublicSeaSlice(...a),
  ...createNoticesSlice(...a),
  ...createUiSlice(...a),
}));
