import type { z } from 'zod';
import { util } from 'zod/v4/core';
import { rowSchemas, SYNCED_TABLES, type SyncedTable } from '../../../../shared/domain/rows';

/**
 * Fast row checks compiled from the shared zod row schemas (`shared/domain/rows.ts`), for the hot path of
 * a pull: a full zod parse of every row cost about a third of the device's time per page of a first sync.
 *
 * A compiled check is a predicate with one promise: when it says yes, zod would accept the row too and
 * its output would hold the same values for every schema key (extra keys are ignored by the writer,
 * which reads only its columns). When it says no, the caller asks zod itself, which has the last word and
 * the error message; so a case the compiled check does not model (an `attrs` object with a `__proto__`
 * key, say) costs speed, never correctness. `rowCheck.test.ts` proves the two agree on random rows.
 *
 * Only the schema kinds the rows use are compiled (object, string with max length or a format pattern,
 * safe integer with lower and upper bounds, enum, boolean, nullable, record of string → unknown; the
 * org's configuration rows are left to zod, see ZOD_ONLY_TABLES); anything else
 * throws when this module loads, so a new kind of column in rows.ts cannot silently skip validation.
 */
export type RowPredicate = (row: unknown) => boolean;

type FieldCheck = (value: unknown) => boolean;

/** The internal definition zod 4 keeps on every schema (`schema._zod.def`), as far as we read it. */
type Def = {
  type: string;
  shape?: Record<string, Schema>;
  innerType?: Schema;
  checks?: { _zod: { def: CheckDef } }[];
  format?: string;
  pattern?: RegExp;
  entries?: Record<string, string | number>;
  keyType?: Schema;
  valueType?: Schema;
  catchall?: Schema;
  coerce?: boolean;
};
type CheckDef = {
  check: string;
  maximum?: number;
  minimum?: number;
  value?: number;
  inclusive?: boolean;
  format?: string;
  pattern?: RegExp;
};
type Schema = { _zod: { def: Def } };

function unsupported(path: string, what: string): never {
  throw new Error(`rowCheck: ${path}: ${what} is not compiled; extend sync/rowCheck.ts`);
}

function compileString(path: string, def: Def): FieldCheck {
  if (def.coerce) unsupported(path, 'a coerced string');
  let max = Number.POSITIVE_INFINITY;
  let min = 0;
  const patterns: RegExp[] = [];
  if (def.format !== undefined) {
    if (!def.pattern) unsupported(path, `string format ${def.format} without a pattern`);
    patterns.push(def.pattern);
  }
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    if (c.check === 'max_length' && c.maximum !== undefined) max = Math.min(max, c.maximum);
    else if (c.check === 'min_length' && c.minimum !== undefined) min = Math.max(min, c.minimum);
    else if (c.check === 'string_format' && c.pattern) patterns.push(c.pattern);
    else unsupported(path, `string check ${c.check}`);
  }
  // zod measures a string's length in code points. A string within the bounds in UTF-16 units is within
  // them in code points when it is short enough (a code point is one or two units); only the rare string
  // in between is counted, with zod's own function.
  const lengthOk = (v: string) => {
    const units = v.length;
    if (units > max && util.codePointLength(v) > max) return false;
    if (min > 0 && (units < min || (units < min * 2 && util.codePointLength(v) < min))) return false;
    return true;
  };
  if (patterns.length === 0) {
    return (v) => typeof v === 'string' && lengthOk(v);
  }
  return (v) => {
    if (typeof v !== 'string' || !lengthOk(v)) return false;
    for (const p of patterns) {
      p.lastIndex = 0;
      if (!p.test(v)) return false;
    }
    return true;
  };
}

function compileNumber(path: string, def: Def): FieldCheck {
  if (def.coerce) unsupported(path, 'a coerced number');
  // zod's number: a finite number; format `safeint` (z.int()) or check `number_format` adds the rest.
  let safeInt = def.format === 'safeint';
  if (def.format !== undefined && !safeInt) unsupported(path, `number format ${def.format}`);
  let lower = Number.NEGATIVE_INFINITY;
  let lowerInclusive = true;
  let upper = Number.POSITIVE_INFINITY;
  let upperInclusive = true;
  for (const { _zod } of def.checks ?? []) {
    const c = _zod.def;
    if (c.check === 'greater_than' && c.value !== undefined && c.value >= lower) {
      lower = c.value;
      lowerInclusive = c.inclusive ?? false;
    } else if (c.check === 'less_than' && c.value !== undefined && c.value <= upper) {
      upper = c.value;
      upperInclusive = c.inclusive ?? false;
    } else if (c.check === 'number_format' && c.format === 'safeint') {
      safeInt = true;
    } else {
      unsupported(path, `number check ${c.check}`);
    }
  }
  if (!safeInt) unsupported(path, 'a number that is not z.int()');
  const aboveLower = lowerInclusive ? (v: number) => v >= lower : (v: number) => v > lower;
  if (upper === Number.POSITIVE_INFINITY) {
    return (v) => typeof v === 'number' && Number.isSafeInteger(v) && aboveLower(v);
  }
  const belowUpper = upperInclusive ? (v: number) => v <= upper : (v: number) => v < upper;
  return (v) => typeof v === 'number' && Number.isSafeInteger(v) && aboveLower(v) && belowUpper(v);
}

