import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncedTable } from '../../../shared/domain/rows';
import { newId } from '../../../shared/ids';
import type { PatchOp, SessionUser } from '../../../shared/sync/protocol';
import { PROTOCOL_VERSION } from '../../../shared/sync/protocol';
import { templateLayoutSchema, type TemplateDraft } from '../../../shared/templates';
import { loginAs, sendJson, startTestServer, SyncDevice, type TestServer } from '../testing';
import { handlePush } from './push';

/**
 * Business attributes through push and pull (docs/templates.md "Validation"): the server judges every
 * templated write with the shared validator against the version the write names, refuses bad values as
 * rejections naming `attrs.<key>` and the rule (nothing written), keeps a pending edit made under an
 * older version judged by that version, and holds `unique` fields unique in the whole org — across reps,
 * within one push, on both push paths, and between concurrent pushes.
 */
let server: TestServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 30 });
  for (const name of ['admin', 'wangfang', 'zhangwei', 'lina']) tokens[name] = await loginAs(server, name);
});
afterAll(async () => {
  await server?.close();
});

const device = (user: string, protocolVersion = PROTOCOL_VERSION) =>
  new SyncDevice(server, tokens[user] ?? '', protocolVersion);
const puts = (ops: PatchOp[], table: SyncedTable) =>
  ops.flatMap((op) => (op.op === 'put' && op.table === table ? [op.row] : []));
const admin = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) =>
  sendJson<Record<string, unknown>>(method, `${server.url}${path}`, body, tokens.admin);

/** The newest published version of the entity's template (default category unless given). */
async function versionOf(entity: string, category: string | null = null): Promise<string> {
  const [row] = await server.query(
    `SELECT id FROM template_versions WHERE entity = $1 AND category IS NOT DISTINCT FROM $2
     ORDER BY number DESC LIMIT 1`,
    [entity, category],
  );
  return String(row?.id);
}
async function rowOf(table: string, id: string) {
  const [row] = await server.query(`SELECT attrs, template_version_id AS v FROM ${table} WHERE id = $1`, [
    id,
  ]);
  return row;
}
/** A private customer of the rep, of kind customer. */
async function customerOf(user: 'zhangwei' | 'lina'): Promise<string> {
  const [row] = await server.query(
    `SELECT id FROM customers WHERE owner_id = $1 AND kind = 'customer' AND pool_state = 'private' ORDER BY id LIMIT 1`,
    [server.demo.users[user]],
  );
  return String(row?.id);
}

let created = 0;
/** A new customer's args with business attributes. */
function newCustomer(attrs: Record<string, unknown>, templateVersionId: string | undefined) {
  created++;
  return {
    id: newId(),
    name: `苏州属性测试${created}号精密机械有限公司`,
    attrs,
    ...(templateVersionId ? { templateVersionId } : {}),
  };
}

