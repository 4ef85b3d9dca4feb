import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rowSchemas, SYNCED_TABLES, type SyncedTable } from '../../../../shared/domain/rows';
import { DEFAULT_SETTINGS, defaultSettings } from '../../../../shared/domain/settings';
import { newId } from '../../../../shared/ids';
import { patchOpSchema } from '../../../../shared/sync/protocol';
import { testCustomer, testPool, testTemplates, testUser } from '../testing';
import { checkPatch } from './patch';
import { compileRowCheck, fastRowChecks, ZOD_ONLY_TABLES } from './rowCheck';

/**
 * The compiled row checks against zod, their oracle: on random rows (valid ones built from the schemas,
 * then broken field by field with wrong types, boundary lengths and numbers, near-miss uuids and enum
 * values, missing and extra keys), the compiled check accepts exactly the rows zod accepts, and
 * `checkPatch` refuses exactly the operations zod refuses and keeps what zod keeps.
 * `TIDEPOOL_PROPERTY_RUNS=N` runs N cases per table instead of 300.
 */
const RUNS = Number(process.env.TIDEPOOL_PROPERTY_RUNS ?? 300);

type Def = {
  type: string;
  shape?: Record<string, { _zod: { def: Def } }>;
  innerType?: { _zod: { def: Def } };
  checks?: { _zod: { def: { check: string; maximum?: number; value?: number; pattern?: RegExp } } }[];
  format?: string;
  entries?: Record<string, string>;
};
const defOf = (s: unknown) => (s as { _zod: { def: Def } })._zod.def;

/** Values that sit on or just over the edges zod draws, for a field of this definition. */
function edgeValues(def: Def): unknown[] {
  const inner = def.type === 'nullable' ? defOf(def.innerType) : def;
  const max = inner.checks?.find((c) => c._zod.def.check === 'max_length')?._zod.def.maximum;
  const edges: unknown[] = [null, undefined, '', 0, -0, -1, 1.5, NaN, Infinity, -Infinity, true, [], {}];
  edges.push(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, Number.MAX_SAFE_INTEGER + 2, 2 ** 60);
  edges.push('1', '0', 1n, new Date(0), Object.create(null) as unknown, { length: 1 });
  if (max !== undefined)
    edges.push('长'.repeat(max), 'x'.repeat(max + 1), '😀'.repeat(Math.ceil(max / 2) + 1));
  if (inner.format === 'uuid') {
    const u = newId();
    edges.push(
      u,
      u.toUpperCase(),
      u.slice(1),
      `${u}0`,
      u.replace(/-/g, ''),
      u.slice(0, 14) + '0' + u.slice(15),
    );
    edges.push(u.slice(0, 19) + 'c' + u.slice(20), '00000000-0000-0000-0000-000000000000');
    edges.push('ffffffff-ffff-ffff-ffff-ffffffffffff', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF');
  }
  for (const v of Object.values(inner.entries ?? {})) edges.push(v, v.toUpperCase(), ` ${v}`);
  return edges;
}

const TEMPLATES = testTemplates();
const POOL = testPool({
  teamIds: [newId(), newId()],
  adminIds: [newId()],
  recycle: {
    rules: [
      { kind: 'noFollowUp', days: 30, daysByLevel: { A: 60 } },
      { kind: 'notWon', days: 180 },
    ],
    combine: 'any',
    exemptions: { openOpportunityFromStage: 'negotiation', hasBought: true, locked: true },
    warnDays: 5,
  },
  claim: { maxPerUser: 200, maxClaimsPerDay: 10, reclaimCooldownDays: 7 },
});
const ARRAY_EXAMPLES = {
  ...DEFAULT_SETTINGS,
  optionLists: TEMPLATES.catalog.optionLists,
  fields: TEMPLATES.catalog.fields,
  sections: TEMPLATES.customerV2.sections,
  teamIds: POOL.teamIds,
  adminIds: POOL.adminIds,
};
/** Objects of the zod-only rows: a pool's rules (all defaults, `{}`, are valid too). */
const OBJECT_EXAMPLES: Record<string, unknown> = { recycle: POOL.recycle, claim: POOL.claim };
/** A valid row of each table zod alone checks. */
const ZOD_ONLY_EXAMPLES: Partial<Record<SyncedTable, unknown>> = {
  settings: defaultSettings(newId()),
  catalogs: TEMPLATES.catalog,
  templateVersions: TEMPLATES.customerV2,
  pools: POOL,
};

/** A valid value of a field, drawn from its zod definition (`key` picks the example lists). */
function validValue(def: Def, key = ''): fc.Arbitrary<unknown> {
  switch (def.type) {
    case 'nullable':
      return fc.option(validValue(defOf(def.innerType), key), { nil: null });
    case 'string': {
      if (def.format === 'uuid') return fc.uuid();
      const pattern = def.checks?.find((c) => c._zod.def.pattern)?._zod.def.pattern;
      if (pattern) return fc.stringMatching(pattern);
      const max = def.checks?.find((c) => c._zod.def.check === 'max_length')?._zod.def.maximum ?? 50;
      return fc.string({ unit: 'grapheme', maxLength: Math.min(max, 40) });
    }
    case 'number': {
      const max = def.checks?.find((c) => c._zod.def.check === 'less_than')?._zod.def.value;
      if (max !== undefined) return fc.oneof(fc.nat({ max }), fc.constant(max));
      return fc.oneof(fc.nat(), fc.maxSafeNat());
    }
    case 'array': {
      // The settings lists, a catalog's lists and a template's sections and fields: a valid example, or a
      // copy with one entry dropped or deactivated.
      const list = (ARRAY_EXAMPLES as Record<string, unknown>)[key];
      if (!Array.isArray(list)) throw new Error(`no generator for the array ${key}`);
      return fc.oneof(
        fc.constant(list),
        fc.nat({ max: list.length - 1 }).map((i) => list.filter((_, j) => j !== i)),
        fc
          .nat({ max: list.length - 1 })
          .map((i) => list.map((o: object, j) => (j === i ? { ...o, active: false } : o))),
      );
    }
    case 'object': {
      const example = OBJECT_EXAMPLES[key];
      if (example === undefined) throw new Error(`no generator for the object ${key}`);
      return fc.constantFrom(example, {});
    }
    case 'boolean':
      return fc.boolean();
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries ?? {}));
    case 'record':
      return fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 4 });
    default:
      throw new Error(`no generator for ${def.type}`);
  }
}

