import { randomBytes, randomUUID } from 'node:crypto';
import { hashApiKey } from '../../server/src/pools/apiKeys';
import { DAY_MS } from '../../shared/pools/rules';
import { figure, percentile, type Measured } from '../lib/figures';
import { createScratchDatabase, startServerProcess, type ServerProcess } from '../lib/postgres';
import { seedBenchOrg } from '../lib/seed';
import { deadline, type Suite } from '../lib/suite';
import { REQUEST_TIMEOUT_MS } from '../lib/syncClient';

/** Requests in flight at once in the concurrent half (several systems sending at the same moment). */
const CONCURRENCY = 4;

type Answer = { outcome: string; customerId: string; ownerId: string | null; taskId: string | null };

async function post(url: string, key: string, body: unknown): Promise<{ ms: number; answer: Answer }> {
  const started = performance.now();
  const response = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`POST /events: ${response.status} ${text.slice(0, 300)}`);
  return { ms, answer: JSON.parse(text) as Answer };
}

async function health(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  await response.text();
  if (response.status !== 200) throw new Error(`GET /health: ${response.status}`);
  return performance.now() - started;
}

/**
 * `server.reactivation.p99_ms` (issue 6): an activity event for a customer waiting in the public sea,
 * `POST /events` over HTTP to the server process on PostgreSQL, from request to the 200 that reports the
 * assignment — committed (customer moved with its history, the task, the poke) when the server answers.
 * An org of 50 reps × 2,000 customers; N of them recycled earlier (4 in 5 with a previous owner under
 * the pool's limit, the rest assigned to the least-loaded rep, which counts every rep's book). Half the
 * events one after another, half CONCURRENCY at a time. Reference, same run: `GET /health` round trips
 * interleaved with the sequential events (p99).
 */
export const reactivation: Suite = {
  figures: ['server.reactivation.p99_ms'],
  async run(ctx) {
    const events = ctx.quick ? 200 : 1000;
    const now = Date.now();
    const scratch = await createScratchDatabase();
    let server: ServerProcess | undefined;
    try {
      const org = await seedBenchOrg(scratch.pool, {
        reps: 50,
        customersPerRep: 2000,
        contactsPerCustomer: 0,
        followUpsPerCustomer: 0,
        now,
      });
      const poolId = randomUUID();
      await scratch.pool.query(
        `INSERT INTO pools (id, org_id, kind, name_zh, name_en, team_ids, admin_ids, is_default, active, recycle, claim,
           assign, created_at, updated_at, version)
         VALUES ($1, $2, 'customer', '华东公海', 'East China pool', $3, '[]', true, true, '{}', $4,
           'previousOwnerThenLeastLoaded', $5, $5, 1)`,
        [
          poolId,
          org.orgId,
          JSON.stringify([org.teamId]),
          JSON.stringify({ maxPerUser: 3000 }),
          now - 400 * DAY_MS,
        ],
      );
      const key = `tp_${randomBytes(24).toString('base64url')}`;
      await scratch.pool.query(
        `INSERT INTO org_api_keys (id, org_id, name, key_hash, created_at) VALUES ($1, $2, 'bench ERP', $3, $4)`,
        [randomUUID(), org.orgId, hashApiKey(key), now],
      );
      // The recycled customers: public, in the pool, most remembering who had them.
      const recycled = (
        await scratch.pool.query<{ id: string }>(
          `UPDATE customers c SET previous_owner_id = CASE WHEN hashtext(c.id::text) % 5 = 0 THEN NULL ELSE c.owner_id END,
             owner_id = NULL, pool_state = 'public', pool_id = $2, entered_pool_at = $3, claimed_at = NULL
           WHERE c.id IN (SELECT id FROM customers WHERE org_id = $1 ORDER BY hashtext(id::text) LIMIT $4)
           RETURNING c.id`,
          [org.orgId, poolId, now - 10 * DAY_MS, events + 20],
        )
      ).rows.map((r) => r.id);
      await scratch.pool.query('VACUUM ANALYZE');
      server = await startServerProcess(scratch.url);
      const url = server.url;
      const event = (customerId: string) => ({
        eventId: randomUUID(),
        type: 'inquiry',
        match: { customerId },
        occurredAt: Date.now() - 1000,
        summary: '询价：数控机床 20 台，要求本周报价',
      });

      // Warm-up (connections, plans): 20 events and health checks, untimed.
      for (const id of recycled.slice(events)) {
        await post(url, key, event(id));
        await health(url);
      }
      const check = deadline('reactivation', 300_000);
      const samples: number[] = [];
      const healthSamples: number[] = [];
      const answers: Answer[] = [];
      const half = Math.floor(events / 2);
      for (const id of recycled.slice(0, half)) {
        check();
        const { ms, answer } = await post(url, key, event(id));
        samples.push(ms);
        answers.push(answer);
        healthSamples.push(await health(url));
      }
      const sequential = [...samples];
      const queue = recycled.slice(half, events);
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
            check();
            const { ms, answer } = await post(url, key, event(id));
            samples.push(ms);
            answers.push(answer);
          }
        }),
      );

      const wrong = answers.filter((a) => a.outcome !== 'assigned' || a.ownerId === null);
      if (wrong.length > 0)
        throw new Error(`${wrong.length} events not assigned, e.g. ${JSON.stringify(wrong[0])}`);
      const [committed] = (
        await scratch.pool.query<{ customers: number; tasks: number }>(
          `SELECT (SELECT count(*)::int FROM customers WHERE id = ANY($1::uuid[]) AND pool_state = 'private') AS customers,
             (SELECT count(*)::int FROM tasks WHERE customer_id = ANY($1::uuid[]) AND origin = 'reactivation') AS tasks`,
          [recycled.slice(0, events)],
        )
      ).rows;
      if (committed?.customers !== events || committed.tasks !== events) {
        throw new Error(
          `after ${events} events: ${committed?.customers} customers assigned, ${committed?.tasks} tasks`,
        );
      }
      const p50 = percentile(samples, 50);
      const p99 = percentile(samples, 99);
      const healthP99 = percentile(healthSamples, 99);
      const concurrent = samples.slice(sequential.length);
      const line = (xs: number[]) =>
        `p50 ${percentile(xs, 50).toFixed(1)} ms, p99 ${percentile(xs, 99).toFixed(1)} ms`;
      ctx.log(`one at a time: ${line(sequential)}; ${CONCURRENCY} at a time: ${line(concurrent)}`);
      ctx.log(
        `${answers.length} events: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${Math.max(...samples).toFixed(1)} ms; GET /health p50 ${percentile(healthSamples, 50).toFixed(1)} ms, p99 ${healthP99.toFixed(1)} ms`,
      );
      return [
        figure('server.reactivation.p99_ms', p99, 'ms', healthP99, {
          referenceLabel: 'GET /health p99',
          target: '< 200 ms',
          meets: (v) => v < 200,
        }),
      ] satisfies Measured[];
    } finally {
      await server?.stop();
      await scratch.drop();
    }
  },
};
