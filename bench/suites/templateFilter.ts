import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { CustomerListItem } from '../../shared/api/contract';
import type { AttrFilter } from '../../shared/templates/filter';
import { createRandom, generateBook, searchQueries } from '../lib/book';
import { callCore } from '../lib/core';
import { createOfflineDevice } from '../lib/device';
import { figure, percentile, type Measured } from '../lib/figures';
import { secondsSince, type Suite } from '../lib/suite';
import { benchAttrs, benchCatalog, benchFilterSets, benchTemplateVersions } from '../lib/templateBook';

type ListAnswer = { rows: CustomerListItem[]; total: number };
type ListRequest = {
  offset: number;
  limit: number;
  sort: { column: 'lastFollowUpAt' | 'updatedAt' | 'name'; desc: boolean };
  query?: string;
  attrFilters: AttrFilter[];
  attrColumns: string[];
};

const WARMUP = 30;
const SORTS = [
  { column: 'lastFollowUpAt', desc: true },
  { column: 'updatedAt', desc: true },
  { column: 'name', desc: false },
] as const;
const SORT_SQL = { lastFollowUpAt: 'last_follow_up_at', updatedAt: 'updated_at', name: 'name' } as const;

const fmt = (samples: number[]) =>
  `p50 ${percentile(samples, 50).toFixed(2)} ms, p95 ${percentile(samples, 95).toFixed(2)} ms, max ${Math.max(...samples).toFixed(1)} ms`;

/**
 * The reference and oracle: the same request answered by a scan of the customers table that reads each
 * row's attributes with SQLite's `json_extract` (what a device without an attribute index would do), the
 * text query as a LIKE over name, short name and phone; rows and total, on a raw read-only connection to
 * the same file. The bench's values are clean (each field holds its type), where `json_extract`
 * comparisons and the reference meaning `matchesAttrFilter` agree.
 */
