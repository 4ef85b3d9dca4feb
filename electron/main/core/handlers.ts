import type { z } from 'zod';
import type { ApiHandlers } from '../../../shared/api/contract';
import type { DuplicateMatch } from '../../../shared/domain/uniqueness';
import { recycleRunResponse, savePoolResponse } from '../../../shared/pools/schema';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { DuplicateCheckRequest } from '../../../shared/sync/protocol';
import {
  adminOkResponse,
  createTemplateResponse,
  listTemplatesResponse,
  publishTemplateResponse,
} from '../../../shared/templates/admin';
import type { Account, Workspace } from './account';
import { getCustomerDetail, listCustomers, listLeads } from './db/customers';
import { assertNoLocalDuplicate, findLocalDuplicates, type UniqueValues } from './db/duplicates';
import { listInbox } from './db/inbox';
import { dismissNotices, listNotices } from './db/notices';
import { pendingRowIds } from './db/outbox';
import { listPools } from './db/pools';
import { recycleContext } from './db/recycle';
import { getRow } from './db/rows';
import { getSettings } from './db/settings';
import { currentTemplateVersions, getCatalog } from './db/templates';
import { listUsers } from './db/users';
import { endOfLocalDay, followUpFeed, getToday, listOpportunities } from './db/work';
import { editBase, resolveInboxEntry } from './inbox';
import { mutate } from './mutate';
import type { HttpMethod } from './sync/transport';

export type HandlerDeps = {
  account: Account;
  now: () => number;
  /** Tells the renderer which tables changed. */
  changed: (tables: Iterable<string>) => void;
};

/** What browsing the public sea without the server says (devices hold no public customers). */
export const PUBLIC_SEA_OFFLINE =
  'The public sea is browsed online: this device cannot reach the sync server now. Your private sea works offline as usual.';

/** How long the online duplicate check may take before the form goes on with the local answer alone. */
export const ONLINE_DUPLICATE_CHECK_TIMEOUT_MS = 1500;

/** The unique fields (name, credit code, phone) an edit or capture sets, for the duplicate check. */
function uniqueValuesOf(values: Record<string, unknown>): UniqueValues & DuplicateCheckRequest {
  const out: UniqueValues & DuplicateCheckRequest = {};
  for (const field of ['name', 'creditCode', 'phone'] as const) {
    const v = values[field];
    if (typeof v === 'string') out[field] = v;
  }
  return out;
}

/**
 * The local matches, then the server's that add something: a collision the device already named (the
 * same customer, or another rep's on the same field) is listed once, with the device's richer details.
 */
function mergeMatches(local: DuplicateMatch[], remote: DuplicateMatch[]): DuplicateMatch[] {
  const out = [...local];
  for (const m of remote) {
    const known = out.some(
      (l) =>
        l.field === m.field &&
        l.holder === m.holder &&
        (m.customerId ? l.customerId === m.customerId : l.holderName === m.holderName),
    );
    if (!known) out.push(m);
  }
  return out;
}

/**
 * Resolves with `promise`, or null once `ms` have passed: the form never waits longer for the server
 * than promised, whatever the fetch underneath does with its abort signal.
 */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | null> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The contract's handlers (shared/api/contract.ts), over the signed-in user's local database. Inputs
 * arrive already parsed by `dispatch`. Reads answer from SQLite only (they work offline); writes go
 * through `mutate` and wake the sync agent. Ids of new rows are made here (UUIDv7), never by the renderer.
 */
