import { createInstance, type TFunction } from 'i18next';
import { describe, expect, it } from 'vitest';
import { resources } from '../../../i18n';
import { claimRefusalText, claimRuleOf } from './claimRefusal';

function translator(lng: 'zh-CN' | 'en'): TFunction {
  const i18n = createInstance();
  void i18n.init({ resources, lng, initAsync: false, interpolation: { escapeValue: false } });
  return i18n.t;
}
const zh = translator('zh-CN');
const en = translator('en');

describe('a refused claim in words', () => {
  it('says someone else was first, or that it is already mine', () => {
    const taken = { code: 'conflict', message: 'customerId: someone else claimed this customer first' };
    expect(claimRefusalText(zh, 'zh-CN', 'claimCustomer', taken)).toBe('已被其他同事抢先领取');
    expect(claimRefusalText(en, 'en', 'claimCustomer', taken)).toBe('Someone else claimed it first');
    const mine = { code: 'conflict', message: 'customerId: this customer is already in your private sea' };
    expect(claimRefusalText(en, 'en', 'claimCustomer', mine)).toBe(
      'This customer is already in your private sea',
    );
    expect(claimRefusalText(en, 'en', 'assignCustomer', taken)).toMatch(/no longer in the public sea/);
  });

  it('goes by the case the refusal names, whatever its message says', () => {
    const named = (rule: string) => ({ code: 'conflict', message: 'customerId: refused', params: { rule } });
    expect(claimRefusalText(zh, 'zh-CN', 'claimCustomer', named('claimedByOther'))).toBe(
      '已被其他同事抢先领取',
    );
    expect(claimRefusalText(en, 'en', 'claimCustomer', named('alreadyYours'))).toBe(
      'This customer is already in your private sea',
    );
  });

  it('names the limit with its numbers', () => {
    const full = {
      code: 'forbidden',
      message: 'customerId: you already hold 1500 customers',
      field: 'customerId',
      params: { rule: 'maxPerUser', limit: 1500, count: 1500 },
    };
    expect(claimRefusalText(zh, 'zh-CN', 'claimCustomer', full)).toBe(
      '你的私海已满：已持有 1,500 个，上限 1,500 个',
    );
    expect(claimRefusalText(en, 'en', 'claimCustomer', full)).toBe(
      'Your private sea is full: 1,500 of 1,500 customers',
    );
    const daily = { ...full, params: { rule: 'maxClaimsPerDay', limit: 20, count: 20 } };
    expect(claimRefusalText(en, 'en', 'claimCustomer', daily)).toBe('Daily claims used up: 20 of 20 today');
    const team = { ...full, params: { rule: 'maxPerTeam' } };
    expect(claimRefusalText(en, 'en', 'claimCustomer', team)).toBe('Your team’s private seas are full');
  });

  it('says until when a cooldown or a protection lasts', () => {
    const until = Date.UTC(2025, 4, 20, 2, 0);
    const cooldown = {
      code: 'forbidden',
      message: 'x',
      params: { rule: 'reclaimCooldownDays', limit: 7, until },
    };
    expect(claimRuleOf(cooldown)).toBe('reclaimCooldown');
    expect(claimRefusalText(en, 'en', 'claimCustomer', cooldown)).toMatch(
      /^You lost this customer lately: you can claim it back after May 20, 2025/,
    );
    const guarded = { code: 'forbidden', message: 'x', params: { rule: 'protectNewDays', until } };
    expect(claimRefusalText(zh, 'zh-CN', 'claimCustomer', guarded)).toMatch(
      /^这个客户刚进入公海，保护期至 2025/,
    );
    expect(claimRefusalText(en, 'en', 'claimCustomer', { ...guarded, params: { rule: 'protectNew' } })).toBe(
      'It just entered the public sea and is still protected',
    );
  });

  it('leaves other mutations and unrelated errors to the generic wording', () => {
    const err = { code: 'conflict', message: 'x' };
    expect(claimRefusalText(en, 'en', 'updateCustomer', err)).toBeNull();
    expect(claimRefusalText(en, 'en', 'claimCustomer', { code: 'validation', message: 'x' })).toBeNull();
    expect(claimRuleOf({ params: { rule: 'somethingNew' } })).toBeNull();
  });
});
