import type { TFunction } from 'i18next';
import type { NoticeItem } from '../../../../../shared/api/contract';
import { parseRecycleReason, ruleWording } from '../../pools/utils/recycleView';

/**
 * What a notice says (something that happened to my private sea while I was away): a customer recycled
 * by a rule ("客户「X」因 90 天未跟进已退回公海"), moved away by a manager, or assigned to me, with the
 * reason recorded in ownership history ("询价：数控机床 20 台").
 */
export function noticeText(t: TFunction, notice: NoticeItem): string {
  const subject = t(`notices.subject.${notice.customerKind}`, { name: notice.customerName });
  const reason = notice.reason?.trim() || null;
  switch (notice.kind) {
    case 'recycledAway': {
      const rule = parseRecycleReason(reason);
      if (rule) {
        const w = ruleWording(rule.rule, rule.days);
        return t('notices.recycledAwayRule', { subject, rule: t(w.key, w.params) });
      }
      return reason
        ? t('notices.recycledAwayReason', { subject, reason })
        : t('notices.recycledAway', { subject });
    }
    case 'movedAway':
      return reason ? t('notices.movedAwayReason', { subject, reason }) : t('notices.movedAway', { subject });
    case 'assignedIn': {
      const how = notice.actorType === 'event' ? 'Event' : '';
      return reason
        ? t(`notices.assignedIn${how}Reason`, { subject, reason })
        : t(`notices.assignedIn${how}`, { subject });
    }
  }
}

/** Whether the notice's record is on this device to open (it came in), or left it (it went away). */
export function noticeOpensRecord(notice: Pick<NoticeItem, 'kind'>): boolean {
  return notice.kind === 'assignedIn';
}

/** Newest first, as a stack reads. */
export function sortNotices(notices: readonly NoticeItem[]): NoticeItem[] {
  return [...notices].sort((a, b) => b.at - a.at);
}
