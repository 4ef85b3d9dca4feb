import type { TFunction } from 'i18next';
import type { AppErrorData } from '../../../../../shared/errors';
import { formatDateTime, formatNumber } from '../../../i18n/format';
import type { Locale } from '../../../i18n/locale';

/**
 * Why the server refused a claim or an assignment from the public sea (docs/pools.md "Claims"), in
 * words a rep acts on: "someone else claimed it first", or the claim rule that stopped it with its
 * numbers from `error.params` (`rule`, `limit`, `count`, `until`): "你的私海已满：已持有 1500 / 1500".
 */

/** The claim rules a refusal can name, by the names the server may use for them. */
const RULE_ALIASES: Record<string, ClaimRule> = {
  maxPerUser: 'maxPerUser',
  maxPerTeam: 'maxPerTeam',
  maxClaimsPerDay: 'maxClaimsPerDay',
  claimsPerDay: 'maxClaimsPerDay',
  reclaimCooldown: 'reclaimCooldown',
  reclaimCooldownDays: 'reclaimCooldown',
  cooldown: 'reclaimCooldown',
  protectNew: 'protectNew',
  protectNewDays: 'protectNew',
  protected: 'protectNew',
};
export type ClaimRule = 'maxPerUser' | 'maxPerTeam' | 'maxClaimsPerDay' | 'reclaimCooldown' | 'protectNew';

/** The claim rule a refusal names (null: it names none). */
export function claimRuleOf(error: Pick<AppErrorData, 'params'>): ClaimRule | null {
  const rule = error.params?.['rule'];
  return typeof rule === 'string' ? (RULE_ALIASES[rule] ?? null) : null;
}

/** Mutations that take a customer out of the public sea. */
const FROM_SEA = new Set(['claimCustomer', 'assignCustomer']);

/** The wording of a server that did not yet name the case in `params.rule` (shared/mutations/customers.ts). */
const ALREADY_MINE = /already in your private sea/i;

/**
 * The sentence for a refused claim or assignment, or null when the refusal is not about the public sea
 * (a generic error: the caller says it its usual way).
 */
export function claimRefusalText(
  t: TFunction,
  locale: Locale,
  mutationName: string,
  error: AppErrorData,
): string | null {
  if (!FROM_SEA.has(mutationName)) return null;
  const rule = claimRuleOf(error);
  if (rule) {
    const p = error.params ?? {};
    const num = (key: string) => {
      const v = p[key];
      return typeof v === 'number' ? formatNumber(v, locale) : typeof v === 'string' ? v : '?';
    };
    const until = typeof p['until'] === 'number' ? formatDateTime(p['until'], locale) : null;
    const hasCounts = typeof p['limit'] === 'number' && typeof p['count'] === 'number';
    if (rule === 'reclaimCooldown' || rule === 'protectNew') {
      return until ? t(`claimRefusal.${rule}`, { until }) : t(`claimRefusal.${rule}NoDate`);
    }
    return hasCounts
      ? t(`claimRefusal.${rule}`, { limit: num('limit'), count: num('count') })
      : t(`claimRefusal.${rule}NoCounts`);
  }
  if (error.code === 'conflict') {
    if (mutationName === 'assignCustomer') return t('claimRefusal.notInSea');
    // The shared mutation says which (`params.rule`); a server before it said so only in its message.
    const which = error.params?.['rule'];
    const mine = which === 'alreadyYours' || (which === undefined && ALREADY_MINE.test(error.message));
    return mine ? t('claimRefusal.alreadyMine') : t('claimRefusal.taken');
  }
  if (error.code === 'not_found' && (error.field ?? 'customerId') === 'customerId') {
    return t('claimRefusal.gone');
  }
  return null;
}
