import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppErrorData } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import {
  duplicateCheckResponseSchema,
  PROTOCOL_VERSION,
  type SessionUser,
} from '../../../shared/sync/protocol';
import { loginAs, postJson, startTestServer, SyncDevice, type TestServer } from '../testing';
import { handlePush, type PushStrategy } from './push';

/**
 * Uniqueness at capture with the holder named (SPEC §6): a create, a conversion or an edit that collides
 * with a live customer on name, credit code or phone is refused as `duplicate`, naming the rep who holds
 * it (never their customer's id), the user themself, or the public sea (with the customer to claim). The
 * same answer on the fast path and the savepoint path, and from the online check POST /customers/duplicates.
 */
let server: TestServer;
const tokens: Record<string, string> = {};
type Customer = { id: string; name: string; phone: string; credit_code: string };
let linas: Customer[];
let mine: Customer;
let publicOne: Customer;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 40 });
  for (const name of ['zhangwei', 'lina']) tokens[name] = await loginAs(server, name);
  const customers = (owner: string | null) =>
    server.query(
      `SELECT id, name, phone, credit_code FROM customers WHERE kind = 'customer'
         AND owner_id ${owner === null ? 'IS NULL' : '= $1'} ORDER BY id`,
      owner === null ? [] : [owner],
    ) as Promise<Customer[]>;
  linas = await customers(server.demo.users.lina);
  mine = (await customers(server.demo.users.zhangwei))[0] as Customer;
  publicOne = (await customers(null))[0] as Customer;
});
afterAll(async () => {
  await server?.close();
});