describe('valid values', () => {
  it('are stored normalised with the version, and reach exactly the devices that see the record', async () => {
    const v = await versionOf('customer');
    const rep = device('zhangwei');
    const customer = newCustomer(
      {
        company_size: 'medium',
        employee_count: 450,
        hq_region: ' 江苏省 / 苏州市 ',
        is_listed: false,
        // Hidden while is_listed is false: not stored, as the form does not show it.
        stock_code: '600519',
        products: ['plc', 'servo'],
        business_notes: '  二期厂房明年投产  ',
        service_engineer: server.demo.users.lina,
        annual_purchase: 1_200_000_00,
      },
      v,
    );
    expect(await rep.refusalOf('createCustomer', customer)).toBeUndefined();
    const stored = {
      company_size: 'medium',
      employee_count: 450,
      hq_region: '江苏省/苏州市',
      is_listed: false,
      products: ['plc', 'servo'],
      business_notes: '二期厂房明年投产',
      service_engineer: server.demo.users.lina,
      annual_purchase: 1_200_000_00,
    };
    expect(await rowOf('customers', customer.id)).toEqual({ attrs: stored, v });

    const [manager, other] = [device('wangfang'), device('lina')];
    const [seen, unseen] = await Promise.all([manager.pull(), other.pull()]);
    expect(puts(seen, 'customers').find((c) => c.id === customer.id)).toMatchObject({
      attrs: stored,
      templateVersionId: v,
    });
    expect(puts(unseen, 'customers').find((c) => c.id === customer.id)).toBeUndefined();
  });

  it('work the same on contacts, follow-ups and opportunities, and on a contact’s edit', async () => {
    const rep = device('zhangwei');
    const customerId = await customerOf('zhangwei');
    const contact = {
      id: newId(),
      customerId,
      name: '陈工',
      attrs: { decision_role: 'influencer', birthday: '1984-03-09' },
      templateVersionId: await versionOf('contact'),
    };
    const followUp = {
      id: newId(),
      customerId,
      contactId: contact.id,
      type: 'visit',
      content: '现场看了产线，确认传感器需求',
      occurredAt: Date.now() - 60_000,
      attrs: { intent: 'high', satisfaction: 5 },
      templateVersionId: await versionOf('followUp'),
    };
    const opportunity = {
      id: newId(),
      customerId,
      stageChangeId: newId(),
      name: '传感器年度框架',
      amountMinor: 800_000_00,
      stageKey: 'discovery',
      attrs: { budget: 900_000_00, competitors: ['siemens', 'local'], delivery_date: '2026-09-30' },
      templateVersionId: await versionOf('opportunity'),
    };
    expect(await rep.refusalOf('addContact', contact)).toBeUndefined();
    expect(await rep.refusalOf('logFollowUp', followUp)).toBeUndefined();
    expect(await rep.refusalOf('createOpportunity', opportunity)).toBeUndefined();
    expect(await rowOf('contacts', contact.id)).toEqual({
      attrs: contact.attrs,
      v: contact.templateVersionId,
    });
    expect(await rowOf('follow_ups', followUp.id)).toEqual({
      attrs: followUp.attrs,
      v: followUp.templateVersionId,
    });
    expect(await rowOf('opportunities', opportunity.id)).toEqual({
      attrs: opportunity.attrs,
      v: opportunity.templateVersionId,
    });

    const edit = {
      id: contact.id,
      customerId,
      set: { title: '技术总监', attrs: { decision_role: 'decision_maker' } },
      base: { title: null, attrs: { decision_role: 'influencer' } },
      templateVersionId: contact.templateVersionId,
    };
    expect(await rep.refusalOf('updateContact', edit)).toBeUndefined();
    expect(await rowOf('contacts', contact.id)).toMatchObject({
      attrs: { decision_role: 'decision_maker', birthday: '1984-03-09' },
    });
  });
});

describe('invalid values', () => {
  it('are refused as rejections naming attrs.<key> and the rule, with the user’s values, and nothing written', async () => {
    const v = await versionOf('customer');
    const base = { company_size: 'small', is_listed: true, stock_code: '300750' };
    const cases: [Record<string, unknown>, string | undefined, Record<string, unknown>][] = [
      [{ ...base, employee_count: 'many' }, v, { field: 'attrs.employee_count', params: { rule: 'type' } }],
      [{ is_listed: false }, v, { field: 'attrs.company_size', params: { rule: 'required' } }],
      [{ ...base, ownership: 'alien' }, v, { field: 'attrs.ownership', params: { rule: 'option' } }],
      [{ ...base, stock_code: '12345' }, v, { field: 'attrs.stock_code', params: { rule: 'pattern' } }],
      [
        { ...base, service_engineer: newId() },
        v,
        { field: 'attrs.service_engineer', params: { rule: 'user' } },
      ],
      [
        { ...base, favourite_colour: 'blue' },
        v,
        { field: 'attrs.favourite_colour', params: { rule: 'unknownField' } },
      ],
      [{ ...base, share_of_wallet: 140 }, v, { field: 'attrs.share_of_wallet', params: { rule: 'max' } }],
      [base, await versionOf('contact'), { field: 'templateVersionId' }],
      [base, newId(), { field: 'templateVersionId' }],
      [base, undefined, { field: 'templateVersionId' }],
    ];
    const rep = device('zhangwei');
    await rep.pull();
    const refused: string[] = [];
    for (const [attrs, version, error] of cases) {
      const customer = newCustomer(attrs, version);
      refused.push(customer.id);
      expect(await rep.refusalOf('createCustomer', customer), JSON.stringify(attrs)).toMatchObject({
        code: 'validation',
        ...error,
      });
      expect(await server.query('SELECT id FROM customers WHERE id = $1', [customer.id])).toEqual([]);
    }
    // The device gets them back with what the user typed, for the inbox.
    const [page] = await rep.pullPages();
    expect(page?.rejections.map((r) => (r.args as { id: string }).id)).toEqual(refused);
    expect(page?.rejections[0]?.args).toMatchObject({ attrs: { employee_count: 'many' } });
  });
});

