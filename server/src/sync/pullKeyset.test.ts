import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import { PROTOCOL_VERSION, pullResponseSchema, type PullResponse } from '../../../shared/sync/protocol';
import { loginAs, postJson, startTestServer, type TestServer } from '../testing';
import { decodeCursor, encodeCursor } from './pull';

/**
 * A full round pages contacts and follow-ups by (customer id, id): the cursor carries the customer of the
 * last child sent. A mid-round cursor without it (issued by a server that paged children by id alone)
 * cannot be continued in the new order and must restart the full pull rather than skip or repeat rows.
 */
let server: TestServer;
let token = '';

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 30 });
  token = await loginAs(server, 'wangfang');
});
afterAll(async () => {
  await server?.close();
});

async function pull(clientId: string, cursor: string | null, limit: number) {
  const res = await postJson<PullResponse>(
    `${server.url}/sync/pull`,
    { protocolVersion: PROTOCOL_VERSION, clientId, cursor, limit },
    token,
  );
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  return pullResponseSchema.parse(res.body);
}

/** Pulls pages of a full round until one ends inside the follow-ups; returns that page. */
async function pullIntoFollowUps(clientId: string) {
  let cursor: string | null = null;
  for (let i = 0; i < 500; i++) {
    const page = await pull(clientId, cursor, 5);
    cursor = page.cursor;
    if (page.patch.some((op) => op.op === 'put' && op.table === 'followUps') && page.hasMore) return page;
  }
  throw new Error('the round never reached the follow-ups');
}

describe('full pull keyset over (customer, id)', () => {
  it('continues a child-table cursor where it stopped, and restarts one without its customer', async () => {
    const clientId = newId();
    const page = await pullIntoFollowUps(clientId);
    const cursor = decodeCursor(page.cursor);
    const lastFollowUp = page.patch.filter((op) => op.op === 'put' && op.table === 'followUps').at(-1);
    expect(cursor.p?.c).toBe(lastFollowUp?.op === 'put' ? lastFollowUp.row.customerId : undefined);

    const next = await pull(clientId, page.cursor, 5);
    expect(next.patch[0]).not.toEqual({ op: 'clear' });

    const { c: _dropped, ...withoutCustomer } = cursor.p ?? { b: null, t: 0, a: null };
    const old = await pull(clientId, encodeCursor({ ...cursor, p: withoutCustomer }), 5);
    expect(old.patch[0]).toEqual({ op: 'clear' });
    expect(old.progress?.sent).toBe(5);
  });
});