/** A row of `table`: valid, then (usually) broken in a few fields; sometimes missing or extra keys. */
function rowArbitrary(table: SyncedTable): fc.Arbitrary<unknown> {
  const shape = defOf(rowSchemas[table]).shape!;
  const keys = Object.keys(shape);
  const valid = fc.record(Object.fromEntries(keys.map((k) => [k, validValue(defOf(shape[k]), k)])));
  const breakage = fc.array(
    fc.tuple(
      fc.constantFrom(...keys),
      fc.oneof(
        { weight: 3, arbitrary: fc.nat() }, // an index into the field's edge values
        { weight: 1, arbitrary: fc.anything().map((v) => ({ anything: v })) },
        { weight: 1, arbitrary: fc.constant('delete' as const) },
      ),
    ),
    { maxLength: 2 },
  );
  const extra = fc.option(fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 2 }), { nil: null });
  return fc.tuple(valid, breakage, extra, fc.boolean()).map(([row, changes, more, asArray]) => {
    const out: Record<string, unknown> = { ...(more ?? {}), ...row };
    for (const [key, change] of changes) {
      if (change === 'delete') delete out[key];
      else if (typeof change === 'number') {
        const edges = edgeValues(defOf(shape[key]));
        out[key] = edges[change % edges.length];
      } else out[key] = change.anything;
    }
    return asArray && changes.length === 2 ? Object.values(out) : out;
  });
}

const pick = (row: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => k in row).map((k) => [k, row[k]]));

