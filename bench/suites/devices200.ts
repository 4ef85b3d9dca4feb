import { figure, percentile, type Measured } from '../lib/figures';
import { createScratchDatabase, startServerProcess } from '../lib/postgres';
import { customersByOwner, seedBenchOrg } from '../lib/seed';
import { startStaticServer } from '../lib/staticServer';
import { deadline, secondsSince, type Suite } from '../lib/suite';
import { connectDevice, followUpArgs, request, type SyncDevice } from '../lib/syncClient';

const ROUNDS = 3;
const MAX_PAGES = 50;

type Samples = { pull: number[]; push: number[]; health: number[]; errors: string[] };

const newSamples = (): Samples => ({ pull: [], push: [], health: [], errors: [] });

async function step(samples: Samples, label: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (err) {
    samples.errors.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Pulls until the server says there is no more, recording each request's latency; returns the puts. */
async function pullAll(device: SyncDevice, samples: Samples): Promise<{ customers: number; body: unknown }> {
  let customers = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { response, ms } = await device.pullPage();
    samples.pull.push(ms);
    customers += response.patch.filter((op) => op.op === 'put' && op.table === 'customers').length;
    if (!response.hasMore) return { customers, body: response };
  }
  throw new Error(`pull did not finish in ${MAX_PAGES} pages`);
}

/** A device's first sync: the full pull of its book, checked complete. Returns its last page. */
async function firstSync(device: SyncDevice, booksize: number, samples: Samples): Promise<unknown> {
  let body: unknown = null;
  await step(samples, 'first sync', async () => {
    const pulled = await pullAll(device, samples);
    if (pulled.customers !== booksize)
      throw new Error(`full pull brought ${pulled.customers} customers, expected ${booksize}`);
    body = pulled.body;
  });
  return body;
}

/** A device's morning, its book already on it: rounds of push + incremental pull, GET /health after each. */
async function morning(device: SyncDevice, book: string[], samples: Samples): Promise<void> {
  for (let round = 0; round < ROUNDS; round++) {
    await step(samples, 'push', async () => {
      const mutations: { name: string; args: unknown }[] = [0, 1, 2, 3].map((k) => ({
        name: 'logFollowUp',
        args: followUpArgs(book[(round * 4 + k) % book.length]!, round * 4 + k),
      }));
      // Each round edits another customer, whose website the seed left empty: the base is always null.
      mutations.push({
        name: 'updateCustomer',
        args: {
          id: book[round % book.length]!,
          set: { website: `https://www.example.com.cn/r${round}` },
          base: { website: null },
        },
      });
      const { sent, response, ms } = await device.push(mutations);
      samples.push.push(ms);
      if (response.lastMutationId !== sent.at(-1)!.id)
        throw new Error(`acknowledged ${response.lastMutationId}`);
      if (response.rejections.length > 0)
        throw new Error(`rejected: ${JSON.stringify(response.rejections[0])}`);
    });
    await step(samples, 'incremental pull', async () => void (await pullAll(device, samples)));
    await step(samples, 'health', async () => void samples.health.push(await device.health()));
  }
}

const ms = (samples: number[]) => (samples.length > 0 ? percentile(samples, 99).toFixed(0) : '–');

/**
 * Figure 4 (issue 3): a sales floor of 200 reps (50 customers, 100 contacts, 250 follow-ups each) syncing
 * at once against one server process on PostgreSQL. All devices log in first (untimed: a morning's
 * laptops already hold their sessions). Two moments are then timed apart:
 * - **The morning** (`server.devices200.p99_pull_ms`): the devices, their books on them, come online at
 *   the same instant and each makes 3 rounds of a 5-mutation push and an incremental pull, with a
 *   GET /health after each pull; p99 over every pull. Reference: the p99 of those /health requests.
 * - **Rollout day** (`server.devices200.first_sync_p99_ms`, logged without a target): the 200 devices'
 *   first sync (the full pull of a ~280 KB book) at the same instant. Reference: the floor of moving
 *   those bytes here — a bare node:http process answering 200 simultaneous requests with one of these
 *   answers as a fixed body, fetched and parsed by the same client code.
 * errors = any non-2xx, network error, rejection, or a book that came back incomplete, in either moment.
 */
export const devices200: Suite = {
  figures: [
    'server.devices200.p99_pull_ms',
    'server.devices200.errors',
    'server.devices200.first_sync_p99_ms',
  ],
  async run(ctx) {
    const deviceCount = ctx.quick ? 40 : 200;
    const booksize = 50;
    const scratch = await createScratchDatabase();
    let stopServer: (() => Promise<void>) | null = null;
    try {
      const org = await seedBenchOrg(scratch.pool, {
        reps: deviceCount,
        customersPerRep: booksize,
        contactsPerCustomer: 2,
        followUpsPerCustomer: 5,
      });
      const server = await startServerProcess(scratch.url);
      stopServer = server.stop;
      const byOwner = await customersByOwner(scratch.pool, org.orgId);
      const loginStarted = performance.now();
      const devices = await Promise.all(org.reps.map((r) => connectDevice(server.url, r.username)));
      ctx.log(
        `${devices.length} devices logged in in ${secondsSince(loginStarted).toFixed(1)} s (not timed)`,
      );
      const check = deadline('devices200', 300_000);

      // Rollout day: every first sync at once.
      const first = newSamples();
      let started = performance.now();
      const bodies = await Promise.all(devices.map((d) => firstSync(d, booksize, first)));
      const firstSeconds = secondsSince(started);
      const body = JSON.stringify(bodies.find((b) => b !== null) ?? {});
      const floor = newSamples();
      const stat = await startStaticServer(body);
      try {
        await Promise.all(
          devices.map(async (d) => {
            await step(floor, 'floor', async () => {
              const answer = await request<unknown>(stat.url, {
                method: 'POST',
                body: { protocolVersion: 5, clientId: d.clientId, cursor: null },
              });
              floor.pull.push(answer.ms);
            });
          }),
        );
      } finally {
        await stat.stop();
      }
      ctx.log(
        `first sync: ${first.pull.length} pulls in ${firstSeconds.toFixed(1)} s, p50 ${percentile(first.pull, 50).toFixed(0)} ms p99 ${ms(first.pull)} ms; floor (${(body.length / 1024).toFixed(0)} KB static body, same concurrency) p50 ${percentile(floor.pull, 50).toFixed(0)} ms p99 ${ms(floor.pull)} ms`,
      );

      // The morning: the same devices, their books on them, online at once.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const day = newSamples();
      started = performance.now();
      await Promise.all(devices.map((d) => morning(d, byOwner.get(d.userId) ?? [], day)));
      check();
      const seconds = secondsSince(started);
      const errors = [...first.errors, ...floor.errors, ...day.errors];
      const requests =
        first.pull.length + day.pull.length + day.push.length + day.health.length + errors.length;
      const p99 = day.pull.length > 0 ? percentile(day.pull, 99) : Number.NaN;
      const healthP99 = day.health.length > 0 ? percentile(day.health, 99) : null;
      ctx.log(
        `morning: ${day.pull.length + day.push.length + day.health.length} requests in ${seconds.toFixed(1)} s; pull p50 ${percentile(day.pull, 50).toFixed(0)} ms p99 ${p99.toFixed(0)} ms max ${Math.max(...day.pull).toFixed(0)} ms; push p50 ${percentile(day.push, 50).toFixed(0)} ms p99 ${ms(day.push)} ms; health p99 ${healthP99?.toFixed(0)} ms`,
      );
      for (const e of errors.slice(0, 5)) ctx.log(`error: ${e}`);
      return [
        figure('server.devices200.p99_pull_ms', p99, 'ms', healthP99, {
          referenceLabel: 'GET /health p99, same load',
          target: '< 250 ms',
          meets: (v) => v < 250,
        }),
        figure('server.devices200.errors', errors.length, 'errors', requests, {
          referenceLabel: 'requests',
          target: '0',
          meets: (v) => v === 0,
        }),
        figure(
          'server.devices200.first_sync_p99_ms',
          first.pull.length > 0 ? percentile(first.pull, 99) : Number.NaN,
          'ms',
          floor.pull.length > 0 ? percentile(floor.pull, 99) : null,
          { referenceLabel: 'static body of the same bytes, p99', target: '–', meets: null },
        ),
      ] satisfies Measured[];
    } finally {
      await stopServer?.();
      await scratch.drop();
    }
  },
};
