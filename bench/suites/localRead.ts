import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CustomerListItem } from '../../shared/api/contract';
import { generateBook, searchQueries, type BookCustomer } from '../lib/book';
import { callCore } from '../lib/core';
import { createOfflineDevice } from '../lib/device';
import { figure, percentile, type Measured } from '../lib/figures';
import { secondsSince, type Suite } from '../lib/suite';

type ListAnswer = { rows: CustomerListItem[]; total: number };

const WARMUP = 30;

/** The customer table's first request (renderer: CUSTOMER_PAGE_SIZE rows, most recently followed first). */
const FIRST_PAGE = { offset: 0, limit: 100, sort: { column: 'lastFollowUpAt', desc: true } } as const;
/** The Ctrl/⌘+K picker's request (renderer: customerPicker.ts). */
const PICKER = { offset: 0, limit: 8, sort: { column: 'updatedAt', desc: true } } as const;

const fmt = (samples: number[]) =>
  `p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms, max ${Math.max(...samples).toFixed(1)} ms`;

function timed<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

async function timedAsync<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await run();
  return { ms: performance.now() - started, value };
}

/**
 * The search the client core had before issue 4 (a parameterised LIKE over name, short name and phone,
 * the page sorted and counted by SQLite), on a raw better-sqlite3 connection to the same file: the
 * reference of `local.quick_search`, and the oracle its answers are checked against.
 */
function likeScan(db: Database.Database) {
  const where = `"kind" = 'customer' AND ("name" LIKE @p ESCAPE '\\' OR "short_name" LIKE @p ESCAPE '\\' OR "phone" LIKE @p ESCAPE '\\')`;
  const statements = new Map<string, { rows: Database.Statement; count: Database.Statement }>();
  const count = db.prepare(`SELECT count(*) AS "n" FROM "customers" WHERE ${where}`);
  return (query: string, req: { limit: number; sort: { column: string; desc: boolean } }) => {
    const column = req.sort.column === 'updatedAt' ? 'updated_at' : 'last_follow_up_at';
    const dir = req.sort.desc ? 'DESC' : 'ASC';
    const key = `${column} ${dir}`;
    let s = statements.get(key);
    if (!s) {
      s = {
        rows: db.prepare(
          `SELECT "id", "name" FROM "customers" WHERE ${where} ORDER BY "${column}" ${dir}, "id" ${dir} LIMIT @limit`,
        ),
        count,
      };
      statements.set(key, s);
    }
    const p = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = s.rows.all({ p, limit: req.limit }) as { id: string }[];
    const { n } = s.count.get({ p }) as { n: number };
    return { ids: rows.map((r) => r.id), total: n };
  };
}

/**
 * Issue 4's local speed figures, on a device with a realistic book (names as the demo seed makes them)
 * and no server:
 *
 * - `local.customer_list.first_page_ms`: the customer table's first page (100 rows by last follow-up,
 *   with the total) over 50k customers, through `dispatch` as the renderer calls it; reference: a raw
 *   prepared primary-key lookup of the same 100 rows on a raw connection to the same file.
 * - `local.quick_search.p95_ms`: `customers.list` with a query over 100k customers, alternating the
 *   picker's request (8 rows by last update) and the list's (100 rows by last follow-up); queries are
 *   random 2–4 character substrings of the book's names and 4–7 digit phone fragments; reference: the
 *   former LIKE full scan (rows + count) for the same request on a raw connection. Every answer (total
 *   and rows) is checked against that scan.
 */
