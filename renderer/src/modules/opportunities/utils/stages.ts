import type { Option, SettingsRow, Stage } from '../../../../../shared/domain/settings';
import { optionLabel } from '../../../../../shared/domain/settings';
import type { Locale } from '../../../i18n/locale';
import type { BadgeTone } from '../../../ui';

/** A stage key the settings no longer know (renamed lists never reuse keys, but rows may be older). */
export function unknownStage(key: string, kind: Stage['kind'] = 'open'): Stage {
  return { key, labelZh: key, labelEn: key, probability: 0, kind, active: false };
}

export function stageOf(settings: SettingsRow, key: string): Stage | undefined {
  return settings.stages.find((s) => s.key === key);
}

export function stageLabel(settings: SettingsRow, key: string, locale: Locale): string {
  return optionLabel(settings.stages, key, locale);
}

/** Label of a managed entry in the UI language (follow-up types, lost reasons). */
export function listLabel(list: readonly Option[], key: string, locale: Locale): string {
  return optionLabel(list, key, locale);
}

/** Where a new opportunity may start: the active open stages, in the org's order. */
export function openStages(settings: SettingsRow): Stage[] {
  return settings.stages.filter((s) => s.active && s.kind === 'open');
}

/** Where an opportunity may move from `current`: every other active stage, in the org's order. */
export function moveTargets(settings: SettingsRow, current: string): Stage[] {
  return settings.stages.filter((s) => s.active && s.key !== current);
}

/**
 * A stage as a colour: won green, lost red, and open stages warming from grey to violet as the win
 * probability rises, so a board or a list reads at a glance.
 */
export function stageTone(stage: Pick<Stage, 'kind' | 'probability'>): BadgeTone {
  if (stage.kind === 'won') return 'success';
  if (stage.kind === 'lost') return 'danger';
  if (stage.probability < 25) return 'neutral';
  if (stage.probability < 50) return 'info';
  if (stage.probability < 70) return 'brand';
  return 'violet';
}