describe('versions', () => {
  it('judge a pending edit by the version its author saw, after a newer one was published', async () => {
    const v1 = await versionOf('followUp');
    // The admin adds a field and makes the satisfaction rating required, and publishes version 2.
    const field = { key: 'next_step', labelZh: '下一步计划', labelEn: 'Next step', type: 'longText' };
    expect((await admin('PUT', '/admin/fields/next_step', field)).status).toBe(200);
    const list = await admin('GET', '/admin/templates');
    const template = (list.body.templates as TemplateDraft[]).find((t) => t.entity === 'followUp');
    const layout = templateLayoutSchema.parse({
      sections: [
        {
          key: 'result',
          labelZh: '拜访结果',
          labelEn: 'Outcome',
          fields: [
            { field: 'intent' },
            { field: 'satisfaction', required: true },
            { field: 'next_step', width: 'full' },
          ],
        },
      ],
    });
    const save = { nameZh: template?.nameZh, nameEn: template?.nameEn, category: null, layout };
    expect((await admin('PUT', `/admin/templates/${template?.id}`, save)).status).toBe(200);
    const published = await admin('POST', `/admin/templates/${template?.id}/publish`, {});
    expect(published.body.number).toBe(2);
    const v2 = String(published.body.versionId);

    const rep = device('zhangwei');
    const customerId = await customerOf('zhangwei');
    const log = (attrs: Record<string, unknown>, templateVersionId: string) => ({
      id: newId(),
      customerId,
      type: 'call',
      content: '电话确认交期',
      occurredAt: Date.now() - 60_000,
      attrs,
      templateVersionId,
    });
    // Queued offline under version 1: no satisfaction needed, no next step known.
    const offline = log({ intent: 'medium' }, v1);
    expect(await rep.refusalOf('logFollowUp', offline)).toBeUndefined();
    expect(await rowOf('follow_ups', offline.id)).toEqual({ attrs: { intent: 'medium' }, v: v1 });
    expect(
      await rep.refusalOf('logFollowUp', log({ intent: 'medium', next_step: '寄样' }, v1)),
    ).toMatchObject({
      field: 'attrs.next_step',
      params: { rule: 'unknownField' },
    });
    // Under version 2 its rules hold.
    expect(await rep.refusalOf('logFollowUp', log({ intent: 'medium' }, v2))).toMatchObject({
      field: 'attrs.satisfaction',
      params: { rule: 'required' },
    });
    expect(
      await rep.refusalOf('logFollowUp', log({ satisfaction: 4, next_step: '下周寄样' }, v2)),
    ).toBeUndefined();
    // An edit of the version-1 record, made under version 1, still passes by version 1's rules.
    const edit = { id: offline.id, customerId, set: { attrs: { intent: 'low' } }, templateVersionId: v1 };
    expect(await rep.refusalOf('updateFollowUp', edit)).toBeUndefined();
    expect(await rowOf('follow_ups', offline.id)).toEqual({ attrs: { intent: 'low' }, v: v1 });
  });
});

