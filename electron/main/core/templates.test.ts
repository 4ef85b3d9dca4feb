import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../../shared/api/contract';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { SessionUser } from '../../../shared/sync/protocol';
import { getRow } from './db/rows';
import { createClientCore, dispatch, type ClientCore } from './index';
import { createFakeSyncServer, type FakeSyncServer } from './sync/fakeSyncServer';
import { makeTempDir, openTestDatabase, testCustomer, testTemplates, testUser, TEST_ORG_ID } from './testing';

/**
 * Issue 5 on the device (docs/templates.md), through the contract as the renderer calls it, against the
 * in-memory stand-in of the server: the definitions forms render with, template values written offline
 * and judged by the shared validator, uniqueness against what the device holds, key-by-key merge and the
 * inbox for attributes, list filters and columns, and the designer's calls forwarded to the server.
 */

const NOW = Date.UTC(2025, 5, 11, 6, 0, 0);
const rep = testUser();
const lina = testUser({ username: 'lina', displayName: '李娜' });
const admin = testUser({ username: 'admin', displayName: '管理员', role: 'admin' });
const sessionOf = (u: typeof rep): SessionUser => ({
  id: u.id,
  orgId: TEST_ORG_ID,
  teamId: null,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
});
const templates = testTemplates({ publishedBy: admin.id });
const { customerV1, customerV2, contactV1 } = templates;
const mine = testCustomer({ name: '上海浦东恒瑞精密机械有限公司', ownerId: rep.id, phone: null });
const linas = testCustomer({ name: '苏州华信电子科技有限公司', ownerId: lina.id, phone: null });

