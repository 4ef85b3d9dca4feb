import type pg from 'pg';
import { figure, type Measured } from '../lib/figures';
import { createScratchDatabase, startServerProcess } from '../lib/postgres';
import { customersByOwner, seedBenchOrg } from '../lib/seed';
import { secondsSince, type Suite } from '../lib/suite';
import { connectDevice, followUpArgs, type SyncDevice } from '../lib/syncClient';

const CLIENTS = 4;
const BATCH = 200;
/** Of each batch: every fourth mutation edits a customer, the rest log follow-ups (a rep's day). */
const UPDATE_EVERY = 4;

type FollowUp = ReturnType<typeof followUpArgs>;

/** One device's pushes: it edits only its own customers and tracks what it last set, as its `base`. */
function makeBatch(
  device: SyncDevice,
  customers: string[],
  address: Map<string, string | null>,
  batchNo: number,
) {
  const mutations: { name: string; args: unknown }[] = [];
  const followUps: FollowUp[] = [];
  const updates: { id: string; value: string }[] = [];
  for (let i = 0; i < BATCH; i++) {
    const customerId = customers[(batchNo * BATCH + i) % customers.length]!;
    if (i % UPDATE_EVERY === UPDATE_EVERY - 1) {
      const value = `上海市浦东新区科苑路${batchNo}-${i}号`;
      mutations.push({
        name: 'updateCustomer',
        args: { id: customerId, set: { address: value }, base: { address: address.get(customerId) ?? null } },
      });
      updates.push({ id: customerId, value });
    } else {
      const args = followUpArgs(customerId, batchNo * BATCH + i);
      mutations.push({ name: 'logFollowUp', args });
      followUps.push(args);
    }
  }
  return { mutations, followUps, updates };
}

async function pushBatch(
  device: SyncDevice,
  customers: string[],
  address: Map<string, string | null>,
  batchNo: number,
): Promise<FollowUp[]> {
  const { mutations, followUps, updates } = makeBatch(device, customers, address, batchNo);
  const { sent, response } = await device.push(mutations);
  const last = sent.at(-1)!.id;
  if (response.lastMutationId !== last)
    throw new Error(`push acknowledged ${response.lastMutationId}, sent up to ${last}`);
  if (response.rejections.length > 0) {
    const r = response.rejections[0]!;
    throw new Error(
      `${response.rejections.length} mutations rejected, e.g. ${r.name}: ${r.error.code} ${r.error.message}`,
    );
  }
  for (const u of updates) address.set(u.id, u.value);
  return followUps;
}

/** The reference: the same follow-up rows by `INSERT … SELECT unnest(…)`, batch for batch, as many writers. */
async function rawUnnestRate(
  pool: pg.Pool,
  orgId: string,
  authorOf: Map<string, string>,
  perClient: FollowUp[][],
): Promise<number> {
  await pool.query('CREATE TABLE follow_ups_ref (LIKE follow_ups INCLUDING ALL)');
  const perBatch = BATCH - BATCH / UPDATE_EVERY;
  const started = performance.now();
  await Promise.all(
    perClient.map(async (rows) => {
      const client = await pool.connect();
      try {
        for (let i = 0; i < rows.length; i += perBatch) {
          const batch = rows.slice(i, i + perBatch);
          const now = Date.now();
          await client.query(
            `INSERT INTO follow_ups_ref (id, org_id, customer_id, contact_id, author_id, type, content, outcome, occurred_at,
               next_follow_up_at, created_at, updated_at, version, deleted_at)
             SELECT id, $1, customer_id, NULL, author_id, type, content, outcome, occurred_at, next_follow_up_at, $2, $2, 1, NULL
             FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::bigint[])
               AS u(id, customer_id, author_id, type, content, outcome, occurred_at, next_follow_up_at)`,
            [
              orgId,
              now,
              batch.map((f) => f.id),
              batch.map((f) => f.customerId),
              batch.map((f) => authorOf.get(f.customerId)),
              batch.map((f) => f.type),
              batch.map((f) => f.content),
              batch.map((f) => f.outcome),
              batch.map((f) => f.occurredAt),
              batch.map((f) => f.nextFollowUpAt),
            ],
          );
        }
      } finally {
        client.release();
      }
    }),
  );
  const seconds = secondsSince(started);
  return perClient.reduce((n, r) => n + r.length, 0) / seconds;
}

/**
 * Figure 3 (issue 3): pushes of 200-mutation batches (¾ logFollowUp, ¼ updateCustomer with a base, all
 * rules checked by the shared mutators inside the server's transaction) from 4 devices at once against
 * one server process on PostgreSQL. Every push must be acknowledged whole with no rejection.
 * Reference: the raw PostgreSQL rate of the same follow-up rows inserted with unnest by 4 writers.
 */
export const serverPush: Suite = {
  figures: ['server.push.mutations_per_s'],
  async run(ctx) {
    const batches = ctx.quick ? 3 : 15;
    const scratch = await createScratchDatabase();
    let stopServer: (() => Promise<void>) | null = null;
    try {
      const org = await seedBenchOrg(scratch.pool, {
        reps: CLIENTS,
        customersPerRep: 300,
        contactsPerCustomer: 2,
        followUpsPerCustomer: 3,
      });
      const server = await startServerProcess(scratch.url);
      stopServer = server.stop;
      const byOwner = await customersByOwner(scratch.pool, org.orgId);
      const address = new Map(
        (
          await scratch.pool.query<{ id: string; address: string | null }>(
            'SELECT id, address FROM customers',
          )
        ).rows.map((r) => [r.id, r.address]),
      );
      const authorOf = new Map<string, string>();
      for (const [owner, ids] of byOwner) for (const id of ids) authorOf.set(id, owner);
      const devices = await Promise.all(org.reps.map((r) => connectDevice(server.url, r.username)));
      const books = devices.map((d) => byOwner.get(d.userId) ?? []);

      // Warm-up: one batch each (JIT, connection pool, plans), not timed.
      await Promise.all(devices.map((d, i) => pushBatch(d, books[i]!, address, 0)));
      const started = performance.now();
      const followUps = await Promise.all(
        devices.map(async (d, i) => {
          const rows: FollowUp[] = [];
          for (let b = 1; b <= batches; b++) rows.push(...(await pushBatch(d, books[i]!, address, b)));
          return rows;
        }),
      );
      const seconds = secondsSince(started);
      const mutations = CLIENTS * batches * BATCH;
      const rate = mutations / seconds;
      const ids = followUps.flat().map((f) => f.id);
      const { rows } = await scratch.pool.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM follow_ups WHERE id = ANY($1::uuid[])',
        [ids],
      );
      if (rows[0]?.n !== ids.length)
        throw new Error(`server holds ${rows[0]?.n} of ${ids.length} pushed follow-ups`);
      ctx.log(`${mutations} mutations in ${seconds.toFixed(2)} s from ${CLIENTS} devices`);

      const reference = await rawUnnestRate(scratch.pool, org.orgId, authorOf, followUps);
      ctx.log(`raw unnest insert: ${Math.round(reference)} rows/s`);
      return [
        figure('server.push.mutations_per_s', rate, 'mutations/s', reference, {
          referenceLabel: 'raw PG unnest rows/s',
          target: '≥ 3,000',
          meets: (v) => v >= 3000,
        }),
      ] satisfies Measured[];
    } finally {
      await stopServer?.();
      await scratch.drop();
    }
  },
};