function jsonScan(db: Database.Database) {
  return (req: ListRequest): { ids: string[]; total: number } => {
    const where: string[] = [`"kind" = 'customer'`];
    const params: unknown[] = [];
    for (const f of req.attrFilters) {
      const path = `'$.${f.field}'`;
      if (f.op === 'in') {
        where.push(`json_extract("attrs", ${path}) IN (${f.values.map(() => '?').join(', ')})`);
        params.push(...f.values);
      } else if (f.op === 'range') {
        if (f.min !== null) {
          where.push(`json_extract("attrs", ${path}) >= ?`);
          params.push(f.min);
        }
        if (f.max !== null) {
          where.push(`json_extract("attrs", ${path}) <= ?`);
          params.push(f.max);
        }
      } else {
        throw new Error(`the bench does not send ${f.op} filters`);
      }
    }
    if (req.query) {
      where.push(
        `("name" LIKE ? ESCAPE '\\' OR "short_name" LIKE ? ESCAPE '\\' OR "phone" LIKE ? ESCAPE '\\')`,
      );
      const p = `%${req.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.push(p, p, p);
    }
    const column = SORT_SQL[req.sort.column];
    const dir = req.sort.desc ? 'DESC' : 'ASC';
    const ids = db
      .prepare(
        `SELECT "id" FROM "customers" WHERE ${where.join(' AND ')}
          ORDER BY "${column}" ${dir}, "id" ${dir} LIMIT ? OFFSET ?`,
      )
      .pluck()
      .all(...params, req.limit, req.offset) as string[];
    const total = db
      .prepare(`SELECT count(*) FROM "customers" WHERE ${where.join(' AND ')}`)
      .pluck()
      .get(...params) as number;
    return { ids, total };
  };
}

/**
 * Issue 5's local figure, `local.template_filter.p95_ms`: `customers.list` through `dispatch` on an
 * offline device holding 100k customers with business profiles (`bench/lib/templateBook.ts`: eleven
 * fields, eight searchable), with three template-field filters — a company-size `in`, an employee-count
 * range and a founding-date range, varied per request (`benchFilterSets`) — a sort (last follow-up, last
 * update or name), a page of 100 (sometimes scrolled), the profile's three columns, and in 30 % of the
 * requests a quick-search text as well. Every answer (total and rows in order) is checked against the
 * reference: the same request by a `json_extract` scan on a raw connection to the same file. Logged
 * beside it: the requests none of whose filters came before, and a filtered table scrolled page by page.
 */
export const templateFilter: Suite = {
  figures: ['local.template_filter.p95_ms'],
  async run(ctx) {
    const size = ctx.quick ? 20_000 : 100_000;
    const samples = ctx.quick ? 120 : 300;
    const dir = mkdtempSync(join(tmpdir(), 'tidepool-bench-templates-'));
    const out: Measured[] = [];
    try {
      const started = performance.now();
      const book = generateBook(size, 23);
      const device = await createOfflineDevice(dir, {
        customers: book,
        tasksEvery: 10,
        templates: {
          catalog: benchCatalog,
          versions: benchTemplateVersions,
          customerVersion: 0,
          attrs: benchAttrs,
        },
      });
      ctx.log(`device with ${size} profiled customers written in ${secondsSince(started).toFixed(1)} s`);
      try {
        const raw = new Database(device.dbFile, { readonly: true });
        try {
          const entries = raw.prepare('SELECT count(*) FROM "customer_attr_index"').pluck().get() as number;
          const mb = (name: string) =>
            ((raw.prepare(`SELECT sum("pgsize") FROM "dbstat" WHERE "name" = ?`).pluck().get(name) as
              number | null) ?? 0) / 1e6;
          ctx.log(
            `attribute index: ${entries} entries, ${mb('customer_attr_index').toFixed(1)} MB (customers table ${mb('customers').toFixed(1)} MB)`,
          );
          const scan = jsonScan(raw);
          const r = createRandom(5);
          const filterSets = benchFilterSets(WARMUP + samples);
          const texts = searchQueries(book, WARMUP + samples, 31);
          const core: number[] = [];
          const reference: number[] = [];
          const withText: number[] = [];
          const withoutText: number[] = [];
          /** Requests none of whose filters came before (the core cannot have remembered their rows). */
          const allNew: number[] = [];
          const seen = new Set<string>();
          let matched = 0;
          for (let i = 0; i < WARMUP + samples; i++) {
            const req: ListRequest = {
              offset: r.next() < 0.8 ? 0 : r.pick([100, 200, 500]),
              limit: 100,
              sort: r.pick(SORTS),
              attrFilters: filterSets[i]!,
              attrColumns: ['company_size', 'employees', 'founded'],
              ...(r.next() < 0.3 ? { query: texts[i]! } : {}),
            };
            const keys = req.attrFilters.map((f) => JSON.stringify(f));
            const fresh = keys.every((k) => !seen.has(k));
            for (const k of keys) seen.add(k);
            const t0 = performance.now();
            const got = (await callCore(device.core, 'customers.list', req)) as ListAnswer;
            const ms = performance.now() - t0;
            const t1 = performance.now();
            const oracle = scan(req);
            const scanMs = performance.now() - t1;
            if (got.total !== oracle.total || got.rows.map((row) => row.id).join() !== oracle.ids.join())
              throw new Error(
                `request ${i} ${JSON.stringify(req)}: ${got.total} / ${got.rows.length} rows, the json_extract scan ${oracle.total} / ${oracle.ids.length}`,
              );
            const first = got.rows[0];
            if (
              first &&
              !('company_size' in first.attrs || 'employees' in first.attrs || 'founded' in first.attrs)
            )
              throw new Error(`request ${i}: the row carries none of the requested attribute columns`);
            if (i < WARMUP) continue;
            matched += got.total;
            core.push(ms);
            reference.push(scanMs);
            (req.query ? withText : withoutText).push(ms);
            if (fresh) allNew.push(ms);
          }
          // The table scrolled: the same request, page after page (the rows of its filters remembered).
          const scroll: number[] = [];
          for (let i = 0; i < 20; i++) {
            const req: ListRequest = {
              offset: 0,
              limit: 100,
              sort: SORTS[i % SORTS.length]!,
              attrFilters: filterSets[WARMUP + i]!,
              attrColumns: ['company_size', 'employees', 'founded'],
            };
            for (let page = 1; page <= 5; page++) {
              const t0 = performance.now();
              await callCore(device.core, 'customers.list', { ...req, offset: page * 100 });
              scroll.push(performance.now() - t0);
            }
          }
          ctx.log(
            `template filters, all: ${fmt(core)} (matches per request: ${Math.round(matched / samples)} on average)`,
          );
          ctx.log(`  3 filters: ${fmt(withoutText)}; 3 filters + text: ${fmt(withText)}`);
          ctx.log(`  requests whose filters were all new (${allNew.length}): ${fmt(allNew)}`);
          ctx.log(`  scrolling a filtered table (pages 2–6 of 20 requests): ${fmt(scroll)}`);
          ctx.log(`json_extract scan: ${fmt(reference)}`);
          out.push(
            figure('local.template_filter.p95_ms', percentile(core, 95), 'ms', percentile(reference, 95), {
              referenceLabel: 'json_extract scan p95',
              target: '< 30 ms',
              meets: (v) => v < 30,
            }),
          );
        } finally {
          raw.close();
        }
      } finally {
        await device.close();
      }
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
