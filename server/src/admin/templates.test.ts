import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncedTable } from '../../../shared/domain/rows';
import type { PatchOp } from '../../../shared/sync/protocol';
import {
  catalogRowSchema,
  createTemplateResponse,
  listTemplatesResponse,
  publishTemplateResponse,
  templateVersionRowSchema,
  type CatalogRow,
  type OptionList,
  type TemplateDraft,
} from '../../../shared/templates';
import { loginAs, openEvents, sendJson, startTestServer, SyncDevice, type TestServer } from '../testing';

/**
 * The template designer's API (docs/templates.md "Admin API") against the real server and database: only
 * admins; drafts stay on the server; publishing checks the draft against the library and reaches
 * devices as an immutable version; option values in use cannot be removed (only deactivated, which
 * keeps the records valid); a field's type never changes. Every refusal names the field and writes
 * nothing.
 */
let server: TestServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 60 });
  for (const name of ['admin', 'wangfang', 'zhangwei']) tokens[name] = await loginAs(server, name);
});
afterAll(async () => {
  await server?.close();
});

type Answer = { status: number; body: Record<string, unknown> & { error?: Record<string, unknown> } };
const api = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, user = 'admin'): Promise<Answer> =>
  sendJson(method, `${server.url}${path}`, body, tokens[user]);

const device = (user: string, protocolVersion = 4) =>
  new SyncDevice(server, tokens[user] ?? '', protocolVersion);
const puts = (ops: PatchOp[], table: SyncedTable) =>
  ops.flatMap((op) => (op.op === 'put' && op.table === table ? [op.row] : []));

async function orgVersion(): Promise<number> {
  const [row] = await server.query('SELECT version::float8 AS v FROM orgs WHERE id = $1', [
    server.demo.orgId,
  ]);
  return Number(row?.v);
}
async function catalog(): Promise<CatalogRow> {
  const [row] = await server.query(
    `SELECT id, org_id AS "orgId", option_lists AS "optionLists", fields, updated_at::float8 AS "updatedAt",
      version::float8 AS version FROM catalogs WHERE id = $1`,
    [server.demo.orgId],
  );
  return catalogRowSchema.parse(row);
}
async function versionCount(): Promise<number> {
  const [row] = await server.query('SELECT count(*)::int AS n FROM template_versions');
  return Number(row?.n);
}
async function drafts(): Promise<TemplateDraft[]> {
  const res = await api('GET', '/admin/templates');
  expect(res.status).toBe(200);
  return listTemplatesResponse.parse(res.body).templates;
}
const listOf = async (key: string) => (await catalog()).optionLists.find((l) => l.key === key) as OptionList;

/** What must stay untouched when a request is refused. */
async function snapshot() {
  return {
    version: await orgVersion(),
    catalog: await catalog(),
    versions: await versionCount(),
    drafts: await drafts(),
  };
}

describe('who may design', () => {
  it('answers 401 without a token and 403 to reps and managers on every route, changing nothing', async () => {
    const [first] = await drafts();
    const before = await snapshot();
    const routes: ['GET' | 'POST' | 'PUT', string, unknown][] = [
      ['GET', '/admin/templates', undefined],
      ['POST', '/admin/templates', { entity: 'contact', category: 'x', nameZh: '甲', nameEn: 'A' }],
      [
        'PUT',
        `/admin/templates/${first?.id}`,
        { nameZh: '甲', nameEn: 'A', category: null, layout: { sections: [] } },
      ],
      ['POST', `/admin/templates/${first?.id}/publish`, {}],
      ['PUT', '/admin/option-lists/tier', { key: 'tier', labelZh: '层级', labelEn: 'Tier', values: [] }],
      ['PUT', '/admin/fields/tier', { key: 'tier', labelZh: '层级', labelEn: 'Tier', type: 'text' }],
    ];
    for (const [method, path, body] of routes) {
      expect((await sendJson(method, `${server.url}${path}`, body)).status, path).toBe(401);
      for (const user of ['zhangwei', 'wangfang']) {
        const res = await api(method, path, body, user);
        expect(res.status, `${user} ${path}`).toBe(403);
        expect(res.body.error?.code).toBe('forbidden');
      }
    }
    expect(await snapshot()).toEqual(before);
  });
});