/** zod's record output is a copy of the input's own string keys except `__proto__`: equal when there is none. */
function isCopyableRecord(v: unknown): boolean {
  return (
    util.isPlainObject(v) &&
    !Object.prototype.hasOwnProperty.call(v, '__proto__') &&
    Object.getOwnPropertySymbols(v).length === 0
  );
}

function compileField(path: string, schema: Schema): FieldCheck {
  const def = schema._zod.def;
  if ((def.checks?.length ?? 0) > 0 && def.type !== 'string' && def.type !== 'number') {
    unsupported(path, `checks on a ${def.type}`);
  }
  switch (def.type) {
    case 'string':
      return compileString(path, def);
    case 'number':
      return compileNumber(path, def);
    case 'boolean':
      return (v) => typeof v === 'boolean';
    case 'enum': {
      const values = new Set<unknown>(Object.values(def.entries ?? {}));
      return (v) => values.has(v);
    }
    case 'nullable': {
      if (!def.innerType) return unsupported(path, 'a nullable without its inner type');
      const inner = compileField(path, def.innerType);
      return (v) => v === null || inner(v);
    }
    case 'record': {
      const keyType = def.keyType?._zod.def;
      const valueType = def.valueType?._zod.def;
      if (keyType?.type !== 'string' || (keyType.checks?.length ?? 0) > 0 || keyType.format !== undefined)
        return unsupported(path, 'a record whose keys are not plain strings');
      if (valueType?.type !== 'unknown') return unsupported(path, 'a record whose values are checked');
      return isCopyableRecord;
    }
    default:
      return unsupported(path, `a ${def.type}`);
  }
}

/** Compiles a zod object schema (unknown keys stripped, the zod default) into a row predicate. */
export function compileRowCheck(name: string, schema: z.ZodType): RowPredicate {
  const def = (schema as unknown as Schema)._zod.def;
  if (def.type !== 'object' || !def.shape) return unsupported(name, `a ${def.type} row`);
  if (def.catchall !== undefined) unsupported(name, 'an object with a catchall');
  const keys = Object.keys(def.shape);
  const checks = keys.map((key) => compileField(`${name}.${key}`, def.shape![key]!));
  const n = keys.length;
  return (row) => {
    // The row of a `put` is also a record on the wire (patchOpSchema): a plain object either way.
    if (!util.isPlainObject(row)) return false;
    const r = row as Record<string, unknown>;
    for (let i = 0; i < n; i++) if (!checks[i]!(r[keys[i]!])) return false;
    return true;
  };
}

/**
 * Tables checked by zod alone: `settings` and `catalogs` (one row per org), `templateVersions` (a few
 * per template) and `pools` (a few per org, rules with defaults) are lists of objects with cross-entry rules ("at least one open stage", "value keys are
 * unique", compiled regular expressions, conditions), too few rows to gain anything from a compiled check
 * and needing array, refinement and lazy kinds this compiler deliberately does not model. Their
 * predicate says no, so `checkPatch` asks zod.
 */
export const ZOD_ONLY_TABLES: ReadonlySet<SyncedTable> = new Set([
  'settings',
  'catalogs',
  'templateVersions',
  'pools',
]);

/** One compiled check per synced table. */
export const fastRowChecks = Object.fromEntries(
  SYNCED_TABLES.map((t) => [t, ZOD_ONLY_TABLES.has(t) ? () => false : compileRowCheck(t, rowSchemas[t])]),
) as Record<SyncedTable, RowPredicate>;

/** The wire's uuid check (a `del` operation's id), compiled from the rows' own `id` schema. */
export const isUuid: FieldCheck = compileField(
  'users.id',
  (rowSchemas.users as unknown as Schema)._zod.def.shape!.id!,
);
