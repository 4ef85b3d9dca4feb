import { createInstance, type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import type { InboxItem } from '../../../../../shared/api/contract';
import { resources } from '../../../i18n';
import type { Locale } from '../../../i18n/locale';
import {
  formatFieldValue,
  inboxActions,
  inboxBackInSea,
  inboxClaimCustomerId,
  inboxCustomerId,
  inboxRecordMissing,
  inboxReason,
  inboxValueRows,
  mutationLabel,
  refusalFor,
} from './inboxView';

function translator(lng: Locale): { t: TFunction; exists: (key: string) => boolean } {
  const i18n = createInstance();
  void i18n.init({ resources, lng, initAsync: false, interpolation: { escapeValue: false } });
  return { t: i18n.t, exists: (key) => i18n.exists(key) };
}
const zh = translator('zh-CN');
const en = translator('en');

const customerId = '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e';

const conflict: InboxItem = {
  id: 'c-1',
  kind: 'conflict',
  mutationName: 'updateCustomer',
  table: 'customers',
  rowId: customerId,
  rowLabel: '上海恒瑞精密机械有限公司',
  field: 'phone',
  mine: '13900139000',
  theirs: '13800138000',
  args: { id: customerId, set: { phone: '13900139000' }, base: { phone: '13700137000' } },
  reason: { code: 'conflict', message: 'phone: changed by someone else first', field: 'phone' },
  at: Date.UTC(2025, 4, 8, 6, 30),
};

const rejectedFollowUp: InboxItem = {
  id: 'r-1',
  kind: 'rejection',
  mutationName: 'logFollowUp',
  table: 'followUps',
  rowId: 'f0000000-0000-4000-8000-000000000001',
  rowLabel: '杭州云栖数据科技',
  field: null,
  mine: null,
  theirs: null,
  args: {
    id: 'f0000000-0000-4000-8000-000000000001',
    customerId,
    type: 'visit',
    content: '带样品上门，客户同意试用',
    occurredAt: Date.UTC(2025, 4, 7, 2, 0),
  },
  reason: {
    code: 'not_found',
    message: 'customerId: no such customer in your private sea',
    field: 'customerId',
  },
  at: Date.UTC(2025, 4, 8, 7, 0),
};

describe('inbox entries', () => {
  it('offer apply-mine/keep-theirs/discard for a conflict, but only retry/discard for a rejection', () => {
    expect(inboxActions(conflict)).toEqual(['applyMine', 'keepTheirs', 'discard']);
    expect(inboxActions(rejectedFollowUp)).toEqual(['applyMine', 'discard']);
  });

  it('link to the customer: the edited row itself, or the customer a follow-up was for', () => {
    expect(inboxCustomerId(conflict)).toBe(customerId);
    expect(inboxCustomerId(rejectedFollowUp)).toBe(customerId);
    expect(inboxCustomerId({ ...rejectedFollowUp, args: null, table: null, rowId: null })).toBeNull();
  });

  it('say a refused create was never saved, and any other missing record left the private sea', () => {
    for (const mutationName of ['createCustomer', 'createLead', 'convertLead']) {
      expect(inboxRecordMissing({ ...rejectedFollowUp, mutationName, table: 'customers' })).toBe('notSaved');
    }
    expect(inboxRecordMissing(rejectedFollowUp)).toBe('gone');
    expect(inboxRecordMissing({ ...conflict, mutationName: 'createCustomer' })).toBe('gone');
    expect(en.t('inbox.recordNotSaved')).toBe('Not saved: the server refused it');
  });

  it('put mine beside theirs for a conflict', () => {
    expect(inboxValueRows(conflict)).toEqual([
      { field: 'phone', mine: '13900139000', hasTheirs: true, theirs: '13800138000' },
    ]);
  });

  it('show a rejection’s submitted values without ids, the blamed field first', () => {
    const edit: InboxItem = {
      ...rejectedFollowUp,
      mutationName: 'updateCustomer',
      args: {
        id: customerId,
        set: { industry: '化工', phone: '123' },
        base: { industry: null, phone: null },
      },
      reason: { code: 'validation', message: 'set.phone: Invalid phone number', field: 'set.phone' },
    };
    expect(inboxValueRows(edit).map((r) => [r.field, r.mine, r.hasTheirs])).toEqual([
      ['phone', '123', false],
      ['industry', '化工', false],
    ]);
    expect(inboxValueRows(rejectedFollowUp).map((r) => r.field)).toEqual(['type', 'content', 'occurredAt']);
  });

  it('say why in the user’s language: a conflict was a colleague, not_found means out of my private sea', () => {
    expect(inboxReason(zh.t, zh.exists, conflict)).toBe('已被其他同事修改');
    expect(inboxReason(en.t, en.exists, conflict)).toBe('A colleague changed it first');
    expect(inboxReason(zh.t, zh.exists, rejectedFollowUp)).toBe('不在你的私海中');
    const invalid = { ...rejectedFollowUp, reason: { code: 'validation', message: 'x', field: 'set.phone' } };
    expect(inboxReason(zh.t, zh.exists, invalid)).toBe('电话：输入有误');
    expect(
      inboxReason(en.t, en.exists, { ...rejectedFollowUp, reason: { code: 'teapot', message: 'x' } }),
    ).toBe('Something went wrong');
  });

  it('name the mutation in words, or by its name when this build does not know it', () => {
    expect(mutationLabel(zh.t, zh.exists, 'updateCustomer')).toBe('修改客户资料');
    expect(mutationLabel(en.t, en.exists, 'logFollowUp')).toBe('Follow-up');
    expect(mutationLabel(en.t, en.exists, 'claimCustomer')).toBe('Claim a customer');
    expect(mutationLabel(en.t, en.exists, 'mergeCustomers')).toBe('mergeCustomers');
  });
});

describe('a capture refused as a duplicate', () => {
  const publicId = '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6f';
  const refusedCreate: InboxItem = {
    id: 'r-2',
    kind: 'rejection',
    mutationName: 'createCustomer',
    table: 'customers',
    rowId: customerId,
    rowLabel: '上海恒瑞精密机械有限公司',
    field: null,
    mine: null,
    theirs: null,
    args: { id: customerId, name: '上海恒瑞精密机械有限公司', phone: '021-6888 8888', creditCode: null },
    reason: {
      code: 'duplicate',
      message: 'name: a customer with this name exists',
      field: 'name',
      params: { holder: 'public', customerId: publicId, customerName: '上海恒瑞精密机械有限公司' },
    },
    at: Date.UTC(2025, 4, 8, 8, 0),
  };

  it('offers to claim the public-sea customer instead, or to discard; never a retry', () => {
    expect(inboxActions(refusedCreate)).toEqual(['claim', 'discard']);
    expect(inboxClaimCustomerId(refusedCreate)).toBe(publicId);
    const owned = {
      ...refusedCreate,
      reason: { ...refusedCreate.reason, params: { holder: 'user', holderName: '王芳' } },
    };
    expect(inboxActions(owned)).toEqual(['discard']);
    expect(inboxClaimCustomerId(owned)).toBeNull();
  });

  it('names the holder, and keeps the values the user typed', () => {
    expect(inboxReason(zh.t, zh.exists, refusedCreate)).toBe('客户名称：该客户在公海中，可以直接领取');
    const owned = {
      ...refusedCreate,
      reason: { ...refusedCreate.reason, params: { holder: 'user', holderName: '王芳' } },
    };
    expect(inboxReason(en.t, en.exists, owned)).toBe('Name: Owned by 王芳');
    expect(inboxValueRows(refusedCreate).map((r) => r.field)).toEqual(['name', 'phone']);
  });

  it('explains a vanished customer by its refused create', () => {
    expect(refusalFor([rejectedFollowUp, refusedCreate], customerId)?.id).toBe('r-2');
    expect(refusalFor([conflict], customerId)).toBeNull();
    expect(refusalFor([refusedCreate], publicId)).toBeNull();
  });

  it('shows a lead’s person met as its own rows', () => {
    const lead = {
      ...refusedCreate,
      mutationName: 'createLead',
      args: { id: customerId, name: '云栖', contact: { name: '李娜', phone: '13800138000' } },
    };
    expect(inboxValueRows(lead).map((r) => r.field)).toEqual(['name', 'contact.name', 'contact.phone']);
  });
});

describe('formatFieldValue', () => {
  it('translates enums, keeps text, and says "(empty)" for nothing', () => {
    expect(formatFieldValue(zh.t, 'zh-CN', 'level', 'A')).toBe('A 级');
    expect(formatFieldValue(en.t, 'en', 'status', 'dormant')).toBe('Dormant');
    expect(formatFieldValue(zh.t, 'zh-CN', 'type', 'visit')).toBe('上门拜访');
    expect(formatFieldValue(zh.t, 'zh-CN', 'phone', '13800138000')).toBe('13800138000');
    expect(formatFieldValue(zh.t, 'zh-CN', 'industry', null)).toBe('（空）');
    expect(formatFieldValue(en.t, 'en', 'shortName', '  ')).toBe('(empty)');
    expect(formatFieldValue(en.t, 'en', 'isPrimary', true)).toBe('Yes');
  });

  it('shows instants as local date-times and other numbers grouped', () => {
    const at = new Date(2025, 4, 8, 14, 30).getTime();
    expect(formatFieldValue(zh.t, 'zh-CN', 'occurredAt', at)).toContain('2025');
    expect(formatFieldValue(zh.t, 'zh-CN', 'occurredAt', at)).toContain('14:30');
    expect(formatFieldValue(en.t, 'en', 'amount', 1234567)).toBe('1,234,567');
  });
});

describe('the public sea in the inbox', () => {
  it('offers "claim back and re-apply" for work on a customer that left the device meanwhile', () => {
    // The follow-up was refused because the customer was recycled while the rep was offline.
    expect(inboxBackInSea(rejectedFollowUp, false)).toBe(true);
    expect(inboxActions(rejectedFollowUp, false)).toEqual(['claimAndReapply', 'discard']);
    // Still on the device: an ordinary refusal, retried as it is.
    expect(inboxBackInSea(rejectedFollowUp, true)).toBe(false);
    expect(inboxActions(rejectedFollowUp, true)).toEqual(['applyMine', 'discard']);
    // Unless the server says it is in the public sea now.
    const publicNow = {
      ...rejectedFollowUp,
      reason: { ...rejectedFollowUp.reason, params: { poolState: 'public' } },
    };
    expect(inboxBackInSea(publicNow, true)).toBe(true);
  });

  it('never offers it for captures, moves or other refusals', () => {
    expect(inboxBackInSea({ ...rejectedFollowUp, mutationName: 'createCustomer' }, false)).toBe(false);
    expect(inboxBackInSea({ ...rejectedFollowUp, mutationName: 'claimCustomer' }, false)).toBe(false);
    expect(inboxBackInSea({ ...rejectedFollowUp, mutationName: 'releaseCustomer' }, false)).toBe(false);
    const invalid = { ...rejectedFollowUp, reason: { code: 'validation', message: 'content: Required' } };
    expect(inboxBackInSea(invalid, false)).toBe(false);
    expect(inboxBackInSea(conflict, false)).toBe(false);
  });

  it('says why a claim was refused, with the limit and its numbers', () => {
    const claim: InboxItem = {
      ...rejectedFollowUp,
      id: 'r-claim',
      mutationName: 'claimCustomer',
      table: 'customers',
      rowId: customerId,
      args: { customerId, reason: '从公海领取' },
      reason: {
        code: 'forbidden',
        message: 'customerId: you already claimed 20 customers today',
        field: 'customerId',
        params: { rule: 'maxClaimsPerDay', limit: 20, count: 20 },
      },
    };
    expect(inboxReason(zh.t, zh.exists, claim, 'zh-CN')).toBe(
      '今天的领取次数已用完：已领 20 次，每天最多 20 次',
    );
    const lost = {
      ...claim,
      reason: { code: 'conflict', message: 'customerId: someone else claimed this customer first' },
    };
    expect(inboxReason(en.t, en.exists, lost, 'en')).toBe('Someone else claimed it first');
    expect(inboxRecordMissing(claim)).toBe('notClaimed');
    // Nothing the user typed to show: the app's own claim reason is left out.
    expect(inboxValueRows(claim)).toEqual([]);
    expect(mutationLabel(zh.t, zh.exists, 'releaseCustomer')).toBe('释放到公海');
  });
});
