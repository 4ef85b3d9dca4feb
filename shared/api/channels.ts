/**
 * The channel names alone, without schemas, so the preload (a tiny sandboxed bundle) can expose one
 * function per channel without pulling in zod. A test checks it against `apiContract`.
 */
export const API_CHANNELS = [
  'session.get',
  'session.login',
  'session.logout',
  'customers.list',
  'customers.get',
  'customers.checkDuplicate',
  'customers.claim',
  'leads.list',
  'leads.create',
  'leads.convert',
  'opportunities.list',
  'opportunities.create',
  'opportunities.update',
  'opportunities.moveStage',
  'followUps.update',
  'followUps.delete',
  'followUps.feed',
  'tasks.create',
  'tasks.cancel',
  'today.get',
  'settings.get',
  'settings.update',
  'customers.create',
  'customers.update',
  'followUps.log',
  'contacts.add',
  'customers.transfer',
  'users.list',
  'inbox.list',
  'inbox.resolve',
  'sync.status',
  'sync.now',
] as const;

export const API_EVENT_CHANNEL = 'api:event';
