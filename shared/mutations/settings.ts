import { z } from 'zod';
import { AppError } from '../errors';
import {
  defaultSettings,
  followUpTypesSchema,
  lostReasonsSchema,
  MAX_EDIT_WINDOW_HOURS,
  stagesSchema,
  type Option,
} from '../domain/settings';
import { defineMutation, read } from './types';

export const updateSettingsArgs = z.object({
  set: z
    .object({
      stages: stagesSchema,
      followUpTypes: followUpTypesSchema,
      lostReasons: lostReasonsSchema,
      followUpEditWindowHours: z.int().min(0).max(MAX_EDIT_WINDOW_HOURS),
    })
    .partial()
    .strict()
    .refine((s) => Object.keys(s).length > 0, { message: 'Nothing to change' }),
});
export type UpdateSettingsArgs = z.infer<typeof updateSettingsArgs>;

/** Keys of `before` missing from `after`: an entry in use may be deactivated, never removed. */
function removedKeys(before: readonly Option[], after: readonly Option[]): string[] {
  const kept = new Set(after.map((o) => o.key));
  return before.filter((o) => !kept.has(o.key)).map((o) => o.key);
}

/**
 * An admin maintains the org's stages, follow-up types, lost reasons and edit window (SPEC §3 parameter
 * maintenance). Removing an entry is refused (records use its key): deactivate it instead.
 */
export const updateSettings = defineMutation({
  name: 'updateSettings',
  args: updateSettingsArgs,
  reads: (_args, org) => ({ settings: read('settings', org.orgId) }),
  plan: (args, { settings }, ctx) => {
    if (ctx.role !== 'admin') {
      throw new AppError('forbidden', 'set: only an admin can change the settings', { field: 'set' });
    }
    const current = settings ?? defaultSettings(ctx.orgId, ctx.now);
    for (const list of ['stages', 'followUpTypes', 'lostReasons'] as const) {
      const next = args.set[list];
      if (!next) continue;
      const removed = removedKeys(current[list], next);
      if (removed.length > 0) {
        throw new AppError(
          'validation',
          `${list}: "${removed[0]}" cannot be removed, deactivate it instead`,
          {
            field: list,
            params: { key: removed[0] ?? '' },
          },
        );
      }
    }
    if (!settings) {
      // A row written by a mutator never carries `version`: the server stamps it.
      const { version: _version, ...row } = current;
      return [{ kind: 'insert', table: 'settings', row: { ...row, ...args.set, updatedAt: ctx.now } }];
    }
    return [{ kind: 'update', table: 'settings', id: current.id, set: { ...args.set, updatedAt: ctx.now } }];
  },
});
