import { createInstance } from 'i18next';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../../../shared/pools/rules';
import { resources } from '../../../i18n';
import {
  parseRecycleReason,
  recycleShortWording,
  recycleShownInList,
  recycleTone,
  recycleWording,
  ruleThreshold,
  ruleWording,
  type RecycleText,
} from './recycleView';

function say(lng: 'zh-CN' | 'en') {
  const i18n = createInstance();
  void i18n.init({ resources, lng, initAsync: false, interpolation: { escapeValue: false } });
  return (text: RecycleText) => i18n.t(text.key, text.params);
}
const zh = say('zh-CN');
const en = say('en');

const now = Date.UTC(2025, 4, 8, 2, 0);
const HOUR = 3_600_000;

describe('recycle countdown', () => {
  it('counts whole days left, rounded up, in both languages', () => {
    const c = { dueAt: now + 2 * DAY_MS + 3 * HOUR };
    expect(zh(recycleWording(c, now))).toBe('3 天后退回公海');
    expect(en(recycleWording(c, now))).toBe('Recycles in 3 days');
    expect(zh(recycleShortWording(c, now))).toBe('3 天后回收');
    expect(en(recycleShortWording(c, now))).toBe('Recycles in 3d');
  });

  it('says "within a day" for the last 24 hours and "due" once the time has passed', () => {
    expect(en(recycleWording({ dueAt: now + 5 * HOUR }, now))).toBe('Recycles within a day');
    expect(zh(recycleWording({ dueAt: now + DAY_MS }, now))).toBe('1 天内退回公海');
    expect(zh(recycleWording({ dueAt: now - HOUR }, now))).toBe('已到期，待退回公海');
    expect(en(recycleShortWording({ dueAt: now - HOUR }, now))).toBe('Recycling');
    expect(zh(recycleShortWording({ dueAt: now + 5 * HOUR }, now))).toBe('1 天内回收');
  });

  it('is amber inside the warning window, red on the last day, calm before', () => {
    const dueAt = now + 10 * DAY_MS;
    expect(recycleTone({ dueAt, warnAt: dueAt - 3 * DAY_MS }, now)).toBe('calm');
    expect(recycleTone({ dueAt, warnAt: dueAt - 3 * DAY_MS }, dueAt - 2 * DAY_MS)).toBe('warning');
    expect(recycleTone({ dueAt, warnAt: dueAt - 3 * DAY_MS }, dueAt - 20 * HOUR)).toBe('danger');
    // A pool without warnings still turns red on the last day.
    expect(recycleTone({ dueAt, warnAt: null }, dueAt - 5 * DAY_MS)).toBe('calm');
    expect(recycleTone({ dueAt, warnAt: null }, dueAt - HOUR)).toBe('danger');
  });

  it('shows in the list only once it matters', () => {
    const dueAt = now + 10 * DAY_MS;
    const c = { dueAt, warnAt: dueAt - 3 * DAY_MS, rule: 'noFollowUp' as const };
    expect(recycleShownInList(null, now)).toBe(false);
    expect(recycleShownInList(c, now)).toBe(false);
    expect(recycleShownInList(c, dueAt - DAY_MS * 2)).toBe(true);
  });
});

describe('recycle rules in words', () => {
  const pool = {
    recycle: {
      rules: [
        { kind: 'noFollowUp' as const, days: 90, daysByLevel: { A: 180 } },
        { kind: 'deregistered' as const, days: 0, daysByLevel: {} },
      ],
      combine: 'any' as const,
      exemptions: { openOpportunityFromStage: null, hasBought: true, locked: true },
      warnDays: 3,
    },
  };

  it('takes the threshold of the customer level, else the rule days', () => {
    expect(ruleThreshold(pool, 'noFollowUp', 'A')).toBe(180);
    expect(ruleThreshold(pool, 'noFollowUp', 'C')).toBe(90);
    expect(ruleThreshold(pool, 'noFollowUp', null)).toBe(90);
    expect(ruleThreshold(pool, 'notWon', 'A')).toBeNull();
    expect(ruleThreshold(undefined, 'noFollowUp', 'A')).toBeNull();
  });

  it('names the rule with its days when known, by name otherwise', () => {
    expect(zh(ruleWording('noFollowUp', 90))).toBe('90 天未跟进');
    expect(en(ruleWording('noFollowUp', 90))).toBe('no follow-up for 90 days');
    expect(en(ruleWording('notWon', 180))).toBe('not won within 180 days of claiming');
    expect(zh(ruleWording('noOpportunity', null))).toBe('领取后未建商机');
    expect(en(ruleWording('deregistered', 0))).toBe('company deregistered');
  });

  it('reads the rule out of the reason the server records for a recycle', () => {
    expect(parseRecycleReason('noFollowUp: 90 days without a follow-up')).toEqual({
      rule: 'noFollowUp',
      days: 90,
    });
    expect(parseRecycleReason('notWon: not won within 180 days of claiming')).toEqual({
      rule: 'notWon',
      days: 180,
    });
    expect(parseRecycleReason('noOpportunity:30')).toEqual({ rule: 'noOpportunity', days: 30 });
    expect(parseRecycleReason('deregistered: the company was deregistered')).toEqual({
      rule: 'deregistered',
      days: null,
    });
    expect(parseRecycleReason('客户已选择竞品')).toBeNull();
    expect(parseRecycleReason('toString')).toBeNull();
    expect(parseRecycleReason(null)).toBeNull();
  });
});
