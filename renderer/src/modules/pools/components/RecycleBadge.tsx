import { useTranslation } from 'react-i18next';
import type { RecycleCountdown } from '../../../../../shared/api/contract';
import { daysLeft } from '../../../../../shared/pools/rules';
import { useAppStore } from '../../../app/store';
import { formatDate } from '../../../i18n/format';
import { Badge, Icon, type BadgeTone } from '../../../ui';
import {
  recycleShortWording,
  recycleTone,
  recycleWording,
  ruleWording,
  type RecycleTone,
} from '../utils/recycleView';

const TONE: Record<RecycleTone, BadgeTone> = { danger: 'danger', warning: 'warning', calm: 'neutral' };

/**
 * The recycle countdown (SPEC §4 "Warnings"): "3 天后退回公海", amber inside the pool's warning window,
 * red on the last day; the tooltip names the rule and the date. `compact` is the table cell's form
 * ("3 天"). `ruleDays` is the rule's threshold for this customer when the screen knows its pool.
 */
export function RecycleBadge({
  countdown,
  now,
  ruleDays = null,
  compact = false,
  testId = 'recycle-countdown',
}: {
  countdown: RecycleCountdown;
  now: number;
  ruleDays?: number | null;
  compact?: boolean;
  testId?: string;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const tone = recycleTone(countdown, now);
  const long = recycleWording(countdown, now);
  const short = recycleShortWording(countdown, now);
  const rule = ruleWording(countdown.rule, ruleDays);
  const title = t('recycle.listTitle', {
    countdown: t(long.key, long.params),
    rule: t(rule.key, rule.params),
    date: formatDate(countdown.dueAt, locale),
  });
  return (
    <Badge
      tone={TONE[tone]}
      title={title}
      testId={testId}
      attrs={{
        'data-tone': tone,
        'data-days': daysLeft(countdown.dueAt, now),
        'data-rule': countdown.rule,
        'data-due-at': countdown.dueAt,
      }}
    >
      <Icon name="clock" size={11} />
      {compact ? t(short.key, short.params) : t(long.key, long.params)}
    </Badge>
  );
}

/** A manager's lock (exempt from recycling): a badge on the detail, an icon in a table row. */
export function LockedBadge({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  if (compact) {
    return (
      <span
        className="tp-cell-lock"
        data-testid="customer-locked"
        title={t('recycle.lockedHint')}
        aria-label={t('recycle.lockedHint')}
        role="img"
      >
        <Icon name="lock" size={12} />
      </span>
    );
  }
  return (
    <Badge tone="info" title={t('recycle.lockedHint')} testId="customer-locked">
      <Icon name="lock" size={11} />
      {t('recycle.locked')}
    </Badge>
  );
}