export const localRead: Suite = {
  figures: ['local.customer_list.first_page_ms', 'local.quick_search.p95_ms'],
  async run(ctx) {
    const listSize = ctx.quick ? 10_000 : 50_000;
    const searchSize = ctx.quick ? 20_000 : 100_000;
    const listSamples = ctx.quick ? 100 : 300;
    const searchSamples = ctx.quick ? 150 : 300;
    const dir = mkdtempSync(join(tmpdir(), 'tidepool-bench-local-'));
    const out: Measured[] = [];
    try {
      // ---- first page of the customer list ----
      let started = performance.now();
      const listDevice = await createOfflineDevice(dir, {
        customers: generateBook(listSize),
        tasksEvery: 10,
        contactsPerCustomer: 1,
      });
      ctx.log(`device with ${listSize} customers written in ${secondsSince(started).toFixed(1)} s`);
      try {
        const raw = new Database(listDevice.dbFile, { readonly: true });
        try {
          const byId = raw.prepare('SELECT * FROM "customers" WHERE "id" = ?');
          const cold = await timedAsync(() => callCore(listDevice.core, 'customers.list', FIRST_PAGE));
          const first = cold.value as ListAnswer;
          if (first.total !== listSize || first.rows.length !== FIRST_PAGE.limit)
            throw new Error(
              `first page: ${first.rows.length} rows of ${first.total}, expected 100 of ${listSize}`,
            );
          const ids = first.rows.map((r) => r.id);
          const core: number[] = [];
          const reference: number[] = [];
          for (let i = 0; i < WARMUP + listSamples; i++) {
            const page = await timedAsync(() => callCore(listDevice.core, 'customers.list', FIRST_PAGE));
            const lookups = timed(() => {
              for (const id of ids) byId.get(id);
            });
            if (i < WARMUP) continue;
            core.push(page.ms);
            reference.push(lookups.ms);
          }
          ctx.log(`first page (cold) ${cold.ms.toFixed(2)} ms; then ${fmt(core)}`);
          ctx.log(`raw 100 primary-key lookups: ${fmt(reference)}`);
          out.push(
            figure(
              'local.customer_list.first_page_ms',
              percentile(core, 95),
              'ms',
              percentile(reference, 95),
              {
                referenceLabel: 'raw 100 PK lookups p95',
                target: '< 20 ms',
                meets: (v) => v < 20,
              },
            ),
          );
        } finally {
          raw.close();
        }
      } finally {
        await listDevice.close();
      }

      // ---- quick search ----
      started = performance.now();
      const book: BookCustomer[] = generateBook(searchSize, 11);
      const searchDevice = await createOfflineDevice(dir, { customers: book, tasksEvery: 10 });
      ctx.log(`device with ${searchSize} customers written in ${secondsSince(started).toFixed(1)} s`);
      try {
        const raw = new Database(searchDevice.dbFile, { readonly: true });
        try {
          const scan = likeScan(raw);
          const queries = searchQueries(book, WARMUP + searchSamples);
          const core: number[] = [];
          const reference: number[] = [];
          const byKind = { picker: [] as number[], list: [] as number[], phone: [] as number[] };
          for (let i = 0; i < queries.length; i++) {
            const query = queries[i]!;
            const req = i % 2 === 0 ? PICKER : FIRST_PAGE;
            const answer = await timedAsync(() =>
              callCore(searchDevice.core, 'customers.list', { ...req, query }),
            );
            const oracle = timed(() => scan(query, req));
            const got = answer.value as ListAnswer;
            if (
              got.total !== oracle.value.total ||
              got.rows.map((r) => r.id).join() !== oracle.value.ids.join()
            )
              throw new Error(
                `search "${query}": ${got.total} / ${got.rows.length} rows, the LIKE scan ${oracle.value.total} / ${oracle.value.ids.length}`,
              );
            if (i < WARMUP) continue;
            core.push(answer.ms);
            reference.push(oracle.ms);
            (/^\d+$/.test(query) ? byKind.phone : i % 2 === 0 ? byKind.picker : byKind.list).push(answer.ms);
          }
          // Informational: 1-character queries (the most common character of a name matches most rows).
          const single: number[] = [];
          for (const q of searchQueries(book, 100, 99).map((s) => [...s][0]!)) {
            single.push(
              (
                await timedAsync(() =>
                  callCore(searchDevice.core, 'customers.list', { ...FIRST_PAGE, query: q }),
                )
              ).ms,
            );
          }
          ctx.log(`quick search, all: ${fmt(core)}`);
          ctx.log(`  picker (8 rows): ${fmt(byKind.picker)}; list (100 rows): ${fmt(byKind.list)}`);
          ctx.log(`  phone fragments: ${fmt(byKind.phone)}; 1-character queries: ${fmt(single)}`);
          ctx.log(`LIKE full scan: ${fmt(reference)}`);
          out.push(
            figure('local.quick_search.p95_ms', percentile(core, 95), 'ms', percentile(reference, 95), {
              referenceLabel: 'LIKE full scan p95',
              target: '< 30 ms',
              meets: (v) => v < 30,
            }),
          );
        } finally {
          raw.close();
        }
      } finally {
        await searchDevice.close();
      }
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