/** A channel called the way the renderer calls it: raw input, validated by the contract (`dispatch`). */
async function api<T = unknown>(core: ClientCore, channel: string, input: unknown): Promise<T> {
  const result = await dispatch(core.handlers, channel, input);
  if (result.ok) return result.data as T;
  throw new AppError(result.error.code as ErrorCode, result.error.message, {
    ...(result.error.field !== undefined ? { field: result.error.field } : {}),
    ...(result.error.params !== undefined ? { params: result.error.params } : {}),
  });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('business profiles from templates on the device', () => {
  const temp = makeTempDir();
  const cores: ClientCore[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
  });
  afterAll(() => temp.remove());

  function serverWith(extra: { templates?: boolean } = {}) {
    return createFakeSyncServer(sessionOf(rep), {
      users: [rep, lina, admin],
      customers: [mine, linas],
      ...(extra.templates === false
        ? {}
        : { catalogs: [templates.catalog], templateVersions: templates.versions }),
    });
  }

  async function open(server: FakeSyncServer, opts: { sync?: boolean } = {}) {
    const dataDir = `${temp.dir}/${newId()}`;
    const events: ApiEvent[] = [];
    const core = await createClientCore({
      dataDir,
      fetch: server.fetch,
      now: () => NOW,
      syncIntervalMs: 600_000,
      maxBackoffMs: 600_000,
      debounceMs: 600_000,
      pokes: false,
    });
    cores.push(core);
    core.onEvent((e) => events.push(e));
    await api(core, 'session.login', { serverUrl: 'http://sync.test', username: 'zhangwei', password: 'x' });
    if (opts.sync !== false) await core.syncNow();
    const db = () => openTestDatabase(dataDir, `users/${rep.id}.db`);
    return { core, events, db };
  }

  const createCustomer = (core: ClientCore, name: string, attrs: Record<string, unknown>) =>
    api<{ id: string }>(core, 'customers.create', { name, attrs, templateVersionId: customerV2.id });

  it('answers the definitions forms render with: the catalog and the newest version of each template', async () => {
    const server = serverWith();
    const { core } = await open(server, { sync: false });
    expect(await api(core, 'templates.definitions', {})).toEqual({ catalog: null, versions: [] });
    await core.syncNow();
    const defs = await api<{ catalog: unknown; versions: { id: string }[] }>(
      core,
      'templates.definitions',
      {},
    );
    expect(defs.catalog).toEqual({ ...templates.catalog, version: 1 });
    expect(defs.versions.map((v) => v.id).sort()).toEqual([customerV2.id, contactV1.id].sort());
  });

  it('stores values judged by the version the form used, and lists, filters and shows them', async () => {
    const server = serverWith();
    const { core } = await open(server);
    const { id } = await createCustomer(core, '杭州新宇网络科技有限公司', {
      taxno: ' 91330100 ',
      size: 'large',
      employees: 250,
      founded: '2012-05-01',
      manager: lina.id,
      note: '',
    });
    const detail = await api<{ customer: { attrs: unknown; templateVersionId: string } }>(
      core,
      'customers.get',
      { id },
    );
    // Trimmed, the empty note dropped, the version remembered.
    expect(detail.customer).toMatchObject({
      attrs: { taxno: '91330100', size: 'large', employees: 250, founded: '2012-05-01', manager: lina.id },
      templateVersionId: customerV2.id,
    });
    const list = (attrFilters: unknown[], attrColumns?: string[]) =>
      api<{ rows: { id: string; attrs: Record<string, unknown> }[]; total: number }>(core, 'customers.list', {
        offset: 0,
        limit: 50,
        sort: { column: 'name', desc: false },
        attrFilters,
        ...(attrColumns ? { attrColumns } : {}),
      });
    const hit = await list(
      [
        { field: 'size', op: 'in', values: ['large', 'group'] },
        { field: 'employees', op: 'range', min: 100, max: 500 },
        { field: 'founded', op: 'range', min: '2010-01-01', max: '2015-12-31' },
      ],
      ['size', 'employees', 'nonexistent'],
    );
    expect(hit).toEqual({
      rows: [expect.objectContaining({ id, attrs: { size: 'large', employees: 250 } })],
      total: 1,
    });
    expect((await list([{ field: 'employees', op: 'range', min: 251 }])).total).toBe(0);
    expect((await list([{ field: 'note', op: 'empty' }])).total).toBe(3);
    expect((await list([{ field: 'taxno', op: 'contains', text: '3301' }])).rows.map((r) => r.id)).toEqual([
      id,
    ]);
    const refusedFilter = await refusal(
      api(core, 'customers.list', {
        offset: 0,
        limit: 5,
        sort: { column: 'name', desc: false },
        attrFilters: [{ field: 'Size', op: 'in', values: ['x'] }],
      }),
    );
    expect(refusedFilter).toMatchObject({ code: 'validation' });
    expect(refusedFilter.field).toMatch(/^attrFilters\.0\.field/);
  });

  it('refuses bad values field by field, a unique value the device already holds, and an unknown user', async () => {
    const server = serverWith();
    const { core, db } = await open(server);
    await createCustomer(core, '杭州新宇网络科技有限公司', { taxno: 'T-1' });

    const bad = await refusal(createCustomer(core, '宁波瑞丰新材料股份有限公司', { size: 'huge' }));
    expect(bad).toMatchObject({ code: 'validation', field: 'attrs.size', params: { rule: 'option' } });
    const dup = await refusal(createCustomer(core, '宁波瑞丰新材料股份有限公司', { taxno: 'T-1' }));
    expect(dup).toMatchObject({
      code: 'duplicate',
      field: 'attrs.taxno',
      params: { holder: 'self', customerName: '杭州新宇网络科技有限公司' },
    });
    // Another rep's record that this device holds (a manager's view of the team) is named with its owner.
    await api(core, 'customers.update', {
      id: linas.id,
      set: { attrs: { taxno: 'T-LINA' } },
      templateVersionId: customerV2.id,
    });
    expect(
      await refusal(
        api(core, 'customers.update', {
          id: mine.id,
          set: { attrs: { taxno: 'T-LINA' } },
          templateVersionId: customerV2.id,
        }),
      ),
    ).toMatchObject({
      code: 'duplicate',
      params: { holder: 'user', holderName: '李娜', customerId: linas.id },
    });
    const ghost = await refusal(createCustomer(core, '宁波瑞丰新材料股份有限公司', { manager: newId() }));
    expect(ghost).toMatchObject({ code: 'validation', field: 'attrs.manager', params: { rule: 'user' } });
    const noVersion = await refusal(
      api(core, 'customers.create', { name: '宁波瑞丰新材料股份有限公司', attrs: { size: 'large' } }),
    );
    expect(noVersion).toMatchObject({ code: 'validation', field: 'templateVersionId' });

    // A unique contact field is checked against the contacts the device holds.
    await api(core, 'contacts.add', {
      customerId: mine.id,
      name: '王强',
      attrs: { wechat_group: '恒瑞采购群' },
      templateVersionId: contactV1.id,
    });
    expect(
      await refusal(
        api(core, 'contacts.add', {
          customerId: linas.id,
          name: '赵敏',
          attrs: { wechat_group: '恒瑞采购群' },
          templateVersionId: contactV1.id,
        }),
      ),
    ).toMatchObject({ code: 'duplicate', field: 'attrs.wechat_group', params: { customerId: mine.id } });
    // Nothing refused was written or queued.
    const file = db();
    try {
      expect(file.prepare('SELECT name FROM outbox ORDER BY seq').pluck().all()).toEqual([
        'createCustomer',
        'updateCustomer',
        'addContact',
      ]);
      expect(file.prepare(`SELECT count(*) FROM contacts WHERE customer_id = ?`).pluck().get(linas.id)).toBe(
        0,
      );
      expect(getRow(file, 'customers', mine.id)?.attrs).toEqual({});
    } finally {
      file.close();
    }
  });

  it('edits a contact field by field, attributes key by key, and syncs it', async () => {
    const server = serverWith();
    const { core } = await open(server);
    const { id } = await api<{ id: string }>(core, 'contacts.add', {
      customerId: mine.id,
      name: '王强',
      attrs: { note: '喜欢喝茶' },
      templateVersionId: contactV1.id,
    });
    await core.syncNow();
    // Another device changes the note; this one (not yet pulled) sets the group: both survive.
    const row = server.rows.contacts.get(id)!;
    server.put('contacts', { ...row, attrs: { ...row.attrs, note: '喜欢喝咖啡' } });
    await api(core, 'contacts.update', {
      id,
      customerId: mine.id,
      set: { title: '采购经理', attrs: { wechat_group: '恒瑞采购群' } },
      templateVersionId: contactV1.id,
    });
    expect(await core.syncNow()).toMatchObject({ pending: 0, conflicts: 0, rejected: 0 });
    expect(server.rows.contacts.get(id)).toMatchObject({
      title: '采购经理',
      attrs: { note: '喜欢喝咖啡', wechat_group: '恒瑞采购群' },
      templateVersionId: contactV1.id,
    });
    const detail = await api<{ contacts: { id: string; attrs: unknown }[] }>(core, 'customers.get', {
      id: mine.id,
    });
    expect(detail.contacts.find((c) => c.id === id)?.attrs).toEqual({
      note: '喜欢喝咖啡',
      wechat_group: '恒瑞采购群',
    });
  });

  it('records a lost edit of one attribute, shows theirs, and "apply mine" re-issues it under the current template', async () => {
    const server = serverWith();
    const a = await open(server);
    const b = await open(server);
    await api(a.core, 'customers.update', {
      id: mine.id,
      set: { attrs: { size: 'small', employees: 10 } },
      templateVersionId: customerV2.id,
    });
    await a.core.syncNow();
    await b.core.syncNow();
    // Both saw size small; A sets medium first; B, offline, sets large and also founded (another key).
    await api(a.core, 'customers.update', {
      id: mine.id,
      set: { attrs: { size: 'medium' } },
      templateVersionId: customerV2.id,
    });
    expect(await a.core.syncNow()).toMatchObject({ pending: 0 });
    await api(b.core, 'customers.update', {
      id: mine.id,
      set: { attrs: { size: 'large', founded: '2001-01-01' } },
      templateVersionId: customerV2.id,
    });
    expect(await b.core.syncNow()).toMatchObject({ pending: 0, conflicts: 1, rejected: 0 });
    expect(server.rows.customers.get(mine.id)?.attrs).toEqual({
      size: 'medium',
      employees: 10,
      founded: '2001-01-01',
    });
    const shown = await api<{ customer: { attrs: unknown } }>(b.core, 'customers.get', { id: mine.id });
    expect(shown.customer.attrs).toEqual({ size: 'medium', employees: 10, founded: '2001-01-01' });

    const [item] = await api<{ id: string }[]>(b.core, 'inbox.list', {});
    expect(item).toMatchObject({
      kind: 'conflict',
      table: 'customers',
      rowId: mine.id,
      field: 'attrs.size',
      mine: 'large',
      theirs: 'medium',
    });
    await api(b.core, 'inbox.resolve', { id: item!.id, action: 'applyMine' });
    const file = b.db();
    try {
      const [entry] = file.prepare('SELECT name, args FROM outbox').all() as { name: string; args: string }[];
      expect(entry?.name).toBe('updateCustomer');
      expect(JSON.parse(entry!.args)).toEqual({
        id: mine.id,
        set: { attrs: { size: 'large' } },
        base: { attrs: { size: 'medium' } },
        templateVersionId: customerV2.id,
      });
    } finally {
      file.close();
    }
    expect(await b.core.syncNow()).toMatchObject({ pending: 0, conflicts: 0 });
    expect(server.rows.customers.get(mine.id)?.attrs).toMatchObject({ size: 'large' });
    // Judged by v1, an edit of a field v1 does not place is refused naming the field.
    expect(
      await refusal(
        api(b.core, 'customers.update', {
          id: mine.id,
          set: { attrs: { employees: 11 } },
          templateVersionId: customerV1.id,
        }),
      ),
    ).toMatchObject({ code: 'validation', field: 'attrs.employees', params: { rule: 'unknownField' } });
  });

  it('shows the value that stands after a lost edit even when the server sends the row no more', async () => {
    const server = serverWith();
    const { core } = await open(server);
    // Another device sets size; this device edits it (from the old base) while the pull that brings the
    // other edit is on its way: the pull shows the user's pending value over it. When the server then
    // keeps theirs, nothing about the row changes on the server, and no pull sends it again.
    server.put('customers', {
      ...server.rows.customers.get(mine.id)!,
      attrs: { size: 'medium' },
      templateVersionId: customerV2.id,
    });
    let edited = false;
    server.intercept = (path) => {
      if (path === '/sync/pull' && !edited) {
        edited = true;
        void api(core, 'customers.update', {
          id: mine.id,
          set: { attrs: { size: 'large' } },
          templateVersionId: customerV2.id,
        });
      }
      return undefined;
    };
    await core.syncNow();
    server.intercept = null;
    expect(await core.syncNow()).toMatchObject({ pending: 0, conflicts: 1 });
    expect(server.rows.customers.get(mine.id)?.attrs).toEqual({ size: 'medium' });
    const shown = await api<{ customer: { attrs: unknown } }>(core, 'customers.get', { id: mine.id });
    expect(shown.customer.attrs).toEqual({ size: 'medium' });
  });

  it('keeps the values of a refused capture in the inbox', async () => {
    const server = serverWith();
    const a = await open(server);
    const b = await open(server);
    await createCustomer(a.core, '杭州新宇网络科技有限公司', { taxno: 'T-9', size: 'group' });
    await a.core.syncNow();
    // B had not pulled A's customer: its own capture with the same tax number is refused by the server.
    const { id } = await createCustomer(b.core, '宁波瑞丰新材料股份有限公司', {
      taxno: 'T-9',
      employees: 42,
    });
    expect(await b.core.syncNow()).toMatchObject({ pending: 0, rejected: 1 });
    const [item] = await api<unknown[]>(b.core, 'inbox.list', {});
    expect(item).toMatchObject({
      kind: 'rejection',
      mutationName: 'createCustomer',
      rowId: id,
      field: 'attrs.taxno',
      reason: { code: 'duplicate', field: 'attrs.taxno' },
      mine: { name: '宁波瑞丰新材料股份有限公司', attrs: { taxno: 'T-9', employees: 42 } },
    });
  });

  it('replays a pending attribute edit key by key over a pull', async () => {
    const server = serverWith();
    const { core } = await open(server);
    // Another device changes `employees`; the user sets `size` while this device's pull is on its way,
    // so the edit is still pending when the pull's page is applied and replayed over.
    server.put('customers', { ...server.rows.customers.get(mine.id)!, attrs: { employees: 7 } });
    let edited = false;
    server.intercept = (path) => {
      if (path === '/sync/pull' && !edited) {
        edited = true;
        void api(core, 'customers.update', {
          id: mine.id,
          set: { attrs: { size: 'small' } },
          templateVersionId: customerV2.id,
        });
      }
      return undefined;
    };
    expect(await core.syncNow()).toMatchObject({ pending: 1 });
    server.intercept = null;
    const shown = await api<{ customer: { attrs: unknown } }>(core, 'customers.get', { id: mine.id });
    expect(shown.customer.attrs).toEqual({ employees: 7, size: 'small' });
    expect(await core.syncNow()).toMatchObject({ pending: 0, conflicts: 0 });
    expect(server.rows.customers.get(mine.id)?.attrs).toEqual({ employees: 7, size: 'small' });
  });

  it('forwards the designer to the server with the session, and pulls after a write', async () => {
    const server = serverWith({ templates: false });
    const { core, events } = await open(server);
    const seen: { method: string; path: string; body: unknown; auth: string | null }[] = [];
    const templateId = newId();
    server.intercept = (path, body, init) => {
      if (!path.startsWith('/admin/')) return undefined;
      const headers = new Headers(init?.headers);
      seen.push({ method: init?.method ?? 'GET', path, body, auth: headers.get('authorization') });
      if (path === '/admin/templates' && init?.method === 'GET') return json(200, { templates: [] });
      if (path === '/admin/templates') return json(201, { id: templateId });
      if (path.endsWith('/publish')) {
        // Publishing makes a version the next pull brings.
        server.put('catalogs', templates.catalog);
        server.put('templateVersions', customerV2);
        return json(200, { versionId: customerV2.id, number: 2 });
      }
      if (path === '/admin/option-lists/size' && (body as { values: unknown[] }).values.length === 0) {
        return json(409, {
          error: {
            code: 'conflict',
            message: 'values: 3 records use "large"',
            field: 'values',
            params: { count: 3 },
          },
        });
      }
      return json(200, { ok: true });
    };
    expect(await api(core, 'admin.templates.list', {})).toEqual({ templates: [] });
    expect(
      await api(core, 'admin.templates.create', { entity: 'customer', nameZh: '客户', nameEn: 'Customer' }),
    ).toEqual({
      id: templateId,
    });
    const layout = {
      sections: [{ key: 'main', labelZh: '基本', labelEn: 'Main', fields: [{ field: 'size' }] }],
    };
    await api(core, 'admin.templates.save', {
      id: templateId,
      nameZh: '客户',
      nameEn: 'Customer',
      category: null,
      layout,
    });
    const pullsBefore = server.requests.filter((r) => r.path === '/sync/pull').length;
    expect(await api(core, 'admin.templates.publish', { id: templateId })).toEqual({
      versionId: customerV2.id,
      number: 2,
    });
    expect(server.requests.filter((r) => r.path === '/sync/pull').length).toBeGreaterThan(pullsBefore);
    expect(
      (await api<{ versions: { id: string }[] }>(core, 'templates.definitions', {})).versions.map(
        (v) => v.id,
      ),
    ).toEqual([customerV2.id]);
    expect(events.some((e) => e.type === 'data.changed' && e.tables.includes('templateVersions'))).toBe(true);
    const sizeList = templates.catalog.optionLists[0]!;
    await api(core, 'admin.optionLists.save', sizeList);
    await api(core, 'admin.fields.save', templates.catalog.fields[0]);
    expect(seen.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /admin/templates',
      'POST /admin/templates',
      `PUT /admin/templates/${templateId}`,
      `POST /admin/templates/${templateId}/publish`,
      'PUT /admin/option-lists/size',
      'PUT /admin/fields/taxno',
    ]);
    expect(seen.every((s) => s.auth === 'Bearer fake-token')).toBe(true);
    expect(seen[0]?.body).toBeNull();
    expect(seen[2]?.body).toEqual({
      nameZh: '客户',
      nameEn: 'Customer',
      category: null,
      layout: expect.any(Object),
    });
    expect(seen[4]?.body).toMatchObject({ key: 'size', values: expect.any(Array) });

    // The server's refusal keeps its code, field and params; no network is `offline`; a malformed answer
    // is not trusted.
    expect(await refusal(api(core, 'admin.optionLists.save', { ...sizeList, values: [] }))).toMatchObject({
      code: 'conflict',
      field: 'values',
      params: { count: 3 },
    });
    server.intercept = (path) => {
      if (path.startsWith('/admin/')) throw new TypeError('fetch failed');
      return undefined;
    };
    expect(await refusal(api(core, 'admin.templates.list', {}))).toMatchObject({ code: 'offline' });
    server.intercept = (path) => (path.startsWith('/admin/') ? json(200, { templates: 'nope' }) : undefined);
    expect(await refusal(api(core, 'admin.templates.list', {}))).toMatchObject({ code: 'server_error' });
  });
});