describe('templates', () => {
  it('lists the demo’s published templates, none with unpublished changes', async () => {
    const list = await drafts();
    expect(list.map((t) => `${t.entity}/${t.category ?? ''}`)).toEqual([
      'customer/',
      'customer/机械制造',
      'lead/',
      'contact/',
      'opportunity/',
      'followUp/',
    ]);
    expect(list.every((t) => t.publishedNumber === 1 && !t.dirty)).toBe(true);
  });

  it('creates one draft per entity and category, and names what is wrong with a request', async () => {
    const body = { entity: 'contact', category: '重要客户', nameZh: '重要联系人档案', nameEn: 'Key contact' };
    const created = await api('POST', '/admin/templates', body);
    expect(created.status).toBe(200);
    const { id } = createTemplateResponse.parse(created.body);
    for (const again of [body, { ...body, category: null }, { ...body, category: '   ' }]) {
      const res = await api('POST', '/admin/templates', again);
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({ code: 'conflict', field: 'category' });
    }
    for (const [bad, field] of [
      [{ ...body, entity: 'invoice' }, 'entity'],
      [{ ...body, nameZh: ' ' }, 'nameZh'],
      [{ ...body, nameEn: 'x'.repeat(61) }, 'nameEn'],
    ] as const) {
      const res = await api('POST', '/admin/templates', bad);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation', field });
    }
    const draft = (await drafts()).find((t) => t.id === id);
    expect(draft).toMatchObject({
      category: '重要客户',
      publishedNumber: null,
      dirty: true,
      layout: { sections: [] },
    });
  });

  it('saves drafts devices never see, and publishes them as versions 1, 2 that every device receives', async () => {
    const { body } = await api('POST', '/admin/templates', {
      entity: 'contact',
      category: '技术对接',
      nameZh: '技术联系人',
      nameEn: 'Technical contact',
    });
    const id = String(body.id);
    const [v4, v3] = [device('zhangwei'), device('zhangwei', 3)];
    await Promise.all([v4.pull(), v3.pull()]);
    const layout = {
      sections: [
        {
          key: 'tech',
          labelZh: '技术角色',
          labelEn: 'Technical role',
          fields: [
            { field: 'decision_role', required: true },
            {
              field: 'birthday',
              visibleWhen: { field: 'decision_role', op: 'in', value: ['decision_maker', 'influencer'] },
            },
          ],
        },
      ],
    };
    const save = { nameZh: '技术联系人', nameEn: 'Technical contact', category: '技术对接', layout };
    expect(await api('PUT', `/admin/templates/${id}`, save)).toEqual({ status: 200, body: { ok: true } });
    expect((await drafts()).find((t) => t.id === id)).toMatchObject({ dirty: true, publishedNumber: null });
    // A draft is not a synced row: saving it changes nothing a device can pull.
    expect(await v4.pull()).toEqual([]);

    const published = await api('POST', `/admin/templates/${id}/publish`, {});
    expect(published.status).toBe(200);
    const first = publishTemplateResponse.parse(published.body);
    expect(first.number).toBe(1);
    const ops = await v4.pull();
    const [row] = puts(ops, 'templateVersions').map((r) => templateVersionRowSchema.parse(r));
    const library = (await catalog()).fields;
    expect(row).toMatchObject({
      id: first.versionId,
      templateId: id,
      entity: 'contact',
      category: '技术对接',
      number: 1,
      publishedBy: server.demo.users.admin,
      version: await orgVersion(),
    });
    // The snapshot of the placed fields, as the library had them.
    expect(row?.fields).toEqual(library.filter((f) => ['decision_role', 'birthday'].includes(f.key)));
    expect(row?.sections[0]?.fields.map((f) => f.field)).toEqual(['decision_role', 'birthday']);
    expect((await drafts()).find((t) => t.id === id)).toMatchObject({ dirty: false, publishedNumber: 1 });
    // A library change to a placed field needs a new version to reach records: the template says so.
    const birthday = library.find((f) => f.key === 'birthday')!;
    const helped = { ...birthday, helpEn: 'For the yearly greeting card' };
    expect((await api('PUT', '/admin/fields/birthday', helped)).status).toBe(200);
    expect((await drafts()).find((t) => t.id === id)).toMatchObject({ dirty: true, publishedNumber: 1 });
    expect((await api('PUT', '/admin/fields/birthday', birthday)).status).toBe(200);
    expect((await drafts()).find((t) => t.id === id)).toMatchObject({ dirty: false, publishedNumber: 1 });

    expect((await api('PUT', `/admin/templates/${id}`, { ...save, nameEn: 'Tech contact' })).status).toBe(
      200,
    );
    expect((await drafts()).find((t) => t.id === id)).toMatchObject({ dirty: true, publishedNumber: 1 });
    const second = publishTemplateResponse.parse((await api('POST', `/admin/templates/${id}/publish`)).body);
    expect(second.number).toBe(2);
    expect(puts(await v4.pull(), 'templateVersions')).toEqual([
      expect.objectContaining({ id: second.versionId, number: 2, nameEn: 'Tech contact' }),
    ]);
    // Version 1 is still there, unchanged, for the records saved with it.
    const [kept] = await server.query('SELECT name_en FROM template_versions WHERE id = $1', [
      first.versionId,
    ]);
    expect(kept?.name_en).toBe('Technical contact');
    // A protocol-3 device has no such table: nothing of it reaches it.
    expect(await v3.pull()).toEqual([]);
  });

  it('refuses to publish a draft the library cannot back, naming the field, and writes nothing', async () => {
    const { body } = await api('POST', '/admin/templates', {
      entity: 'opportunity',
      category: '大项目',
      nameZh: '大项目商机',
      nameEn: 'Large deal',
    });
    const id = String(body.id);
    const section = (fields: unknown[], more: unknown[] = []) => ({
      sections: [{ key: 'main', labelZh: '主要', labelEn: 'Main', fields }, ...more],
    });
    const cases: [unknown, string, RegExp][] = [
      [
        section([{ field: 'no_such_field' }]),
        'layout.sections.0.fields.0.field',
        /not a field of the library/,
      ],
      [section([{ field: 'legacy_erp_code' }]), 'layout.sections.0.fields.0.field', /inactive/],
      [
        section([
          { field: 'is_listed' },
          { field: 'stock_code', visibleWhen: { field: 'is_listed', op: 'eq', value: 'yes' } },
        ]),
        'layout.sections.0.fields.1.visibleWhen',
        /true or false/,
      ],
      [
        section([
          { field: 'company_size' },
          { field: 'budget', visibleWhen: { field: 'company_size', op: 'gt', value: 'small' } },
        ]),
        'layout.sections.0.fields.1.visibleWhen',
        /by size/,
      ],
      [
        section([
          { field: 'company_size' },
          { field: 'budget', visibleWhen: { field: 'company_size', op: 'in', value: ['huge'] } },
        ]),
        'layout.sections.0.fields.1.visibleWhen',
        /option of the list "company_size"/,
      ],
      [
        section(
          [{ field: 'budget' }],
          [
            {
              key: 'rivals',
              labelZh: '竞争',
              labelEn: 'Rivals',
              fields: [{ field: 'competitors' }],
              visibleWhen: { field: 'budget', op: 'gte', value: '100万' },
            },
          ],
        ),
        'layout.sections.1.visibleWhen',
        /a number/,
      ],
      [{ sections: [] }, 'layout.sections', /at least one field/],
    ];
    for (const [layout, field, message] of cases) {
      const saved = await api('PUT', `/admin/templates/${id}`, {
        nameZh: '大项目商机',
        nameEn: 'Large deal',
        category: '大项目',
        layout,
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      const before = await snapshot();
      const res = await api('POST', `/admin/templates/${id}/publish`);
      expect(res.status, field).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation', field });
      expect(String(res.body.error?.message)).toMatch(message);
      expect(await snapshot()).toEqual(before);
    }
  });

  it('refuses a draft that does not parse, a taken category and an unknown template, changing nothing', async () => {
    const [customer, machinery] = await drafts();
    const before = await snapshot();
    const save = (layout: unknown, category: string | null = null) => ({
      nameZh: '客户档案',
      nameEn: 'Customer profile',
      category,
      layout,
    });
    const twice = {
      sections: [
        { key: 'a', labelZh: '甲', labelEn: 'A', fields: [{ field: 'ownership' }, { field: 'ownership' }] },
      ],
    };
    const dangling = {
      sections: [
        {
          key: 'a',
          labelZh: '甲',
          labelEn: 'A',
          fields: [{ field: 'ownership', visibleWhen: { field: 'is_listed', op: 'eq', value: true } }],
        },
      ],
    };
    const refusals: [string, unknown, number, string][] = [
      [`/admin/templates/${customer?.id}`, save(twice), 400, 'layout.sections.0.fields.1.field'],
      [`/admin/templates/${customer?.id}`, save(dangling), 400, 'layout.sections'],
      [
        `/admin/templates/${customer?.id}`,
        save({ sections: [] }, machinery?.category ?? null),
        409,
        'category',
      ],
      [`/admin/templates/0190aaaa-0000-7000-8000-000000000000`, save({ sections: [] }), 404, 'id'],
      ['/admin/templates/not-an-id', save({ sections: [] }), 404, 'id'],
    ];
    for (const [path, body, status, field] of refusals) {
      const res = await api('PUT', path, body);
      expect(res.status, field).toBe(status);
      expect(res.body.error?.field).toBe(field);
    }
    expect((await api('POST', '/admin/templates/0190aaaa-0000-7000-8000-000000000000/publish')).status).toBe(
      404,
    );
    expect(await snapshot()).toEqual(before);
  });
});

describe('option lists', () => {
  it('creates a list; every device of the org is poked and pulls the catalog', async () => {
    const rep = device('zhangwei');
    await rep.pull();
    const events = await openEvents(server.url, tokens.zhangwei ?? '');
    await events.nextPoke(); // the catch-up poke at connect
    try {
      const list = {
        key: 'visit_goal',
        labelZh: '拜访目的',
        labelEn: 'Visit goal',
        values: [
          { key: 'demo', labelZh: '产品演示', labelEn: 'Product demo', color: 'blue' },
          { key: 'quote', labelZh: '报价沟通', labelEn: 'Quotation' },
        ],
      };
      const since = Date.now();
      expect(await api('PUT', '/admin/option-lists/visit_goal', list)).toEqual({
        status: 200,
        body: { ok: true },
      });
      await events.nextPoke(2000, since);
      const [row] = puts(await rep.pull(), 'catalogs').map((r) => catalogRowSchema.parse(r));
      expect(row?.optionLists.at(-1)).toEqual({
        ...list,
        values: [
          { key: 'demo', labelZh: '产品演示', labelEn: 'Product demo', color: 'blue', active: true },
          { key: 'quote', labelZh: '报价沟通', labelEn: 'Quotation', color: 'gray', active: true },
        ],
      });
      expect(row?.version).toBe(await orgVersion());
    } finally {
      events.close();
    }
  });

  it('refuses a body that does not parse or names another key, changing nothing', async () => {
    const before = await snapshot();
    const list = await listOf('ownership');
    const refusals: [string, unknown, string][] = [
      ['/admin/option-lists/ownership', { ...list, key: 'owner' }, 'key'],
      ['/admin/option-lists/ownership', { ...list, values: [...list.values, list.values[0]] }, 'values'],
      ['/admin/option-lists/ownership', { ...list, labelZh: '' }, 'labelZh'],
      [
        '/admin/option-lists/ownership',
        { ...list, values: [{ key: 'Bad Key', labelZh: '甲', labelEn: 'A' }] },
        'values.0.key',
      ],
    ];
    for (const [path, body, field] of refusals) {
      const res = await api('PUT', path, body);
      expect(res.status, field).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation', field });
    }
    expect((await api('PUT', '/admin/option-lists/Not A Key', list)).status).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses to remove a value records hold, with how many hold it in any table and field of the list', async () => {
    const count = async (sql: string) => Number((await server.query(sql))[0]?.n);
    // A multi-select (products) held by customers and leads.
    const robots = await count(
      `SELECT count(*)::int AS n FROM customers WHERE deleted_at IS NULL AND attrs -> 'products' ? 'robots'`,
    );
    // A select (intent) held by leads and follow-ups.
    const high =
      (await count(
        `SELECT count(*)::int AS n FROM customers WHERE deleted_at IS NULL AND attrs ->> 'intent' = 'high'`,
      )) +
      (await count(
        `SELECT count(*)::int AS n FROM follow_ups WHERE deleted_at IS NULL AND attrs ->> 'intent' = 'high'`,
      ));
    expect(robots).toBeGreaterThan(0);
    expect(
      await count(`SELECT count(*)::int AS n FROM follow_ups WHERE attrs ->> 'intent' = 'high'`),
    ).toBeGreaterThan(0);
    const before = await snapshot();
    for (const [key, value, n] of [
      ['products', 'robots', robots],
      ['intent_level', 'high', high],
    ] as const) {
      const list = await listOf(key);
      const res = await api('PUT', `/admin/option-lists/${key}`, {
        ...list,
        values: list.values.filter((v) => v.key !== value),
      });
      expect(res.status).toBe(409);
      expect(res.body.error).toMatchObject({
        code: 'conflict',
        field: 'values',
        params: { value, count: n },
      });
    }
    expect(await snapshot()).toEqual(before);

    // A value nobody holds can go.
    const list = await listOf('purchase_channel');
    const extra = { key: 'barter', labelZh: '以物易物', labelEn: 'Barter', color: 'gray', active: true };
    expect(
      (await api('PUT', '/admin/option-lists/purchase_channel', { ...list, values: [...list.values, extra] }))
        .status,
    ).toBe(200);
    expect((await api('PUT', '/admin/option-lists/purchase_channel', list)).status).toBe(200);
    expect(await listOf('purchase_channel')).toEqual(list);
  });

  it('deactivates a value in use: records holding it stay valid and editable, new choices of it are refused', async () => {
    const size = await listOf('company_size');
    const deactivated = {
      ...size,
      values: size.values.map((v) => (v.key === 'large' ? { ...v, active: false } : v)),
    };
    expect((await api('PUT', '/admin/option-lists/company_size', deactivated)).status).toBe(200);

    const rep = device('zhangwei');
    const customers = puts(await rep.pull(), 'customers').filter((c) => c.kind === 'customer');
    const attrsOf = (c: Record<string, unknown>) => c.attrs as Record<string, unknown>;
    const large = customers.find((c) => attrsOf(c).company_size === 'large');
    const small = customers.find((c) => attrsOf(c).company_size === 'small');
    expect(large && small).toBeTruthy();
    // An edit that does not touch the field, of base fields or of other attributes.
    expect(await rep.refusalOf('updateCustomer', { id: large?.id, set: { level: 'A' } })).toBeUndefined();
    const edit = {
      id: large?.id,
      set: { attrs: { employee_count: 2400 } },
      base: { attrs: { employee_count: attrsOf(large ?? {}).employee_count ?? null } },
      templateVersionId: large?.templateVersionId,
    };
    expect(await rep.refusalOf('updateCustomer', edit)).toBeUndefined();
    const [stored] = await server.query('SELECT attrs FROM customers WHERE id = $1', [large?.id]);
    expect(stored?.attrs).toMatchObject({ company_size: 'large', employee_count: 2400 });
    // Choosing it anew is refused, naming the attribute and the rule.
    expect(
      await rep.refusalOf('updateCustomer', {
        id: small?.id,
        set: { attrs: { company_size: 'large' } },
        templateVersionId: small?.templateVersionId,
      }),
    ).toMatchObject({ code: 'validation', field: 'attrs.company_size', params: { rule: 'inactiveOption' } });
  });
});

describe('library fields', () => {
  it('creates and edits a field; its type never changes; a select needs an existing list; refusals change nothing', async () => {
    const field = {
      key: 'factory_area',
      labelZh: '厂房面积（㎡）',
      labelEn: 'Factory area (m²)',
      type: 'number',
    };
    expect(await api('PUT', '/admin/fields/factory_area', field)).toEqual({
      status: 200,
      body: { ok: true },
    });
    expect((await catalog()).fields.at(-1)).toMatchObject({ ...field, active: true, optionList: null });
    const before = await snapshot();
    const refusals: [string, unknown, number, string][] = [
      ['/admin/fields/factory_area', { ...field, type: 'text' }, 409, 'type'],
      ['/admin/fields/factory_area', { ...field, key: 'factory' }, 400, 'key'],
      ['/admin/fields/factory_area', { ...field, labelZh: '' }, 400, 'labelZh'],
      ['/admin/fields/factory_area', { ...field, defaultValue: 'big' }, 400, 'defaultValue'],
      [
        '/admin/fields/visit_goal_x',
        { ...field, key: 'visit_goal_x', type: 'select', optionList: 'no_list' },
        400,
        'optionList',
      ],
      ['/admin/fields/visit_goal_x', { ...field, key: 'visit_goal_x', type: 'select' }, 400, 'optionList'],
      ['/admin/fields/deal_size', { ...field, key: 'deal_size', type: 'money' }, 400, 'currency'],
      [
        '/admin/fields/company_size',
        { ...(await catalog()).fields[0], optionList: 'ownership' },
        409,
        'optionList',
      ],
    ];
    for (const [path, body, status, name] of refusals) {
      const res = await api('PUT', path, body);
      expect(res.status, name).toBe(status);
      expect(res.body.error?.field).toBe(name);
    }
    expect(await snapshot()).toEqual(before);

    // Relabelled and deactivated in place: no longer offered to new drafts, kept by published versions.
    const edited = { ...field, labelEn: 'Plant area (m²)', active: false, validation: { min: 0 } };
    expect((await api('PUT', '/admin/fields/factory_area', edited)).status).toBe(200);
    const fields = (await catalog()).fields;
    expect(fields.filter((f) => f.key === 'factory_area')).toEqual([
      expect.objectContaining({
        labelEn: 'Plant area (m²)',
        active: false,
        validation: expect.objectContaining({ min: 0 }),
      }),
    ]);
    expect(fields.length).toBe(before.catalog.fields.length);
  });
});
