import { z } from 'zod';

/**
 * An org's managed lists and knobs for the working day (SPEC §2, §3 "parameter maintenance"): opportunity
 * stages, follow-up types, lost reasons and the follow-up edit window. One row per org (`id` = the org's
 * id), synced to every device of the org so that forms and validation work offline. Only admins change it
 * (`updateSettings`), and a key once used is never reused for something else: deactivate instead.
 */

/** Keys of managed lists (follow-up types, stages, lost reasons): stable, lowercase, short. */
export const optionKeySchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,31}$/, { message: 'Keys are 1–32 lowercase letters, digits or _' });

const label = z.string().trim().min(1, { message: 'Required' }).max(50);

/** One entry of a managed list: a stable key, a label per language, and whether new records may use it. */
export const optionSchema = z.object({
  key: optionKeySchema,
  labelZh: label,
  labelEn: label,
  active: z.boolean(),
});
export type Option = z.infer<typeof optionSchema>;

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];

/** An opportunity stage: its win probability (0–100) and whether it is open or a won/lost end. */
export const stageSchema = optionSchema.extend({
  probability: z.int().min(0).max(100),
  kind: z.enum(STAGE_KINDS),
});
export type Stage = z.infer<typeof stageSchema>;

function uniqueKeys(list: readonly { key: string }[]): boolean {
  return new Set(list.map((o) => o.key)).size === list.length;
}

export const stagesSchema = z
  .array(stageSchema)
  .min(3)
  .max(20)
  .refine(uniqueKeys, { message: 'Stage keys must be unique' })
  .refine((l) => l.some((s) => s.kind === 'open' && s.active), { message: 'At least one active open stage' })
  .refine((l) => l.some((s) => s.kind === 'won' && s.active), { message: 'At least one active won stage' })
  .refine((l) => l.some((s) => s.kind === 'lost' && s.active), { message: 'At least one active lost stage' });

const optionListSchema = (min: number) =>
  z
    .array(optionSchema)
    .min(min)
    .max(50)
    .refine(uniqueKeys, { message: 'Keys must be unique' })
    .refine((l) => min === 0 || l.some((o) => o.active), { message: 'At least one active entry' });

export const followUpTypesSchema = optionListSchema(1);
export const lostReasonsSchema = optionListSchema(1);

/** How long the author may still edit or delete a follow-up after writing it. */
export const MAX_EDIT_WINDOW_HOURS = 24 * 30;

export const settingsRowSchema = z.object({
  /** The org's id: one settings row per org, readable by id without knowing anything else. */
  id: z.uuid(),
  orgId: z.uuid(),
  stages: stagesSchema,
  followUpTypes: followUpTypesSchema,
  lostReasons: lostReasonsSchema,
  /** 0 = follow-ups are locked as soon as they are written. */
  followUpEditWindowHours: z.int().min(0).max(MAX_EDIT_WINDOW_HOURS),
  updatedAt: z.int().nonnegative(),
  version: z.int().nonnegative(),
});
export type SettingsRow = z.infer<typeof settingsRowSchema>;

/** What an org starts with (the demo seed and every new org). */
export const DEFAULT_SETTINGS: Omit<SettingsRow, 'id' | 'orgId' | 'updatedAt' | 'version'> = {
  stages: [
    {
      key: 'discovery',
      labelZh: '初步接洽',
      labelEn: 'Discovery',
      probability: 10,
      kind: 'open',
      active: true,
    },
    {
      key: 'needs',
      labelZh: '需求确认',
      labelEn: 'Needs confirmed',
      probability: 30,
      kind: 'open',
      active: true,
    },
    {
      key: 'proposal',
      labelZh: '方案报价',
      labelEn: 'Proposal',
      probability: 50,
      kind: 'open',
      active: true,
    },
    {
      key: 'negotiation',
      labelZh: '商务谈判',
      labelEn: 'Negotiation',
      probability: 75,
      kind: 'open',
      active: true,
    },
    { key: 'won', labelZh: '赢单', labelEn: 'Won', probability: 100, kind: 'won', active: true },
    { key: 'lost', labelZh: '输单', labelEn: 'Lost', probability: 0, kind: 'lost', active: true },
  ],
  followUpTypes: [
    { key: 'visit', labelZh: '上门拜访', labelEn: 'Visit', active: true },
    { key: 'call', labelZh: '电话', labelEn: 'Call', active: true },
    { key: 'wechat', labelZh: '微信', labelEn: 'WeChat', active: true },
    { key: 'email', labelZh: '邮件', labelEn: 'Email', active: true },
    { key: 'meeting', labelZh: '会议', labelEn: 'Meeting', active: true },
    { key: 'other', labelZh: '其他', labelEn: 'Other', active: true },
  ],
  lostReasons: [
    { key: 'price', labelZh: '价格偏高', labelEn: 'Price too high', active: true },
    { key: 'competitor', labelZh: '选择了竞争对手', labelEn: 'Went with a competitor', active: true },
    { key: 'no_budget', labelZh: '预算取消', labelEn: 'Budget cancelled', active: true },
    { key: 'no_decision', labelZh: '无决策', labelEn: 'No decision', active: true },
    { key: 'other', labelZh: '其他', labelEn: 'Other', active: true },
  ],
  followUpEditWindowHours: 24,
};

/** The settings a device or server uses when an org has none yet (a fresh org before its first edit). */
export function defaultSettings(orgId: string, now = 0): SettingsRow {
  return { id: orgId, orgId, ...structuredClone(DEFAULT_SETTINGS), updatedAt: now, version: 0 };
}

export function findStage(settings: SettingsRow, key: string): Stage | undefined {
  return settings.stages.find((s) => s.key === key);
}

/** Label of a managed entry in the UI language; the key itself when the entry is unknown. */
export function optionLabel(list: readonly Option[], key: string, lang: 'zh-CN' | 'en'): string {
  const o = list.find((x) => x.key === key);
  if (!o) return key;
  return lang === 'en' ? o.labelEn : o.labelZh;
}