export function createHandlers({ account, now, changed }: HandlerDeps): ApiHandlers {
  function write(ws: Workspace, name: string, args: unknown): void {
    const outcome = mutate(ws.db, ws.user, name, args, now());
    changed(outcome.tables);
    ws.agent.notifyLocalWrite();
  }

  /**
   * The designer's server operations (docs/templates.md "Admin API"): forwarded with the session's token,
   * the answer checked with the shared schema, the server's refusal passed on with its code, field and
   * params; no network is `offline`. Drafts live on the server only; what a write publishes or changes
   * reaches devices by the pull, so after a write the device syncs before answering and then holds it.
   */
  async function admin<T>(
    method: HttpMethod,
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    opts: { write: boolean },
  ): Promise<T> {
    const ws = account.require();
    const call = ws.transport.admin;
    if (!call)
      throw new AppError('offline', 'The designer needs the sync server, which this device cannot reach');
    const answer = await call(method, path, body, schema);
    if (opts.write) await ws.agent.syncNow();
    return answer;
  }
  const segment = (value: string) => encodeURIComponent(value);

  /** Refuses a capture or edit that duplicates a customer this device holds (before anything is written). */
  function checkLocalDuplicate(ws: Workspace, values: Record<string, unknown>, excludeId?: string): void {
    assertNoLocalDuplicate(ws.db, uniqueValuesOf(values), { userId: ws.user.id, excludeId });
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
    'customers.list': (input) => {
      const ws = account.require();
      return listCustomers(
        ws.db,
        { ...input, dueBefore: endOfLocalDay(now()) },
        { recycle: recycleContext(ws.db, ws.user.orgId) },
      );
    },
    'customers.get': ({ id }) => {
      const ws = account.require();
      const detail = getCustomerDetail(ws.db, id, {
        userId: ws.user.id,
        settings: getSettings(ws.db, ws.user.orgId),
        recycle: recycleContext(ws.db, ws.user.orgId),
      });
      if (!detail) throw new AppError('not_found', `id: no customer ${id} on this device`, { field: 'id' });
      return detail;
    },
    'customers.checkDuplicate': async ({ excludeId, ...values }) => {
      const ws = account.require();
      const unique = uniqueValuesOf(values);
      const local = findLocalDuplicates(ws.db, unique, { userId: ws.user.id, excludeId });
      const ask = ws.transport.checkDuplicates;
      if (!ask || !ws.agent.status().online || Object.values(unique).every((v) => !v?.trim())) {
        return { matches: local, checkedOnline: false };
      }
      // Only the values being captured travel, and the server answers only about them: nothing about
      // other reps' customers is ever stored on the device for this check.
      const req: DuplicateCheckRequest = { ...unique, ...(excludeId ? { excludeId } : {}) };
      const remote = await withTimeout(
        ask(req, { timeoutMs: ONLINE_DUPLICATE_CHECK_TIMEOUT_MS }),
        ONLINE_DUPLICATE_CHECK_TIMEOUT_MS,
      ).catch(() => null);
      return remote
        ? { matches: mergeMatches(local, remote.matches), checkedOnline: true }
        : { matches: local, checkedOnline: false };
    },
    'customers.create': (input) => {
      const ws = account.require();
      checkLocalDuplicate(ws, input);
      const id = newId(now());
      write(ws, 'createCustomer', { ...input, id });
      return { id };
    },
    'customers.update': (input) => {
      const ws = account.require();
      // Leads are exempt from uniqueness until they are converted.
      if (getRow(ws.db, 'customers', input.id)?.kind === 'customer') {
        checkLocalDuplicate(ws, input.set, input.id);
      }
      // The base travels in the outbox entry: the server merges field by field against it (SPEC §5.6).
      const base = editBase(ws.db, input.id, input.set, input.base);
      write(ws, 'updateCustomer', { ...input, base });
      return { id: input.id };
    },
    'customers.transfer': (input) => {
      write(account.require(), 'transferCustomer', input);
      return { id: input.customerId };
    },
    'customers.claim': (input) => {
      write(account.require(), 'claimCustomer', input);
      return { ok: true } as const;
    },
    // Applied here at once: the customer leaves my lists and Today (its row waits as `public` until the
    // server's answer removes it, or a refusal puts it back).
    'customers.release': (input) => {
      write(account.require(), 'releaseCustomer', input);
      return { ok: true } as const;
    },
    'customers.lock': (input) => {
      write(account.require(), 'lockCustomer', input);
      return { ok: true } as const;
    },
    // A server operation like a claim: the public-sea customer is not on this device.
    'customers.assign': (input) => {
      write(account.require(), 'assignCustomer', input);
      return { ok: true } as const;
    },
    'publicSea.list': async (query) => {
      const ws = account.require();
      const search = ws.transport.searchPublicSea;
      if (!search) throw new AppError('offline', PUBLIC_SEA_OFFLINE);
      try {
        return await search(query);
      } catch (err) {
        // No answer at all: say what the user can do about it rather than which URL failed.
        if (err instanceof AppError && err.code === 'offline') {
          throw new AppError('offline', PUBLIC_SEA_OFFLINE);
        }
        throw err;
      }
    },
    'pools.list': () => listPools(account.require().db),
    'leads.list': (input) => {
      const ws = account.require();
      return listLeads(ws.db, input, { recycle: recycleContext(ws.db, ws.user.orgId) });
    },
    'leads.create': (input) => {
      const ws = account.require();
      const id = newId(now());
      const contact = input.contact ? { ...input.contact, id: newId(now()) } : null;
      write(ws, 'createLead', { ...input, id, contact });
      return { id };
    },
    'leads.convert': (input) => {
      const ws = account.require();
      const lead = getRow(ws.db, 'customers', input.id);
      if (lead?.kind === 'lead') {
        // The customer it becomes: the confirmed fields, else the lead's own values.
        const set = input.set as Record<string, unknown>;
        const pick = (field: 'name' | 'creditCode' | 'phone') =>
          Object.hasOwn(set, field) ? set[field] : lead[field];
        checkLocalDuplicate(
          ws,
          { name: pick('name'), creditCode: pick('creditCode'), phone: pick('phone') },
          input.id,
        );
      }
      const opportunity = input.opportunity
        ? { ...input.opportunity, id: newId(now()), stageChangeId: newId(now()) }
        : null;
      write(ws, 'convertLead', { ...input, opportunity });
      return { id: input.id, opportunityId: opportunity?.id ?? null };
    },
    'opportunities.list': (input) => {
      const { db } = account.require();
      return listOpportunities(db, input, pendingRowIds(db));
    },
    'opportunities.create': (input) => {
      const ws = account.require();
      const id = newId(now());
      write(ws, 'createOpportunity', { ...input, id, stageChangeId: newId(now()) });
      return { id };
    },
    'opportunities.update': (input) => {
      const ws = account.require();
      const base = editBase(ws.db, input.id, input.set, input.base, 'opportunities');
      write(ws, 'updateOpportunity', { ...input, base });
      return { id: input.id };
    },
    'opportunities.moveStage': (input) => {
      write(account.require(), 'moveOpportunityStage', { ...input, stageChangeId: newId(now()) });
      return { id: input.id };
    },
    'followUps.log': (input) => {
      const ws = account.require();
      const id = newId(now());
      // "Next follow-up at" plans a task: the core makes its id, so the device and the server agree on it.
      const nextTaskId = input.nextFollowUpAt !== null ? newId(now()) : null;
      write(ws, 'logFollowUp', { ...input, id, nextTaskId });
      return { id };
    },
    'followUps.update': (input) => {
      write(account.require(), 'updateFollowUp', input);
      return { id: input.id };
    },
    'followUps.delete': (input) => {
      write(account.require(), 'deleteFollowUp', input);
      return { ok: true } as const;
    },
    'followUps.feed': (input) => {
      const ws = account.require();
      return followUpFeed(ws.db, input, {
        userId: ws.user.id,
        settings: getSettings(ws.db, ws.user.orgId),
        pending: pendingRowIds(ws.db),
      });
    },
    'tasks.create': (input) => {
      const ws = account.require();
      const id = newId(now());
      write(ws, 'createTask', { ...input, id });
      return { id };
    },
    'tasks.cancel': (input) => {
      write(account.require(), 'cancelTask', input);
      return { ok: true } as const;
    },
    'today.get': () => {
      const ws = account.require();
      return getToday(ws.db, {
        userId: ws.user.id,
        now: now(),
        settings: getSettings(ws.db, ws.user.orgId),
        pending: pendingRowIds(ws.db),
        recycle: recycleContext(ws.db, ws.user.orgId),
      });
    },
    'settings.get': () => {
      const ws = account.require();
      return getSettings(ws.db, ws.user.orgId);
    },
    'settings.update': (input) => {
      write(account.require(), 'updateSettings', input);
      return { ok: true } as const;
    },
    'contacts.add': (input) => {
      const ws = account.require();
      const id = newId(now());
      write(ws, 'addContact', { ...input, id });
      return { id };
    },
    'contacts.update': (input) => {
      const ws = account.require();
      const base = editBase(ws.db, input.id, input.set, input.base, 'contacts');
      write(ws, 'updateContact', { ...input, base });
      return { id: input.id };
    },
    'templates.definitions': () => {
      const ws = account.require();
      return { catalog: getCatalog(ws.db, ws.user.orgId), versions: currentTemplateVersions(ws.db) };
    },
    'admin.templates.list': () =>
      admin('GET', '/admin/templates', undefined, listTemplatesResponse, { write: false }),
    // Drafts never leave the server: creating or saving one changes nothing a device holds.
    'admin.templates.create': (input) =>
      admin('POST', '/admin/templates', input, createTemplateResponse, { write: false }),
    'admin.templates.save': ({ id, ...draft }) =>
      admin('PUT', `/admin/templates/${segment(id)}`, draft, adminOkResponse, { write: false }),
    'admin.templates.publish': ({ id }) =>
      admin('POST', `/admin/templates/${segment(id)}/publish`, {}, publishTemplateResponse, { write: true }),
    'admin.optionLists.save': (list) =>
      admin('PUT', `/admin/option-lists/${segment(list.key)}`, list, adminOkResponse, { write: true }),
    'admin.fields.save': (field) =>
      admin('PUT', `/admin/fields/${segment(field.key)}`, field, adminOkResponse, { write: true }),
    // Pools change what every device holds (rules, countdowns): the device syncs before answering.
    'admin.pools.save': (pool) => admin('POST', '/admin/pools', pool, savePoolResponse, { write: true }),
    // A dry run changes nothing; a real one moves customers, which the sync brings (or removes) here.
    'admin.pools.run': (req) =>
      admin('POST', '/admin/pools/run', req, recycleRunResponse, { write: !req.dryRun }),
    'notices.list': () => listNotices(account.require().db),
    'notices.dismiss': ({ ids }) => {
      const ws = account.require();
      if (dismissNotices(ws.db, ids, now()) > 0) changed(['notices']);
      return { ok: true } as const;
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
    'sync.status': () => account.require().agent.status(),
    'sync.now': () => account.require().agent.syncNow(),
  };
}
