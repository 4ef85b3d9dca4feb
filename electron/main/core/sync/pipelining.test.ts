import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../shared/ids';
import { makeTempDir, openTestDatabase, testCustomer } from '../testing';
import { createSyncAgent } from './agent';
import { createSyncTransport } from './transport';

/**
 * The pull's pipelining over a real socket. A stand-in server in a worker thread counts the pull
 * requests it has received (shared memory) and answers page k+1 only once the device has started
 * applying page k. The device, inside each page's apply transaction (where the agent calls `now()`),
 * waits up to 3 s for the server to have received the next request. An agent that asks for the next
 * page but only lets fetch() write it after the apply (the event loop is blocked meanwhile) fails here;
 * a stand-in fetch called synchronously (rounds.test.ts) cannot tell the difference.
 */
const SERVER = `
const { createServer } = require('node:http');
const { parentPort, workerData } = require('node:worker_threads');
// [pull requests received, pages the device has started applying, pages answered]
const counters = new Int32Array(workerData.shared);
const pages = workerData.pages;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.url !== '/sync/pull') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { code: 'not_found', message: req.url } }));
    }
    const k = Atomics.add(counters, 0, 1); // this is request k (0-based)
    Atomics.notify(counters, 0);
    // Page k waits until the device is applying page k-1 (or 5 s, so a failing agent still ends).
    if (k > 0) {
      const deadline = Date.now() + 5000;
      while (Atomics.load(counters, 1) < k && Date.now() < deadline) Atomics.wait(counters, 1, Atomics.load(counters, 1), 50);
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    if (pages[k]) Atomics.add(counters, 2, 1);
    // Later pulls (the agent's next cycle) find nothing new.
    const empty = { cursor: 'settled', hasMore: false, lastMutationId: 0, patch: [], rejections: [], conflicts: [] };
    res.end(JSON.stringify(pages[k] ?? empty));
  });
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', () => server.close(() => process.exit(0)));
`;

describe('pull pipelining over a real socket', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it("the next page's request reaches the server before this page's apply starts", async () => {
    const PAGES = 4;
    const pages = Array.from({ length: PAGES }, (_, k) => ({
      cursor: `c${k + 1}`,
      hasMore: k < PAGES - 1,
      lastMutationId: 0,
      patch: [
        ...(k === 0 ? [{ op: 'clear' }] : []),
        ...Array.from({ length: 3 }, (_, i) => ({
          op: 'put',
          table: 'customers',
          row: testCustomer({ name: `流水线客户${k}-${i}` }),
        })),
      ],
      rejections: [],
      conflicts: [],
    }));
    const shared = new SharedArrayBuffer(12);
    const counters = new Int32Array(shared);
    const worker = new Worker(SERVER, { eval: true, workerData: { shared, pages } });
    const port = await new Promise<number>((resolve) => worker.once('message', resolve));
    const db = openTestDatabase(temp.dir, `${newId()}.db`);
    // For each page applied mid-round: had the server received the request for the next page?
    const heardNext: boolean[] = [];
    let checkedFor = 0;
    const now = () => {
      // Inside a page's apply transaction, the page being applied is the last one the server answered.
      const applying = Atomics.load(counters, 2);
      if (db.inTransaction && applying > checkedFor && applying < PAGES) {
        const deadline = Date.now() + 3000;
        while (Atomics.load(counters, 0) <= applying && Date.now() < deadline) {
          Atomics.wait(counters, 0, applying, 50);
        }
        heardNext.push(Atomics.load(counters, 0) > applying);
        checkedFor = applying;
        Atomics.store(counters, 1, applying);
        Atomics.notify(counters, 1);
      }
      return 1_700_000_000_000;
    };
    const agent = createSyncAgent({
      db,
      clientId: newId(),
      transport: createSyncTransport({ serverUrl: `http://127.0.0.1:${port}`, fetch, token: 't' }),
      emit: () => undefined,
      now,
      pokes: false,
      syncIntervalMs: 60_000,
    });
    try {
      agent.start();
      const status = await agent.syncNow();
      expect(status.lastError).toBeNull();
      expect(db.prepare('SELECT count(*) FROM customers').pluck().get()).toBe(PAGES * 3);
      expect(heardNext).toEqual([true, true, true]);
    } finally {
      await agent.stop();
      db.close();
      worker.postMessage('stop');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
  });
});
