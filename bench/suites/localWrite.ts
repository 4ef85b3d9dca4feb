import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncStatus } from '../../shared/api/contract';
import { generateBook } from '../lib/book';
import { callCore, countDeviceRows } from '../lib/core';
import { createOfflineDevice } from '../lib/device';
import { figure, percentile, type Measured } from '../lib/figures';
import { openRawClientSchema } from '../lib/rawSqlite';
import type { Suite } from '../lib/suite';

const WARMUP = 200;

function followUpInput(customerId: string, n: number) {
  const now = Date.now();
  return {
    customerId,
    contactId: null,
    opportunityId: null,
    type: 'visit' as const,
    content: `上门拜访 #${n}：客户对新款设备感兴趣，约定下周演示。`,
    outcome: '有意向',
    occurredAt: now - 60_000,
    nextFollowUpAt: now + 7 * 86_400_000,
  };
}

/**
 * The reference: a raw prepared INSERT of a follow-up row into the device schema (same pragmas, same
 * indexes), one row per transaction. It is called right after each core write, so both see the same
 * machine noise (other processes on these 2 cores move a sub-millisecond p95 a lot).
 */
function rawFollowUpWriter(dir: string): { write(n: number): number; close(): void } {
  const db = openRawClientSchema(join(dir, 'raw-local.db'));
  // The columns not named here take their defaults (kind = 'customer') or stay NULL.
  const customer = {
    id: randomUUID(),
    org_id: randomUUID(),
    name: '上海恒瑞精密机械有限公司',
    status: 'active',
    pool_state: 'private',
    attrs: '{}',
    created_at: Date.now(),
    updated_at: Date.now(),
    version: 1,
  };
  const columns = Object.keys(customer);
  db.prepare(
    `INSERT INTO customers (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
  ).run(customer);
  const insert =
    db.prepare(`INSERT INTO follow_ups (id, org_id, customer_id, contact_id, author_id, type, content, outcome,
    occurred_at, next_follow_up_at, created_at, updated_at, version) VALUES (?, ?, ?, NULL, ?, 'visit', ?, '有意向', ?, ?, ?, ?, 0)`);
  const author = randomUUID();
  return {
    write(n) {
      const input = followUpInput(String(customer.id), n);
      const started = performance.now();
      const now = Date.now();
      insert.run(
        randomUUID(),
        customer.org_id,
        customer.id,
        author,
        input.content,
        input.occurredAt,
        input.nextFollowUpAt,
        now,
        now,
      );
      return performance.now() - started;
    },
    close: () => db.close(),
  };
}

/**
 * Figure 2 (issue 3): a rep logging a follow-up on the device: the `followUps.log` channel through
 * `dispatch` (contract validation, the shared mutator's validation and plan, the row, the customer's
 * lastFollowUpAt and the outbox entry in one SQLite transaction). The device holds a small book (500
 * customers, 1,000 contacts, 2,500 follow-ups, written as a first sync writes them, bench/lib/device.ts)
 * and is offline, as a rep in a car park: no sync runs during the timed writes, and no server or
 * PostgreSQL is needed (`--only local.` runs anywhere).
 */
export const localWrite: Suite = {
  figures: ['local.follow_up_write.p95_ms'],
  async run(ctx) {
    const writes = ctx.quick ? 500 : 2_000;
    const dir = mkdtempSync(join(tmpdir(), 'tidepool-bench-'));
    try {
      const device = await createOfflineDevice(dir, {
        customers: generateBook(500),
        contactsPerCustomer: 2,
        followUpsPerCustomer: 5,
      });
      const samples: number[] = [];
      const rawSamples: number[] = [];
      try {
        const ids = device.customerIds.slice(0, 100);
        const raw = rawFollowUpWriter(dir);
        try {
          for (let i = 0; i < WARMUP + writes; i++) {
            const input = followUpInput(ids[i % ids.length]!, i);
            const started = performance.now();
            await callCore(device.core, 'followUps.log', input);
            const ms = performance.now() - started;
            const rawMs = raw.write(i);
            if (i >= WARMUP) {
              samples.push(ms);
              rawSamples.push(rawMs);
            }
          }
        } finally {
          raw.close();
        }
        const status = (await callCore(device.core, 'sync.status', {})) as SyncStatus;
        if (status.pending !== WARMUP + writes)
          throw new Error(`outbox holds ${status.pending}, expected ${WARMUP + writes}`);
      } finally {
        await device.close();
      }
      const counts = countDeviceRows(device.dataDir, device.user.id);
      if (counts.outbox !== WARMUP + writes)
        throw new Error(`outbox rows ${counts.outbox}, expected ${WARMUP + writes}`);
      const p95 = percentile(samples, 95);
      ctx.log(
        `core followUps.log: p50 ${percentile(samples, 50).toFixed(3)} ms, p95 ${p95.toFixed(3)} ms, p99 ${percentile(samples, 99).toFixed(3)} ms, max ${Math.max(...samples).toFixed(2)} ms`,
      );
      ctx.log(
        `raw insert: p50 ${percentile(rawSamples, 50).toFixed(3)} ms, p95 ${percentile(rawSamples, 95).toFixed(3)} ms`,
      );
      return [
        figure('local.follow_up_write.p95_ms', p95, 'ms', percentile(rawSamples, 95), {
          referenceLabel: 'raw prepared insert p95',
          target: '< 2 ms',
          meets: (v) => v < 2,
        }),
      ] satisfies Measured[];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