describe('unique fields', () => {
  const duplicate = (code: string) => ({
    code: 'duplicate',
    field: 'attrs.stock_code',
    message: `attrs.stock_code: "${code}" is already used by another record`,
  });
  const listed = (code: string) => ({ company_size: 'large', is_listed: true, stock_code: code });
  const holders = async (code: string) =>
    Number(
      (
        await server.query(`SELECT count(*)::int AS n FROM customers WHERE attrs ->> 'stock_code' = $1`, [
          code,
        ])
      )[0]?.n,
    );

  it('refuse a second record with the value, whoever holds the first, and an edit taking it', async () => {
    const v = await versionOf('customer');
    const first = newCustomer(listed('688001'), v);
    expect(await device('zhangwei').refusalOf('createCustomer', first)).toBeUndefined();
    // Another rep cannot see the holder, and is refused all the same: unique within the org.
    const lina = device('lina');
    const second = newCustomer(listed('688001'), v);
    expect(await lina.refusalOf('createCustomer', second)).toEqual(duplicate('688001'));
    expect(await server.query('SELECT id FROM customers WHERE id = $1', [second.id])).toEqual([]);
    // An edit of another customer to the value is refused; the holder's own edits are not collisions.
    const edit = {
      id: await customerOf('lina'),
      set: { attrs: { is_listed: true, stock_code: '688001' } },
      templateVersionId: v,
    };
    expect(await lina.refusalOf('updateCustomer', edit)).toEqual(duplicate('688001'));
    const own = { id: first.id, set: { attrs: { employee_count: 5200 } }, templateVersionId: v };
    expect(await device('zhangwei').refusalOf('updateCustomer', own)).toBeUndefined();
    expect(await holders('688001')).toBe(1);
  });

  it('refuse the second of two records of one push, and decide the same on the one-savepoint path', async () => {
    const v = await versionOf('customer');
    const [a, b] = [newCustomer(listed('688002'), v), newCustomer(listed('688002'), v)];
    const body = {
      protocolVersion: PROTOCOL_VERSION,
      clientId: newId(),
      mutations: [
        { id: 1, name: 'createCustomer', args: a, createdAt: Date.now() },
        { id: 2, name: 'createCustomer', args: b, createdAt: Date.now() },
      ],
    };
    const res = await sendJson<{ rejections: { mutationId: number; error: unknown }[] }>(
      'POST',
      `${server.url}/sync/push`,
      body,
      tokens.zhangwei,
    );
    expect(res.body.rejections).toEqual([
      { mutationId: 2, name: 'createCustomer', error: duplicate('688002') },
    ]);

    const [user] = await server.query(
      `SELECT id, org_id AS "orgId", team_id AS "teamId", username, display_name AS "displayName", role
       FROM users WHERE username = 'zhangwei'`,
    );
    const [c, d] = [newCustomer(listed('688002'), v), newCustomer(listed('688003'), v)];
    const slow = await handlePush(
      server.db,
      user as SessionUser,
      {
        ...body,
        clientId: newId(),
        mutations: [
          { id: 1, name: 'createCustomer', args: c, createdAt: Date.now() },
          { id: 2, name: 'createCustomer', args: d, createdAt: Date.now() },
        ],
      },
      Date.now(),
      { strategy: 'one-by-one' },
    );
    expect(slow.rejections).toEqual([{ mutationId: 1, name: 'createCustomer', error: duplicate('688002') }]);
    expect([await holders('688002'), await holders('688003')]).toEqual([1, 1]);
  });

  it('let exactly one of two concurrent pushes of the same value through', async () => {
    const v = await versionOf('customer');
    for (let round = 0; round < 6; round++) {
      const code = `60${String(round).padStart(4, '0')}`;
      const answers = await Promise.all(
        ['zhangwei', 'lina'].map((user) =>
          device(user).refusalOf('createCustomer', newCustomer(listed(code), v)),
        ),
      );
      expect(
        answers.filter((a) => a === undefined),
        code,
      ).toHaveLength(1);
      expect(answers.find((a) => a !== undefined)).toEqual(duplicate(code));
      expect(await holders(code)).toBe(1);
    }
  });
});
