import { describe, expect, it } from 'vitest';
import {
  claimableCustomerId,
  duplicateCheckRequest,
  duplicateHolderOf,
  duplicateMessage,
  duplicateRequestKey,
  duplicatesByField,
} from './duplicates';

const customerId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b85';

describe('duplicateMessage', () => {
  it('says who holds the customer', () => {
    expect(duplicateMessage({ holder: 'self', customerName: '恒瑞机械' })).toEqual({
      key: 'self',
      params: { customer: '恒瑞机械' },
    });
    expect(duplicateMessage({ holder: 'user', holderName: '张伟' })).toEqual({
      key: 'user',
      params: { name: '张伟', customer: '' },
    });
    expect(duplicateMessage({ holder: 'user' }).key).toBe('userUnknown');
    expect(duplicateMessage({ holder: 'public', customerId }).key).toBe('public');
  });
});

describe('duplicate holders', () => {
  it('reads the holder from error params, and only a public one is claimable', () => {
    const pub = duplicateHolderOf({ holder: 'public', customerId, customerName: '恒瑞' });
    expect(claimableCustomerId(pub)).toBe(customerId);
    expect(claimableCustomerId(duplicateHolderOf({ holder: 'user', holderName: '王芳' }))).toBeNull();
    expect(claimableCustomerId(duplicateHolderOf({ holder: 'public' }))).toBeNull();
    expect(duplicateHolderOf({ holder: 'nobody' })).toBeNull();
    expect(duplicateHolderOf(undefined)).toBeNull();
  });

  it('shows the most useful collision per field', () => {
    const byField = duplicatesByField([
      { field: 'name', holder: 'user', holderName: '王芳' },
      { field: 'name', holder: 'public', customerId },
      { field: 'phone', holder: 'user', holderName: '王芳' },
      { field: 'phone', holder: 'self' },
    ]);
    expect(byField.name?.holder).toBe('public');
    expect(byField.phone?.holder).toBe('self');
    expect(byField.creditCode).toBeUndefined();
  });
});

describe('duplicateCheckRequest', () => {
  it('asks only about values worth asking about', () => {
    expect(duplicateCheckRequest({ name: '', creditCode: '', phone: '' })).toBeNull();
    expect(duplicateCheckRequest({ name: '恒', creditCode: '9131', phone: '138' })).toBeNull();
    expect(
      duplicateCheckRequest(
        { name: ' 恒瑞机械 ', creditCode: '91310000ma1fl0xx', phone: '138 0013 8000' },
        customerId,
      ),
    ).toEqual({ name: '恒瑞机械', phone: '138 0013 8000', excludeId: customerId });
  });

  it('keys requests so an unchanged one is not sent again', () => {
    const a = duplicateCheckRequest({ name: '恒瑞机械', creditCode: '', phone: '' });
    const b = duplicateCheckRequest({ name: '恒瑞机械 ', creditCode: '', phone: '' });
    expect(duplicateRequestKey(a)).toBe(duplicateRequestKey(b));
    expect(duplicateRequestKey(null)).toBe('');
  });
});
