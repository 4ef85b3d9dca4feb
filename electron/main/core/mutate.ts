import type Database from 'better-sqlite3';
import type { SyncedTable } from '../../../shared/domain/rows';
import { AppError, parseOrThrow } from '../../../shared/errors';
import { getMutation, isMutationName, type MutationContext } from '../../../shared/mutations';
import type { SessionUser } from '../../../shared/sync/protocol';
import { assertNoLocalAttrDuplicate } from './db/duplicates';
import { applyEffects, withAttrsPatches } from './db/effects';
import { appendOutbox } from './db/outbox';
import { getRow } from './db/rows';
import { statement } from './db/statements';

/** What a local mutation did: its outbox sequence number and the tables it wrote. */
export type MutationOutcome = { seq: number; tables: Set<SyncedTable> };

/**
 * Runs a named mutation on the device (optimistically): parses `args` with the shared mutator's schema,
 * loads the rows it reads, lets the mutator decide, then writes its effects and the outbox entry in ONE
 * SQLite transaction, so a change is never visible without being queued for the server, nor queued
 * without being visible. A refusal throws the mutator's AppError and writes nothing.
 *
 * Device scope: every customer present locally came from the server's scope for this user (or was made
 * here), so `canSeeOwner` is always true; the server re-checks with the real scope.
 *
 * A `serverOnly` mutation (a claim from the public sea, whose row this device does not hold) is only
 * validated and queued, with no effects: the pull brings its outcome, or the refusal with its reason.
 *
 * Template values (docs/templates.md): `userExists` answers from the org's users on the device, and an
 * `assertUnique` effect is checked against the records the device holds before anything is written.
 */
export function mutate(
  db: Database.Database,
  user: Pick<SessionUser, 'id' | 'orgId' | 'role'>,
  name: string,
  rawArgs: unknown,
  now: number,
  opts: {
    /**
     * Validate and queue only, like a `serverOnly` mutation: for an edit re-applied after a claim of
     * its customer, which is not on the device until the server has accepted the claim (inbox.ts).
     */
    queueOnly?: boolean;
  } = {},
): MutationOutcome {
  if (!isMutationName(name))
    throw new AppError('bad_request', `name: unknown mutation ${name}`, { field: 'name' });
  const def = getMutation(name);
  const args = parseOrThrow(def.args, rawArgs, name);
  return db.transaction((): MutationOutcome => {
    const ctx: MutationContext = {
      authority: 'client',
      orgId: user.orgId,
      userId: user.id,
      role: user.role,
      now,
      canSeeOwner: () => true,
      ...localUsers(db),
    };
    if (def.serverOnly || opts.queueOnly) {
      return { seq: appendOutbox(db, { name, args, effects: [], createdAt: now }), tables: new Set() };
    }
    const loaded: Record<string, unknown> = {};
    for (const [key, spec] of Object.entries(def.reads(args, { orgId: user.orgId }))) {
      // An undefined spec is a read these arguments do not call for (no opportunity given).
      loaded[key] = spec ? getRow(db, spec.table, spec.id) : undefined;
    }
    const planned = def.plan(args, loaded as Parameters<typeof def.plan>[1], ctx);
    for (const effect of planned) {
      if (effect.kind === 'assertUnique') assertNoLocalAttrDuplicate(db, effect, ctx);
    }
    const effects = withAttrsPatches(db, planned);
    const tables = applyEffects(db, effects);
    const seq = appendOutbox(db, { name, args, effects, createdAt: now });
    return { seq, tables };
  })();
}

/**
 * `userExists` for template `user` fields: the device holds every user of its org (users are pulled
 * org-wide). Before the first pull has brought them there is nothing to judge by, and any user id passes
 * (the server judges again).
 */
function localUsers(db: Database.Database): Pick<MutationContext, 'userExists'> {
  if (!statement(db, 'SELECT 1 FROM "users" LIMIT 1').get()) return {};
  const exists = statement(db, 'SELECT 1 FROM "users" WHERE "id" = ?');
  return { userExists: (id) => exists.get(id) !== undefined };
}
