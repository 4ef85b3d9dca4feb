import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import { PROTOCOL_VERSION, type PushResponse } from '../../../shared/sync/protocol';
import {
  loginAs,
  openEvents,
  postJson,
  startTestServer,
  type EventStream,
  type TestServer,
} from '../testing';
import { parsePokePayload } from './pokes';

let server: TestServer;
const tokens: Record<string, string> = {};
const streams: EventStream[] = [];
const now = Date.now();

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 20 });
  for (const name of ['admin', 'wangfang', 'zhangwei', 'lina']) tokens[name] = await loginAs(server, name);
});
afterAll(async () => {
  for (const s of streams) s.close();
  await server?.close();
});

const open = async (user: string, clientId?: string) => {
  const stream = await openEvents(server.url, tokens[user] ?? '', clientId);
  streams.push(stream);
  await stream.nextPoke(2000, 0); // the catch-up poke every stream starts with
  return stream;
};

const push = async (user: string, clientId: string, id: number, name: string, args: unknown) => {
  const res = await postJson<PushResponse>(
    `${server.url}/sync/push`,
    { protocolVersion: PROTOCOL_VERSION, clientId, mutations: [{ id, name, args, createdAt: now }] },
    tokens[user],
  );
  expect(res.status).toBe(200);
  expect(res.body.rejections).toEqual([]);
};

const ownedBy = async (user: 'zhangwei' | 'lina') =>
  String(
    (
      await server.query(
        `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' ORDER BY id LIMIT 1`,
        [server.demo.users[user]],
      )
    )[0]?.id,
  );

/** Waits long enough that a poke that was going to come would have come. */
const quiet = (stream: EventStream, since: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, 400)).then(() =>
    expect(stream.pokes.filter((t) => t >= since)).toEqual([]),
  );

describe('GET /sync/events: pokes', () => {
  it('pokes rep B within a second of the manager transferring a customer to B, and the old owner too', async () => {
    const lina = await open('lina');
    const zhangwei = await open('zhangwei');
    const customerId = await ownedBy('zhangwei');
    const sent = Date.now();
    await push('wangfang', newId(), 1, 'transferCustomer', {
      customerId,
      toUserId: server.demo.users.lina,
      reason: '区域调整',
    });
    const [toLina, toZhangwei] = await Promise.all([
      lina.nextPoke(1000, sent),
      zhangwei.nextPoke(1000, sent),
    ]);
    expect(toLina - sent).toBeLessThan(1000);
    expect(toZhangwei - sent).toBeLessThan(1000);
  });

  it('pokes only devices whose scope the push touched, never the pushing device itself', async () => {
    const mine = newId();
    const zhangweiOwn = await open('zhangwei', mine);
    const zhangweiLaptop = await open('zhangwei', newId());
    const lina = await open('lina');
    const manager = await open('wangfang');
    const admin = await open('admin');
    const sent = Date.now();
    await push('zhangwei', mine, 1, 'logFollowUp', {
      id: newId(),
      customerId: await ownedBy('zhangwei'),
      type: 'call',
      content: '电话沟通报价',
      occurredAt: now - 60_000,
    });
    await Promise.all([
      zhangweiLaptop.nextPoke(1000, sent),
      manager.nextPoke(1000, sent),
      admin.nextPoke(1000, sent),
    ]);
    await Promise.all([quiet(zhangweiOwn, sent), quiet(lina, sent)]);
  });

  it('pokes every device of the org when an admin changes the settings', async () => {
    const [zhangwei, lina, manager] = await Promise.all([open('zhangwei'), open('lina'), open('wangfang')]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const sent = Date.now();
    await push('admin', newId(), 1, 'updateSettings', { set: { followUpEditWindowHours: 48 } });
    await Promise.all([zhangwei, lina, manager].map((stream) => stream.nextPoke(1000, sent)));
  });

  it('pokes a rep who claims from the public sea only on their other devices', async () => {
    const [customer] = await server.query(
      `SELECT id FROM customers WHERE pool_state = 'public' AND kind = 'customer' ORDER BY id LIMIT 1`,
    );
    const mine = newId();
    const [own, laptop, lina] = await Promise.all([open('zhangwei', mine), open('zhangwei'), open('lina')]);
    // Past the millisecond in which the catch-up pokes arrived.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const sent = Date.now();
    await push('zhangwei', mine, 1, 'claimCustomer', {
      customerId: String(customer?.id),
      reason: '重新跟进',
    });
    await laptop.nextPoke(1000, sent);
    await Promise.all([quiet(own, sent), quiet(lina, sent)]);
  });

  it('answers a missing token with 401 JSON before any stream starts', async () => {
    const res = await fetch(`${server.url}/sync/events`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('parses its own NOTIFY payloads and ignores anything else', () => {
    expect(parsePokePayload('o:a,b:c')).toEqual({ orgId: 'o', owners: ['a', 'b'], sourceClientId: 'c' });
    expect(parsePokePayload('o:*:c')).toEqual({ orgId: 'o', owners: '*', sourceClientId: 'c' });
    expect(parsePokePayload('junk')).toBeUndefined();
  });
});
