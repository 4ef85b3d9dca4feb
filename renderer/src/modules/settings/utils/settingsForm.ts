import type { ApiInput } from '../../../../../shared/api/contract';
import type { Option, SettingsRow, Stage } from '../../../../../shared/domain/settings';
import { MAX_EDIT_WINDOW_HOURS } from '../../../../../shared/domain/settings';
import { updateSettingsArgs } from '../../../../../shared/mutations/settings';
import type { FieldProblem } from '../../followUps/utils/followUpForm';

/** The managed lists an admin edits on the Settings screen. */
export const SETTINGS_LISTS = ['stages', 'followUpTypes', 'lostReasons'] as const;
export type SettingsList = (typeof SETTINGS_LISTS)[number];

/** What the screen edits: the lists as they will be saved, the edit window as typed. */
export type SettingsDraft = {
  stages: Stage[];
  followUpTypes: Option[];
  lostReasons: Option[];
  followUpEditWindowHours: string;
};

/**
 * Problems by path: `stages` (the list as a whole), `stages.2.labelZh` (one cell),
 * `followUpEditWindowHours`.
 */
export type SettingsErrors = Record<string, FieldProblem>;

export function settingsDraft(row: SettingsRow): SettingsDraft {
  return {
    stages: structuredClone(row.stages),
    followUpTypes: structuredClone(row.followUpTypes),
    lostReasons: structuredClone(row.lostReasons),
    followUpEditWindowHours: String(row.followUpEditWindowHours),
  };
}

/** The keys the row already has: fixed forever (records use them), so their inputs are read-only. */
export function savedKeys(row: SettingsRow, list: SettingsList): Set<string> {
  return new Set(row[list].map((o) => o.key));
}

/**
 * A key for a new entry from its English label ("Site survey" → `site_survey`), unique in the list; a
 * label with no Latin letters gets `<prefix>_<n>`.
 */
export function newOptionKey(label: string, existing: readonly { key: string }[], prefix: string): string {
  const taken = new Set(existing.map((o) => o.key));
  const slug = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+$/, '')
    .slice(0, 28);
  const base = slug || prefix;
  if (slug && !taken.has(base)) return base;
  for (let i = 2; ; i++) {
    const key = `${base}_${i}`;
    if (!taken.has(key)) return key;
  }
}

/** `list` with the entry at `index` moved by `delta` places (−1 up, +1 down); unchanged at the ends. */
export function moveItem<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  if (to < 0 || to >= list.length || index < 0 || index >= list.length) return [...list];
  const out = [...list];
  const [item] = out.splice(index, 1);
  if (item !== undefined) out.splice(to, 0, item);
  return out;
}

const LIST_MESSAGES: Record<string, string> = {
  'Stage keys must be unique': 'duplicateKeys',
  'Keys must be unique': 'duplicateKeys',
  'At least one active open stage': 'needOpenStage',
  'At least one active won stage': 'needWonStage',
  'At least one active lost stage': 'needLostStage',
  'At least one active entry': 'needActive',
};

type Issue = {
  code: string;
  message: string;
  path: readonly PropertyKey[];
  minimum?: unknown;
  maximum?: unknown;
};

function problemOf(issue: Issue, leaf: string | undefined): FieldProblem {
  if (leaf === undefined) {
    const known = LIST_MESSAGES[issue.message];
    if (known) return { key: `settings.${known}` };
    if (issue.code === 'too_small') return { key: 'settings.tooFew', params: { min: Number(issue.minimum) } };
    if (issue.code === 'too_big') return { key: 'settings.tooMany', params: { max: Number(issue.maximum) } };
    return { key: 'invalid' };
  }
  if (leaf === 'key') return { key: 'settings.invalidKey' };
  if (leaf === 'probability') return { key: 'settings.invalidProbability' };
  if (issue.code === 'too_big') return { key: 'tooLong', params: { max: Number(issue.maximum) } };
  return { key: 'required' };
}

/** The lists and knobs that differ from the saved row: only they go out. */
function changedSet(row: SettingsRow, draft: SettingsDraft, hours: number): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  for (const list of SETTINGS_LISTS) {
    if (JSON.stringify(row[list]) !== JSON.stringify(draft[list])) set[list] = draft[list];
  }
  if (hours !== row.followUpEditWindowHours) set.followUpEditWindowHours = hours;
  return set;
}

/**
 * Checks the draft with the shared `updateSettingsArgs` (the mutator's schema: unique keys, an active
 * open, won and lost stage, labels in both languages…) plus its "never remove, deactivate" rule, which
 * the screen makes impossible anyway. `input` is null when nothing changed or something is wrong.
 */
export function validateSettings(
  row: SettingsRow,
  draft: SettingsDraft,
): { errors: SettingsErrors; input: ApiInput<'settings.update'> | null; changed: boolean } {
  const errors: SettingsErrors = {};
  const hoursText = draft.followUpEditWindowHours.trim();
  const hours = /^\d+$/.test(hoursText) ? Number(hoursText) : Number.NaN;
  if (!Number.isInteger(hours) || hours < 0 || hours > MAX_EDIT_WINDOW_HOURS) {
    errors.followUpEditWindowHours = { key: 'settings.invalidHours', params: { max: MAX_EDIT_WINDOW_HOURS } };
  }
  // Validate every list (not only the changed ones): the screen shows any problem where it is.
  const full = { stages: draft.stages, followUpTypes: draft.followUpTypes, lostReasons: draft.lostReasons };
  const result = updateSettingsArgs.safeParse({ set: full });
  if (!result.success) {
    for (const issue of result.error.issues) {
      const [, list, index, leaf] = issue.path;
      if (typeof list !== 'string') continue;
      const path =
        index === undefined
          ? list
          : leaf === undefined
            ? `${list}.${String(index)}`
            : `${list}.${String(index)}.${String(leaf)}`;
      errors[path] ??= problemOf(issue as Issue, leaf === undefined ? undefined : String(leaf));
    }
  }
  for (const list of SETTINGS_LISTS) {
    const kept = new Set(draft[list].map((o) => o.key));
    if (row[list].some((o) => !kept.has(o.key))) errors[list] ??= { key: 'settings.cannotRemove' };
  }
  const set = Number.isInteger(hours) ? changedSet(row, draft, hours) : {};
  const changed = Object.keys(set).length > 0 || !Number.isInteger(hours);
  if (Object.keys(errors).length > 0 || Object.keys(set).length === 0)
    return { errors, input: null, changed };
  const parsed = updateSettingsArgs.safeParse({ set });
  return parsed.success ? { errors, input: parsed.data, changed } : { errors, input: null, changed };
}