describe('compiled row checks (rowCheck.ts) against zod', () => {
  it('leaves the zod-only tables to zod', () => {
    for (const table of ZOD_ONLY_TABLES) {
      const row = ZOD_ONLY_EXAMPLES[table];
      expect(fastRowChecks[table](row)).toBe(false);
      expect(checkPatch([{ op: 'put', table, row }])).toMatchObject([{ op: 'put', table, row }]);
    }
  });

  for (const table of SYNCED_TABLES.filter((t) => !ZOD_ONLY_TABLES.has(t))) {
    it(`accepts and refuses exactly the ${table} rows zod does, and keeps the same values`, () => {
      const keys = Object.keys(defOf(rowSchemas[table]).shape!);
      let accepted = 0;
      fc.assert(
        fc.property(rowArbitrary(table), (row) => {
          const zod = rowSchemas[table].safeParse(row);
          // The one documented deferral: an `attrs` with its own `__proto__` key (zod keeps the row but
          // drops that key) is left to zod by the compiled check; checkPatch's test below covers it.
          const attrs = (row as { attrs?: unknown } | null)?.attrs;
          const deferred = typeof attrs === 'object' && attrs !== null && Object.hasOwn(attrs, '__proto__');
          expect(fastRowChecks[table](row)).toBe(zod.success && !deferred);
          if (zod.success) accepted += 1;
          // zod's copy drops a deferred row's `__proto__` key, so only the others compare value for value.
          if (zod.success && !deferred) {
            expect(pick(row as Record<string, unknown>, keys)).toEqual(zod.data);
          }
        }),
        { numRuns: RUNS },
      );
      // The generator must exercise both answers, or the property proves little.
      expect(accepted).toBeGreaterThan(RUNS / 20);
      expect(accepted).toBeLessThan(RUNS);
    });
  }

  it('checkPatch refuses exactly the operations zod refuses, and keeps what zod keeps', () => {
    const op = fc.oneof(
      fc
        .constantFrom(...SYNCED_TABLES)
        .chain((table) =>
          fc.record({ op: fc.constant('put'), table: fc.constant(table), row: rowArbitrary(table) }),
        ),
      fc.record({
        op: fc.constantFrom('put', 'del', 'clear', 'PUT', 'upsert'),
        table: fc.constantFrom('users', 'customers', 'followUps', 'follow_ups', 'orgs', '__proto__', 1),
        id: fc.oneof(fc.uuid(), fc.string(), fc.constant(null)),
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(op, (o) => {
        const zodOp = patchOpSchema.safeParse(o);
        const zodRow =
          zodOp.success && zodOp.data.op === 'put'
            ? rowSchemas[zodOp.data.table].safeParse(zodOp.data.row)
            : null;
        const zodAccepts = zodOp.success && (zodRow === null || zodRow.success);
        let checked;
        try {
          checked = checkPatch([o])[0];
        } catch (err) {
          expect(zodAccepts).toBe(false);
          expect(err).toMatchObject({
            code: 'server_error',
            message: expect.stringMatching(/^pull patch\[0\]/),
          });
          return;
        }
        expect(zodAccepts).toBe(true);
        if (checked?.op === 'put' && zodRow?.success) {
          const keys = Object.keys(defOf(rowSchemas[checked.table]).shape!);
          expect(pick(checked.row as Record<string, unknown>, keys)).toEqual(zodRow.data);
        } else {
          expect(checked).toEqual(zodOp.data);
        }
      }),
      { numRuns: RUNS * 2 },
    );
  });

  it('names the operation, table and field of what it refuses', () => {
    const customer = testCustomer();
    const refused = (op: unknown) => () => checkPatch([{ op: 'clear' }, op]);
    expect(refused({ op: 'put', table: 'customers', row: { ...customer, name: 'x'.repeat(201) } })).toThrow(
      /^pull patch\[1\] customers\.name: /,
    );
    expect(refused({ op: 'put', table: 'customers', row: { ...customer, version: '3' } })).toThrow(
      /^pull patch\[1\] customers\.version: /,
    );
    expect(refused({ op: 'put', table: 'users', row: { ...testUser(), active: 1 } })).toThrow(
      /^pull patch\[1\] users\.active: /,
    );
    expect(refused({ op: 'put', table: 'orgs', row: customer })).toThrow(/^pull patch\[1\]\.table: /);
    expect(refused({ op: 'del', table: 'customers', id: 'not-a-uuid' })).toThrow(/^pull patch\[1\]\.id: /);
    expect(refused({ op: 'truncate' })).toThrow(/^pull patch\[1\]/);
    // An `attrs` object with a `__proto__` key is valid for zod, which drops that key: the compiled check
    // defers such a row to zod, and what is kept is zod's output.
    const attrs = JSON.parse('{"__proto__": {"polluted": true}, "规模": "大"}') as Record<string, unknown>;
    const [put] = checkPatch([{ op: 'put', table: 'customers', row: { ...customer, attrs } }]);
    expect(put).toMatchObject({ op: 'put', row: { attrs: { 规模: '大' } } });
    expect(Object.keys((put as { row: { attrs: object } }).row.attrs)).toEqual(['规模']);
  });

  it('refuses to compile a kind of column it does not model, instead of skipping its check', () => {
    expect(() => compileRowCheck('t', z.object({ id: z.uuid(), when: z.date() }))).toThrow(/t\.when/);
    expect(() => compileRowCheck('t', z.object({ n: z.number() }))).toThrow(/t\.n/);
    expect(() => compileRowCheck('t', z.object({ s: z.string().regex(/a/).trim() }))).toThrow(/t\.s/);
  });
});
