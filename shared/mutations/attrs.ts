import { z } from 'zod';
import { AppError } from '../errors';
import {
  defKeySchema,
  type CatalogRow,
  type TemplateEntity,
  type TemplateVersionRow,
} from '../templates/schema';
import { validateAttrs } from '../templates/validate';
import { mergeFields, sameValue } from './merge';
import {
  read,
  readIf,
  type Effect,
  type MutationContext,
  type ReadContext,
  type UniqueEffect,
} from './types';

/**
 * How mutations carry template values (docs/templates.md "Validation"). A write that sets business
 * attributes names the published template version its form used; the mutator judges the values with the
 * shared validator against THAT version (immutable), on the device and again on the server. A pending
 * edit made under an older version is therefore judged by the rules its author saw.
 */

export const MAX_ATTRS = 200;

export const attrsArg = z
  .record(defKeySchema, z.unknown())
  .refine((r) => Object.keys(r).length <= MAX_ATTRS, { message: `At most ${MAX_ATTRS} fields` });

/** Arguments of a mutation that writes a templated record. */
export const templatedArgs = {
  attrs: attrsArg.optional(),
  /** The version the form was rendered with; required with `attrs`. */
  templateVersionId: z.uuid().optional(),
};

/** The rows a templated write reads: the version it names and the org's catalog (for option lists). */
export function templateReads(
  args: { attrs?: Record<string, unknown> | undefined; templateVersionId?: string | undefined },
  org: ReadContext,
) {
  const given = args.attrs !== undefined;
  return {
    template: readIf('templateVersions', given ? args.templateVersionId : undefined),
    catalog: given ? read('catalogs', org.orgId) : undefined,
  };
}

export type AttrPlan = {
  /** The attributes to store. */
  attrs: Record<string, unknown>;
  templateVersionId: string | null;
  /** Conflicts of a stale edit and the uniqueness checks the runner makes. */
  effects: Effect[];
  /** The stored attributes or version change. */
  changed: boolean;
};

type Stored = { attrs: Record<string, unknown>; templateVersionId: string | null };

/**
 * Judges a templated write. On create `current` is null and `attrs` the whole object; on update `attrs`
 * holds the changed keys only and merges key by key against `base` (the values the author saw), as base
 * fields do: concurrent edits of different attributes both survive, a stale edit of the same one becomes
 * a conflict on `attrs.<key>`. Throws AppError('validation') naming `attrs.<key>` and the rule.
 */
export function planAttrs(p: {
  entity: TemplateEntity;
  table: UniqueEffect['table'];
  id: string;
  attrs: Record<string, unknown> | undefined;
  base?: Record<string, unknown> | undefined;
  templateVersionId: string | undefined;
  template: TemplateVersionRow | undefined;
  catalog: CatalogRow | undefined;
  current: Stored | null;
  ctx: MutationContext;
  /**
   * The record changes entity (a lead converted to a customer): every unique value it holds is checked
   * among its new peers, not only the changed ones.
   */
  recheckUnique?: boolean;
}): AttrPlan {
  const stored: Stored = p.current ?? { attrs: {}, templateVersionId: null };
  if (p.attrs === undefined) return { ...stored, effects: [], changed: false };
  if (!p.templateVersionId) {
    throw new AppError('validation', 'templateVersionId: Required when attributes are given', {
      field: 'templateVersionId',
    });
  }
  const template = p.template;
  if (!template || template.orgId !== p.ctx.orgId) {
    throw new AppError('validation', 'templateVersionId: no such published template', {
      field: 'templateVersionId',
    });
  }
  if (template.entity !== p.entity) {
    throw new AppError(
      'validation',
      `templateVersionId: this template is for ${template.entity} records, not ${p.entity}`,
      { field: 'templateVersionId' },
    );
  }
  const effects: Effect[] = [];
  let merged: Record<string, unknown>;
  if (p.current) {
    const { apply, conflicts } = mergeFields(p.current.attrs, p.attrs, p.base);
    for (const c of conflicts) {
      effects.push({ kind: 'conflict', table: p.table, id: p.id, ...c, field: `attrs.${c.field}` });
    }
    merged = { ...p.current.attrs, ...apply };
  } else {
    merged = { ...p.attrs };
  }
  const verdict = validateAttrs(template, merged, {
    optionLists: p.catalog?.optionLists ?? [],
    previous: p.current?.attrs ?? null,
    userExists: p.ctx.userExists,
  });
  if (!verdict.ok) {
    const first = verdict.issues[0]!;
    throw new AppError('validation', first.message, {
      field: `attrs.${first.field}`,
      params: { rule: first.rule, ...first.params },
    });
  }
  const unique = p.recheckUnique
    ? template.fields
        .filter((f) => f.validation.unique && verdict.values[f.key] !== undefined)
        .map((f) => ({ field: f.key, value: verdict.values[f.key] }))
    : verdict.unique;
  for (const u of unique) {
    effects.push({
      kind: 'assertUnique',
      entity: p.entity,
      table: p.table,
      id: p.id,
      field: u.field,
      value: u.value,
    });
  }
  const changed = !sameValue(verdict.values, stored.attrs) || template.id !== stored.templateVersionId;
  return { attrs: verdict.values, templateVersionId: template.id, effects, changed };
}

/** The `set` of an update effect for a templated record (nothing when the attributes did not change). */
export function attrsSet(plan: AttrPlan): {
  attrs?: Record<string, unknown>;
  templateVersionId?: string | null;
} {
  return plan.changed ? { attrs: plan.attrs, templateVersionId: plan.templateVersionId } : {};
}

/** The `attrs` entry of an update's `base` (the attribute values its author saw), if it has one. */
export function baseAttrs(base: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const a = base?.['attrs'];
  return a && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, unknown>) : undefined;
}

/**
 * The effects of an edit to a templated record (customer, contact, opportunity): its base fields merged
 * against `base` field by field, its attributes key by key against `base.attrs` and judged by the named
 * version, the stale losers as conflicts, and one update of what changed (nothing when nothing did).
 */
export function planTemplatedUpdate(p: {
  entity: TemplateEntity;
  table: 'customers' | 'contacts' | 'opportunities';
  current: Stored & { id: string } & Record<string, unknown>;
  set: Record<string, unknown> & { attrs?: Record<string, unknown> | undefined };
  base: Record<string, unknown> | undefined;
  templateVersionId: string | undefined;
  template: TemplateVersionRow | undefined;
  catalog: CatalogRow | undefined;
  ctx: MutationContext;
}): Effect[] {
  const { attrs, ...fields } = p.set;
  const { apply, conflicts } = mergeFields(p.current, fields, p.base);
  const a = planAttrs({
    entity: p.entity,
    table: p.table,
    id: p.current.id,
    attrs,
    base: baseAttrs(p.base),
    templateVersionId: p.templateVersionId,
    template: p.template,
    catalog: p.catalog,
    current: p.current,
    ctx: p.ctx,
  });
  const effects: Effect[] = conflicts.map((c) => ({
    kind: 'conflict',
    table: p.table,
    id: p.current.id,
    ...c,
  }));
  effects.push(...a.effects);
  const changes = { ...apply, ...attrsSet(a) };
  if (Object.keys(changes).length > 0) {
    effects.push({
      kind: 'update',
      table: p.table,
      id: p.current.id,
      set: { ...changes, updatedAt: p.ctx.now },
    } as Effect);
  }
  return effects;
}