/** The same phone as the user would type it differently: spaces, brackets, +86. */
function retyped(phone: string): string {
  if (/^1\d{10}$/.test(phone)) return `+86 ${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
  const [area, rest] = phone.split('-');
  return `(${area}) ${rest?.slice(0, 4)} ${rest?.slice(4)}`;
}

async function sessionUser(username: string): Promise<SessionUser> {
  const [row] = await server.query(
    `SELECT id, org_id AS "orgId", team_id AS "teamId", username, display_name AS "displayName", role
     FROM users WHERE username = $1`,
    [username],
  );
  return row as SessionUser;
}

/** Pushes one mutation as zhangwei through the given strategy and returns its refusal. */
async function refusal(
  strategy: PushStrategy,
  name: string,
  args: unknown,
): Promise<AppErrorData | undefined> {
  const response = await handlePush(
    server.db,
    await sessionUser('zhangwei'),
    {
      protocolVersion: PROTOCOL_VERSION,
      clientId: newId(),
      mutations: [{ id: 1, name, args, createdAt: 0 }],
    },
    Date.now(),
    { strategy },
  );
  return response.rejections[0]?.error;
}

const customersNamed = async (name: string) =>
  Number((await server.query('SELECT count(*)::int AS n FROM customers WHERE name = $1', [name]))[0]?.n);

describe('a duplicate write names who holds the customer', () => {
  const theirs = () => linas[0] as Customer;

  it.each(['batch', 'one-by-one'] as const)('another rep’s customer (%s)', async (strategy) => {
    const name = `${theirs().name}`.replace('有限公司', '（有限公司）');
    const error = await refusal(strategy, 'createCustomer', { id: newId(), name });
    expect(error).toEqual({
      code: 'duplicate',
      field: 'name',
      message: 'name: a customer with this name already exists (owned by 李娜)',
      params: { holder: 'user', holderName: '李娜' },
    });
    expect(await customersNamed(name)).toBe(0);
  });

  it.each(['batch', 'one-by-one'] as const)('the same phone typed differently (%s)', async (strategy) => {
    const phone = retyped(theirs().phone);
    const error = await refusal(strategy, 'createCustomer', {
      id: newId(),
      name: '嘉兴号码重复测试有限公司',
      phone,
    });
    expect(error).toMatchObject({
      code: 'duplicate',
      field: 'phone',
      params: { holder: 'user', holderName: '李娜' },
    });
    expect(error?.message).toBe('phone: a customer with this phone number already exists (owned by 李娜)');
  });

  it.each(['batch', 'one-by-one'] as const)('a credit code in lower case (%s)', async (strategy) => {
    const error = await refusal(strategy, 'createCustomer', {
      id: newId(),
      name: '嘉兴信用代码重复测试有限公司',
      creditCode: theirs().credit_code.toLowerCase(),
    });
    expect(error).toMatchObject({ code: 'duplicate', field: 'creditCode', params: { holder: 'user' } });
  });

  it.each(['batch', 'one-by-one'] as const)(
    'a public-sea customer, to claim instead (%s)',
    async (strategy) => {
      const error = await refusal(strategy, 'createCustomer', { id: newId(), name: publicOne.name });
      expect(error).toEqual({
        code: 'duplicate',
        field: 'name',
        message: `name: a customer with this name is in the public sea (${publicOne.name}); claim it instead`,
        params: { holder: 'public', customerId: publicOne.id, customerName: publicOne.name },
      });
    },
  );

  it.each(['batch', 'one-by-one'] as const)('the user’s own customer (%s)', async (strategy) => {
    const error = await refusal(strategy, 'createCustomer', { id: newId(), name: mine.name });
    expect(error).toMatchObject({
      code: 'duplicate',
      field: 'name',
      params: { holder: 'self', customerId: mine.id, customerName: mine.name },
    });
  });

  it('an edit to another customer’s phone, and the second of two creates in one push', async () => {
    const zhangwei = new SyncDevice(server, tokens.zhangwei ?? '');
    expect(
      await zhangwei.refusalOf('updateCustomer', {
        id: mine.id,
        set: { phone: (linas[1] as Customer).phone },
      }),
    ).toMatchObject({ code: 'duplicate', field: 'phone', params: { holder: 'user', holderName: '李娜' } });
    const name = '湖州同批次重复测试有限公司';
    const [first, second] = [newId(), newId()];
    const { body } = await postJson<{ rejections: { mutationId: number; error: AppErrorData }[] }>(
      `${server.url}/sync/push`,
      {
        protocolVersion: PROTOCOL_VERSION,
        clientId: newId(),
        mutations: [
          { id: 1, name: 'createCustomer', args: { id: first, name }, createdAt: 0 },
          { id: 2, name: 'createCustomer', args: { id: second, name }, createdAt: 0 },
          { id: 3, name: 'updateCustomer', args: { id: first, set: { level: 'A' } }, createdAt: 0 },
        ],
      },
      tokens.zhangwei,
    );
    expect(body.rejections).toEqual([
      {
        mutationId: 2,
        name: 'createCustomer',
        error: expect.objectContaining({
          code: 'duplicate',
          params: { holder: 'self', customerId: first, customerName: name },
        }),
      },
    ]);
    expect(await server.query('SELECT id, level FROM customers WHERE name = $1', [name])).toEqual([
      { id: first, level: 'A' },
    ]);
  });

  it('leads are exempt: a lead may carry a customer’s name and phone', async () => {
    const zhangwei = new SyncDevice(server, tokens.zhangwei ?? '');
    const lead = { id: newId(), name: theirs().name, phone: theirs().phone };
    expect(await zhangwei.refusalOf('createLead', lead)).toBeUndefined();
    // …until it is converted.
    expect(
      await zhangwei.refusalOf('convertLead', { id: lead.id, set: { name: '嘉兴转化测试有限公司' } }),
    ).toMatchObject({ code: 'duplicate', field: 'phone', params: { holder: 'user', holderName: '李娜' } });
  });
});

describe('POST /customers/duplicates', () => {
  const check = (body: unknown, token = tokens.zhangwei) =>
    postJson<Record<string, unknown>>(`${server.url}/customers/duplicates`, body, token);

  it('names the holder of each value asked, normalised like the unique indexes', async () => {
    const theirs = linas[2] as Customer;
    const { status, body } = await check({
      name: ` ${theirs.name.replace('有限公司', '(有限公司)')} `,
      creditCode: publicOne.credit_code.toLowerCase(),
      phone: retyped(mine.phone),
    });
    expect(status).toBe(200);
    expect(duplicateCheckResponseSchema.parse(body)).toEqual({
      matches: [
        { field: 'name', holder: 'user', holderName: '李娜' },
        { field: 'creditCode', holder: 'public', customerId: publicOne.id, customerName: publicOne.name },
        { field: 'phone', holder: 'self', customerId: mine.id, customerName: mine.name },
      ],
    });
  });

  it('excludes the record being edited, ignores leads and blank values', async () => {
    const theirs = linas[3] as Customer;
    expect((await check({ name: theirs.name, excludeId: theirs.id }, tokens.lina)).body).toEqual({
      matches: [],
    });
    await new SyncDevice(server, tokens.lina ?? '').push('createLead', {
      id: newId(),
      name: '舟山线索查重测试有限公司',
    });
    expect((await check({ name: '舟山线索查重测试有限公司', phone: '  ', creditCode: '' })).body).toEqual({
      matches: [],
    });
  });

  it('answers bad input with 400 naming the field, and no token with 401', async () => {
    for (const [body, field] of [
      [{ phone: '12345' }, 'phone'],
      [{ creditCode: '91330212MA2AB1234X' }, 'creditCode'],
      [{ excludeId: 'not-an-id' }, 'excludeId'],
      [{ name: 'x'.repeat(201) }, 'name'],
      [{ name: 42 }, 'name'],
    ] as const) {
      const { status, body: answer } = await check(body);
      expect(status, JSON.stringify(answer)).toBe(400);
      expect(answer.error).toMatchObject({ code: 'validation', field });
    }
    const unknown = await check({ email: 'a@b.c' });
    expect(unknown.status).toBe(400);
    expect((await check({ name: 'x' }, '')).status).toBe(401);
  });
});
