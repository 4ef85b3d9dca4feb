import type { z } from 'zod';
import type { Role } from '../domain/roles';
import type { RowOf, SyncedTable } from '../domain/rows';
import type { TemplateEntity } from '../templates/schema';

/**
 * Who runs a mutation, and where. The same mutator runs twice: optimistically on the device
 * (`authority: 'client'`) and authoritatively on the server inside one transaction (`'server'`).
 */
export type MutationContext = {
  authority: 'client' | 'server';
  orgId: string;
  userId: string;
  role: Role;
  /** Epoch ms of the runner's clock; server-side it is the server's (injectable) clock. */
  now: number;
  /** May the acting user see (and so work on) a customer owned by `ownerId`? (SPEC §6 data scope) */
  canSeeOwner: (ownerId: string | null) => boolean;
  /**
   * Is this an active-or-not user of the org? For template `user` fields. Runners supply it from the
   * users they hold (the device holds every user of its org); absent, any user id passes.
   */
  userExists?: (userId: string) => boolean;
};

/** A row the mutator needs before it can decide, fetched by the runner (locked `FOR UPDATE` on the server). */
export type ReadSpec<T extends SyncedTable = SyncedTable> = { table: T; id: string };
/** An `undefined` spec is a read the arguments do not call for (no opportunity given): runners skip it. */
export type Reads = Record<string, ReadSpec | undefined>;
/** The rows found (a read not made, or a row not found, is undefined; callers may leave it out). */
export type Loaded<R extends Reads> = {
  [K in keyof R]?: RowOf[NonNullable<R[K]>['table']] | undefined;
};

/** Row without the server-assigned version: what a mutator may write. */
export type NewRow<T extends SyncedTable> = Omit<RowOf[T], 'version'>;

/**
 * What a mutator decides, as data. Runners write it to SQLite or PostgreSQL; keeping effects as data is
 * what lets the device know which rows a pending mutation touched (for rebase and for rejections).
 */
export type Effect =
  | { [T in SyncedTable]: { kind: 'insert'; table: T; row: NewRow<T> } }[SyncedTable]
  | { [T in SyncedTable]: { kind: 'update'; table: T; id: string; set: Partial<NewRow<T>> } }[SyncedTable]
  | { kind: 'delete'; table: SyncedTable; id: string }
  | MoveEffect
  | ConflictEffect
  | UniqueEffect;

/**
 * A template field marked unique within the org (SPEC §3): the runner refuses the whole mutation with a
 * `duplicate` error naming `attrs.<field>` when another record of the same entity in the org holds the
 * value. The server checks the whole org under a lock; a device checks what it holds.
 */
export type UniqueEffect = {
  kind: 'assertUnique';
  entity: TemplateEntity;
  table: 'customers' | 'contacts' | 'followUps' | 'opportunities';
  /** The record being written, which never collides with itself. */
  id: string;
  field: string;
  value: unknown;
};

/**
 * A change of a customer's owner or pool state. Only server operations (transfer, claim, release,
 * recycle, reactivation) emit it; the server writes the customer AND an ownership-history row in the same
 * transaction, and that history is what a pull reads to take the customer off (or put it on) devices.
 */
export type MoveEffect = {
  kind: 'move';
  customerId: string;
  ownerId: string | null;
  poolState: 'private' | 'public';
  reason: string;
  /**
   * What the move is (ownership history's `action`). A `claim` is checked by the server against the
   * claim rules of the customer's pool (limits, cooldown, fresh-entry protection: docs/pools.md
   * "Claims") before it moves; an `assign` by a manager is not held to the rep's limits or protection.
   */
  action: 'claim' | 'release' | 'transfer' | 'assign';
  /**
   * Into the public sea: the pool chosen, or null/absent for the pool serving the owner's team (the
   * org's default pool of the customer's kind when none serves it). The server resolves it.
   */
  poolId?: string | null;
};

/**
 * The losing side of a same-field concurrent edit (SPEC §5.6): not written to the row, but kept as a
 * conflict record for the mutation's author, who can re-apply it from the inbox. `theirs` is the value
 * that stands; `mine` the value this mutation wanted; `base` the value its author had seen.
 */
export type ConflictEffect = {
  kind: 'conflict';
  table: SyncedTable;
  id: string;
  field: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
};

/** A named mutation: argument schema, the rows it reads, and a pure decision from (args, rows) to effects. */
export type MutationDef<Name extends string, Args, R extends Reads> = {
  name: Name;
  args: z.ZodType<Args, unknown>;
  /**
   * The rows to load before deciding, by id. `org.orgId` lets a mutator read the org's settings row
   * (whose id is the org id). Config rows (`settings`, `users`) are read without a lock on the server.
   */
  reads: (args: Args, org: ReadContext) => R;
  /** Throws AppError to refuse; returns the effects otherwise. Must be deterministic and pure. */
  plan: (args: Args, rows: Loaded<R>, ctx: MutationContext) => Effect[];
  /**
   * A server operation whose outcome the device cannot know (a claim from the public sea, whose row the
   * device does not hold): the device validates the arguments and queues it without applying anything;
   * the pull brings the result, or the rejection with its reason.
   */
  serverOnly?: boolean;
};

/** What `reads` may depend on besides the arguments. */
export type ReadContext = { orgId: string };

export function read<T extends SyncedTable>(table: T, id: string): ReadSpec<T> {
  return { table, id };
}

/** A read made only when the argument is given (an optional opportunity, a task to complete). */
export function readIf<T extends SyncedTable>(
  table: T,
  id: string | null | undefined,
): ReadSpec<T> | undefined {
  return id ? { table, id } : undefined;
}

export function defineMutation<Name extends string, Args, R extends Reads>(
  def: MutationDef<Name, Args, R>,
): MutationDef<Name, Args, R> {
  return def;
}
