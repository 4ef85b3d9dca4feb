import type { ApiHandlers } from '../../../shared/api/contract';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { Account, Workspace } from './account';
import { getCustomerDetail, listCustomers } from './db/customers';
import { listInbox } from './db/inbox';
import { listUsers } from './db/users';
import { editBase, resolveInboxEntry } from './inbox';
import { mutate } from './mutate';

export type HandlerDeps = {
  account: Account;
  now: () => number;
  /** Tells the renderer which tables changed. */
  changed: (tables: Iterable<string>) => void;
};

/**
 * The contract's handlers (shared/api/contract.ts), over the signed-in user's local database. Inputs
 * arrive already parsed by `dispatch`. Reads answer from SQLite only (they work offline); writes go
 * through `mutate` and wake the sync agent.
 */
export function createHandlers({ account, now, changed }: HandlerDeps): ApiHandlers {
  function write(ws: Workspace, name: string, args: unknown): void {
    const outcome = mutate(ws.db, ws.user, name, args, now());
    changed(outcome.tables);
    ws.agent.notifyLocalWrite();
  }

  return {
    'session.get': () => {
      const ws = account.current();
      return ws ? { user: ws.user, serverUrl: ws.serverUrl } : null;
    },
    'session.login': async ({ serverUrl, username, password }) => {
      const ws = await account.login(serverUrl, username, password);
      return { user: ws.user, serverUrl: ws.serverUrl };
    },
    'session.logout': async () => {
      await account.logout();
      return { ok: true } as const;
    },
    'customers.list': (input) => listCustomers(account.require().db, input),
    'customers.get': ({ id }) => {
      const detail = getCustomerDetail(account.require().db, id);
      if (!detail) throw new AppError('not_found', `id: no customer ${id} on this device`, { field: 'id' });
      return detail;
    },
    'customers.create': (input) => {
      const ws = account.require();
      const id = newId(now());
      write(ws, 'createCustomer', { ...input, id });
      return { id };
    },
    'customers.update': (input) => {
      const ws = account.require();
      // The base travels in the outbox entry: the server merges field by field against it (SPEC §5.6).
      const base = editBase(ws.db, input.id, input.set, input.base);
      write(ws, 'updateCustomer', { ...input, base });
      return { id: input.id };
    },
    'customers.transfer': (input) => {
      write(account.require(), 'transferCustomer', input);
      return { id: input.customerId };
    },
    'users.list': () => listUsers(account.require().db),
    'inbox.list': () => listInbox(account.require().db),
    'inbox.resolve': ({ id, action }) => {
      const ws = account.require();
      const { tables, issued } = resolveInboxEntry(ws.db, ws.user, id, action, now());
      changed(tables);
      if (issued) ws.agent.notifyLocalWrite();
      else ws.agent.publishStatus();
      return { ok: true } as const;
    },
    'followUps.log': (input) => {
      const ws = account.require();
      const id = newId(now());
      write(ws, 'logFollowUp', { ...input, id });
      return { id };
    },
    'contacts.add': (input) => {
      const ws = account.require();
      const id = newId(now());
      write(ws, 'addContact', { ...input, id });
      return { id };
    },
    'sync.status': () => account.require().agent.status(),
    'sync.now': () => account.require().agent.syncNow(),
  };
}
