import { figure, percentile, type Measured } from '../lib/figures';
import { createScratchDatabase, startServerProcess } from '../lib/postgres';
import { customersByOwner, seedBenchOrg } from '../lib/seed';
import { deadline, secondsSince, type Suite } from '../lib/suite';
import { connectDevice, followUpArgs, type SyncDevice } from '../lib/syncClient';

const ROUNDS = 3;
const MAX_PAGES = 50;

type Samples = { pull: number[]; push: number[]; health: number[]; errors: string[] };

/** Pulls until the server says there is no more, recording each request's latency; returns the puts. */
async function pullAll(device: SyncDevice, samples: Samples): Promise<{ customers: number }> {
  let customers = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { response, ms } = await device.pullPage();
    samples.pull.push(ms);
    customers += response.patch.filter((op) => op.op === 'put' && op.table === 'customers').length;
    if (!response.hasMore) return { customers };
  }
  throw new Error(`pull did not finish in ${MAX_PAGES} pages`);
}

/** A device's morning: full pull of its book, then a few rounds of push + incremental pull. */
async function deviceSession(
  device: SyncDevice,
  book: string[],
  booksize: number,
  samples: Samples,
): Promise<void> {
  const step = async (label: string, work: () => Promise<void>) => {
    try {
      await work();
    } catch (err) {
      samples.errors.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  await step('full pull', async () => {
    const { customers } = await pullAll(device, samples);
    if (customers !== booksize)
      throw new Error(`full pull brought ${customers} customers, expected ${booksize}`);
  });
  await step('health', async () => void samples.health.push(await device.health()));
  for (let round = 0; round < ROUNDS; round++) {
    await step('push', async () => {
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
    await step('incremental pull', async () => void (await pullAll(device, samples)));
    await step('health', async () => void samples.health.push(await device.health()));
  }
}

/**
 * Figure 4 (issue 3): a sales floor syncing at once. 200 reps, 50 customers each (2 contacts and 5
 * follow-ups per customer), one server process on PostgreSQL. All devices log in first (their sessions
 * exist, as on a morning when laptops open), then all at once: a full pull of their book, then 3 rounds
 * of a 5-mutation push and an incremental pull, with a GET /health after each pull. p99 over every pull
 * request; errors = any non-2xx, network error, rejection, or a book that came back incomplete.
 * Reference: the p99 of the GET /health requests made in the same run, under the same load.
 */
export const devices200: Suite = {
  figures: ['server.devices200.p99_pull_ms', 'server.devices200.errors'],
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

      const samples: Samples = { pull: [], push: [], health: [], errors: [] };
      const check = deadline('devices200', 300_000);
      const started = performance.now();
      await Promise.all(devices.map((d) => deviceSession(d, byOwner.get(d.userId) ?? [], booksize, samples)));
      check();
      const seconds = secondsSince(started);
      const requests =
        samples.pull.length + samples.push.length + samples.health.length + samples.errors.length;
      const p99 = samples.pull.length > 0 ? percentile(samples.pull, 99) : Number.NaN;
      const healthP99 = samples.health.length > 0 ? percentile(samples.health, 99) : null;
      ctx.log(
        `${requests} requests in ${seconds.toFixed(1)} s; pull p50 ${percentile(samples.pull, 50).toFixed(0)} ms p99 ${p99.toFixed(0)} ms max ${Math.max(...samples.pull).toFixed(0)} ms; push p99 ${percentile(samples.push, 99).toFixed(0)} ms; health p99 ${healthP99?.toFixed(0)} ms`,
      );
      for (const e of samples.errors.slice(0, 5)) ctx.log(`error: ${e}`);
      return [
        figure('server.devices200.p99_pull_ms', p99, 'ms', healthP99, {
          referenceLabel: 'GET /health p99, same load',
          target: '< 250 ms',
          meets: (v) => v < 250,
        }),
        figure('server.devices200.errors', samples.errors.length, 'errors', requests, {
          referenceLabel: 'requests',
          target: '0',
          meets: (v) => v === 0,
        }),
      ] satisfies Measured[];
    } finally {
      await stopServer?.();
      await scratch.drop();
    }
  },
};
