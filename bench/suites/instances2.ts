import type { PushedMutation, PushResponse } from '../../shared/sync/protocol';
import { figure, type Measured } from '../lib/figures';
import { createScratchDatabase, startServerProcess, type ServerProcess } from '../lib/postgres';
import { customersByOwner, seedBenchOrg } from '../lib/seed';
import { deadline, secondsSince, type Suite } from '../lib/suite';
import { connectDevice, followUpArgs, type SyncDevice } from '../lib/syncClient';

/** mulberry32: the same seed gives the same schedule of edits and transfers on every run. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T };
}

type Sent = { device: SyncDevice; mutations: PushedMutation[] };
const MAX_ATTEMPTS = 4;

/**
 * Pushes a batch the way a device does, to its instance, and — half the time — the very same request
 * at the same moment to the OTHER instance (a retry racing the original through another load-balanced
 * server). A failed request is retried (the server skips what it already applied). Returns the
 * rejections either answer reported.
 */
async function pushEverywhere(
  device: SyncDevice,
  mutations: { name: string; args: unknown }[],
  own: ServerProcess,
  other: ServerProcess,
  duplicate: boolean,
  log: Sent[],
  errors: string[],
): Promise<Set<number>> {
  const ids = mutations.map(() => device.nextMutationId++);
  const sent: PushedMutation[] = mutations.map((m, i) => ({
    id: ids[i]!,
    name: m.name,
    args: m.args,
    createdAt: Date.now(),
  }));
  log.push({ device, mutations: sent });
  const rejected = new Set<number>();
  const attempt = async (server: ServerProcess): Promise<PushResponse | null> => {
    for (let a = 1; a <= MAX_ATTEMPTS; a++) {
      try {
        const { response } = await device.resend(sent, server.url);
        return response;
      } catch (err) {
        errors.push(
          `push to ${server.url} attempt ${a}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    return null;
  };
  const answers = await Promise.all(duplicate ? [attempt(own), attempt(other)] : [attempt(own)]);
  if (answers.every((a) => a === null))
    throw new Error(`push of mutations ${ids[0]}–${ids.at(-1)} failed ${MAX_ATTEMPTS} times`);
  for (const answer of answers) {
    if (!answer) continue;
    if (answer.lastMutationId < ids.at(-1)!)
      throw new Error(`acknowledged ${answer.lastMutationId} < ${ids.at(-1)}`);
    for (const r of answer.rejections) rejected.add(r.mutationId);
  }
  return rejected;
}

/**
 * Figure 5 (issue 3): two server processes on one PostgreSQL database. Rep devices are spread over both;
 * each logs follow-ups and edits `address` of its own customers; the manager's device, alternating
 * between the instances, transfers customers between reps and edits their `website`. Every other push is
 * also sent, at the same moment, to the other instance. Afterwards, against the database:
 * lost_updates = follow-ups expected − present + applied twice (a follow-up or ownership-history row
 * of a rejected or duplicated mutation, a mutation id applied and rejected) + customers whose address,
 * website or owner is not the last applied value + mutation ids a device sent that the server never
 * processed. Expected values are derived from the mutations sent and the server's own rejection records.
 * Reference: the number of mutations applied.
 */
export const instances2: Suite = {
  figures: ['server.instances2.lost_updates'],
  async run(ctx) {
    const reps = ctx.quick ? 4 : 8;
    const rounds = ctx.quick ? 6 : 20;
    const scratch = await createScratchDatabase();
    const servers: ServerProcess[] = [];
    try {
      const org = await seedBenchOrg(scratch.pool, {
        reps,
        customersPerRep: 40,
        contactsPerCustomer: 2,
        followUpsPerCustomer: 2,
      });
      servers.push(await startServerProcess(scratch.url), await startServerProcess(scratch.url));
      const [a, b] = servers as [ServerProcess, ServerProcess];
      const byOwner = await customersByOwner(scratch.pool, org.orgId);
      const initial = new Map(
        (
          await scratch.pool.query<{ id: string; address: string | null; owner_id: string }>(
            'SELECT id, address, owner_id FROM customers',
          )
        ).rows.map((r) => [r.id, r]),
      );
      const repDevices = await Promise.all(
        org.reps.map((r, i) => connectDevice(i % 2 === 0 ? a.url : b.url, r.username)),
      );
      const manager = await connectDevice(a.url, org.manager.username);
      const log: Sent[] = [];
      const errors: string[] = [];
      const check = deadline('instances2', 300_000);
      const started = performance.now();

      const repWork = repDevices.map(async (device, i) => {
        const random = createRandom(1000 + i);
        const own = i % 2 === 0 ? a : b;
        const other = own === a ? b : a;
        const book = byOwner.get(device.userId) ?? [];
        const address = new Map(book.map((id) => [id, initial.get(id)?.address ?? null]));
        for (let round = 0; round < rounds; round++) {
          check();
          const mutations: { name: string; args: unknown }[] = [];
          const updates: { mutationIndex: number; id: string; value: string }[] = [];
          // The device's screen shows its own pending edits: a second edit of a customer in one batch
          // is based on the first (a stale base would make it a conflict, rightly).
          const local = new Map(address);
          for (let k = 0; k < 12; k++) {
            const customerId = random.pick(book);
            if (k % 4 === 3) {
              const value = `上海市闵行区莘庄路${i}-${round}-${k}号`;
              updates.push({ mutationIndex: mutations.length, id: customerId, value });
              mutations.push({
                name: 'updateCustomer',
                args: {
                  id: customerId,
                  set: { address: value },
                  base: { address: local.get(customerId) ?? null },
                },
              });
              local.set(customerId, value);
            } else {
              mutations.push({ name: 'logFollowUp', args: followUpArgs(customerId, round * 12 + k) });
            }
          }
          const firstId = device.nextMutationId;
          const rejected = await pushEverywhere(
            device,
            mutations,
            own,
            other,
            random.next() < 0.5,
            log,
            errors,
          );
          for (const u of updates) if (!rejected.has(firstId + u.mutationIndex)) address.set(u.id, u.value);
        }
      });

      const managerWork = (async () => {
        const random = createRandom(7);
        const owner = new Map([...initial.values()].map((c) => [c.id, c.owner_id]));
        const website = new Map<string, string | null>([...initial.keys()].map((id) => [id, null]));
        const all = [...initial.keys()];
        for (let round = 0; round < rounds; round++) {
          check();
          const mutations: { name: string; args: unknown }[] = [];
          const effects: (() => void)[] = [];
          const local = new Map(website);
          for (let k = 0; k < 4; k++) {
            const customerId = random.pick(all);
            if (k % 2 === 0) {
              const to = random.pick(org.reps.filter((r) => r.id !== owner.get(customerId))).id;
              effects.push(() => owner.set(customerId, to));
              mutations.push({
                name: 'transferCustomer',
                args: { customerId, toUserId: to, reason: `基准测试调配 ${round}-${k}` },
              });
            } else {
              const value = `https://www.example.com.cn/m${round}-${k}`;
              const base = local.get(customerId) ?? null;
              local.set(customerId, value);
              effects.push(() => website.set(customerId, value));
              mutations.push({
                name: 'updateCustomer',
                args: { id: customerId, set: { website: value }, base: { website: base } },
              });
            }
          }
          const firstId = manager.nextMutationId;
          const [own, other] = round % 2 === 0 ? [a, b] : [b, a];
          const rejected = await pushEverywhere(
            manager,
            mutations,
            own,
            other,
            random.next() < 0.5,
            log,
            errors,
          );
          effects.forEach((apply, k) => {
            if (!rejected.has(firstId + k)) apply();
          });
        }
      })();
      await Promise.all([...repWork, managerWork]);
      const seconds = secondsSince(started);

      // ---- the server's view, afterwards ----
      const pool = scratch.pool;
      const rejections = new Map<string, { name: string; code: string }>();
      for (const r of (
        await pool.query<{ client_id: string; mutation_id: number; name: string; code: string }>(
          `SELECT client_id, mutation_id, name, error->>'code' AS code FROM mutation_rejections`,
        )
      ).rows) {
        rejections.set(`${r.client_id}:${r.mutation_id}`, { name: r.name, code: r.code });
      }
      const lastIds = new Map(
        (
          await pool.query<{ client_id: string; last_mutation_id: number }>(
            'SELECT client_id, last_mutation_id FROM sync_clients',
          )
        ).rows.map((r) => [r.client_id, r.last_mutation_id]),
      );
      let unprocessed = 0;
      for (const device of [...repDevices, manager]) {
        unprocessed += Math.max(0, device.nextMutationId - 1 - (lastIds.get(device.clientId) ?? 0));
      }

      const expectedFollowUps: string[] = [];
      const rejectedFollowUps: string[] = [];
      const expectedAddress = new Map<string, string | null>(
        [...initial.values()].map((c) => [c.id, c.address]),
      );
      const expectedWebsite = new Map<string, string | null>([...initial.keys()].map((id) => [id, null]));
      const expectedOwner = new Map([...initial.values()].map((c) => [c.id, c.owner_id]));
      const transferReasons: string[] = [];
      let applied = 0;
      let appliedAndRejectedAsDuplicate = 0;
      // Mutations of one device apply in id order, and only the manager moves owners or edits websites
      // and only a customer's first owner edits its address: the last applied value of each is known.
      const ordered = log
        .flatMap((s) => s.mutations.map((m) => ({ device: s.device, m })))
        .sort((x, y) => x.m.id - y.m.id);
      for (const { device, m } of ordered) {
        const rejection = rejections.get(`${device.clientId}:${m.id}`);
        const args = m.args as Record<string, unknown>;
        if (rejection) {
          if (rejection.code === 'conflict' && m.name === 'logFollowUp') appliedAndRejectedAsDuplicate++;
          if (m.name === 'logFollowUp') rejectedFollowUps.push(String(args.id));
          continue;
        }
        applied++;
        if (m.name === 'logFollowUp') expectedFollowUps.push(String(args.id));
        if (m.name === 'transferCustomer') {
          expectedOwner.set(String(args.customerId), String(args.toUserId));
          transferReasons.push(String(args.reason));
        }
        if (m.name === 'updateCustomer') {
          const set = args.set as Record<string, string>;
          if ('address' in set) expectedAddress.set(String(args.id), set.address ?? null);
          if ('website' in set) expectedWebsite.set(String(args.id), set.website ?? null);
        }
      }
      const count = async (text: string, values: unknown[]) =>
        (await pool.query<{ n: number }>(text, values)).rows[0]?.n ?? 0;
      const present = await count('SELECT count(*)::int AS n FROM follow_ups WHERE id = ANY($1::uuid[])', [
        expectedFollowUps,
      ]);
      const ghosts = await count('SELECT count(*)::int AS n FROM follow_ups WHERE id = ANY($1::uuid[])', [
        rejectedFollowUps,
      ]);
      const historyRows = await count(
        `SELECT count(*)::int AS n FROM ownership_history WHERE org_id = $1 AND reason LIKE '基准测试调配%'`,
        [org.orgId],
      );
      const extraHistory = Math.max(0, historyRows - transferReasons.length);
      const missingHistory = Math.max(0, transferReasons.length - historyRows);
      let fieldMismatches = 0;
      const finals = (
        await pool.query<{
          id: string;
          address: string | null;
          website: string | null;
          owner_id: string | null;
        }>('SELECT id, address, website, owner_id FROM customers WHERE org_id = $1', [org.orgId])
      ).rows;
      const mismatches: string[] = [];
      for (const c of finals) {
        const expected = {
          address: expectedAddress.get(c.id) ?? null,
          website: expectedWebsite.get(c.id) ?? null,
          owner_id: expectedOwner.get(c.id) ?? null,
        };
        for (const field of ['address', 'website', 'owner_id'] as const) {
          if (c[field] !== expected[field]) {
            fieldMismatches++;
            mismatches.push(`customer ${c.id} ${field}: expected ${expected[field]}, found ${c[field]}`);
          }
        }
      }
      const missing = expectedFollowUps.length - present;
      const doubled = ghosts + extraHistory + appliedAndRejectedAsDuplicate;
      const lost = missing + doubled + fieldMismatches + missingHistory + unprocessed;
      const byName = new Map<string, number>();
      for (const r of rejections.values())
        byName.set(`${r.name}/${r.code}`, (byName.get(`${r.name}/${r.code}`) ?? 0) + 1);
      ctx.log(
        `${ordered.length} mutations (${applied} applied, ${rejections.size} rejected: ${[...byName].map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}) over 2 instances in ${seconds.toFixed(1)} s; ${errors.length} request errors (retried)`,
      );
      ctx.log(
        `follow-ups expected ${expectedFollowUps.length}, present ${present}; doubled ${doubled}; field mismatches ${fieldMismatches}; transfers ${transferReasons.length}, history rows ${historyRows}; unprocessed ids ${unprocessed}`,
      );
      for (const e of errors.slice(0, 3)) ctx.log(`request error: ${e}`);
      for (const m of mismatches.slice(0, 5)) ctx.log(m);
      return [
        figure('server.instances2.lost_updates', lost, 'mutations', applied, {
          referenceLabel: 'mutations applied',
          target: '0',
          meets: (v) => v === 0,
        }),
      ] satisfies Measured[];
    } finally {
      for (const s of servers) await s.stop();
      await scratch.drop();
    }
  },
};
