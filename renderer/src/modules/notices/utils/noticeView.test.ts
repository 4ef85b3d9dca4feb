import { createInstance, type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import type { NoticeItem } from '../../../../../shared/api/contract';
import { resources } from '../../../i18n';
import { noticeOpensRecord, noticeText, sortNotices } from './noticeView';

function translator(lng: 'zh-CN' | 'en'): TFunction {
  const i18n = createInstance();
  void i18n.init({ resources, lng, initAsync: false, interpolation: { escapeValue: false } });
  return i18n.t;
}
const zh = translator('zh-CN');
const en = translator('en');

const base: NoticeItem = {
  id: 'n1',
  kind: 'recycledAway',
  customerId: '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e',
  customerName: '恒瑞机械',
  customerKind: 'customer',
  at: 1,
  reason: 'noFollowUp: 90 days without a follow-up',
  actorType: 'rule',
};

describe('notices in words', () => {
  it('names the rule that recycled a customer, in the user language', () => {
    expect(noticeText(zh, base)).toBe('客户“恒瑞机械”因 90 天未跟进，已退回公海');
    expect(noticeText(en, base)).toBe(
      'Customer “恒瑞机械” went back to the public sea: no follow-up for 90 days',
    );
    expect(noticeText(en, { ...base, reason: null })).toBe('Customer “恒瑞机械” went back to the public sea');
  });

  it('quotes the reason of a move or an assignment, and says when an event brought it back', () => {
    expect(noticeText(zh, { ...base, kind: 'movedAway', reason: '区域调整', actorType: 'user' })).toBe(
      '客户“恒瑞机械”已移出你的私海：区域调整',
    );
    expect(
      noticeText(zh, { ...base, kind: 'assignedIn', reason: '询价：数控机床 20 台', actorType: 'event' }),
    ).toBe('客户“恒瑞机械”重新活跃，已分配给你：询价：数控机床 20 台');
    expect(noticeText(en, { ...base, kind: 'assignedIn', reason: null, actorType: 'user' })).toBe(
      'Customer “恒瑞机械” was assigned to you',
    );
    expect(noticeText(en, { ...base, customerKind: 'lead', kind: 'assignedIn', reason: ' ' })).toBe(
      'Lead “恒瑞机械” was assigned to you',
    );
  });

  it('opens only what came in, newest first', () => {
    expect(noticeOpensRecord({ kind: 'assignedIn' })).toBe(true);
    expect(noticeOpensRecord({ kind: 'recycledAway' })).toBe(false);
    expect(
      sortNotices([
        { ...base, id: 'a', at: 1 },
        { ...base, id: 'b', at: 2 },
      ]).map((n) => n.id),
    ).toEqual(['b', 'a']);
  });
});
