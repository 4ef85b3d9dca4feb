import { describe, expect, it } from 'vitest';
import {
  emptyFollowUpForm,
  toLogFollowUpInput,
  validateFollowUpForm,
  type FollowUpFormValues,
} from './followUpForm';
import { sortTimeline } from './timeline';

const customerId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b85';
const now = new Date(2025, 4, 8, 14, 30).getTime();
const valid: FollowUpFormValues = {
  type: 'visit',
  content: '拜访了采购部，确认了二季度需求',
  outcome: '',
  occurredAt: '2025-05-08T10:00',
  nextFollowUpAt: '',
};

describe('validateFollowUpForm (the shared logFollowUpInput schema)', () => {
  it('accepts a complete form', () => {
    expect(validateFollowUpForm(customerId, valid, now)).toEqual({});
  });

  it('starts with a visit now and asks for the content', () => {
    const form = emptyFollowUpForm(now);
    expect(form.type).toBe('visit');
    expect(form.occurredAt).toBe('2025-05-08T14:30');
    expect(validateFollowUpForm(customerId, form, now)).toEqual({ content: { key: 'required' } });
  });

  it('treats blank content as missing and says how long is too long', () => {
    expect(validateFollowUpForm(customerId, { ...valid, content: '   ' }, now).content).toEqual({
      key: 'required',
    });
    expect(validateFollowUpForm(customerId, { ...valid, content: 'x'.repeat(5001) }, now).content).toEqual({
      key: 'tooLong',
      params: { max: 5000 },
    });
    expect(validateFollowUpForm(customerId, { ...valid, outcome: 'x'.repeat(1001) }, now).outcome).toEqual({
      key: 'tooLong',
      params: { max: 1000 },
    });
  });

  it('needs a type and a valid time', () => {
    expect(validateFollowUpForm(customerId, { ...valid, type: '' }, now).type).toEqual({ key: 'chooseOne' });
    expect(validateFollowUpForm(customerId, { ...valid, occurredAt: '' }, now).occurredAt).toEqual({
      key: 'required',
    });
    expect(
      validateFollowUpForm(customerId, { ...valid, occurredAt: '2025-02-30T10:00' }, now).occurredAt,
    ).toEqual({ key: 'invalidDate' });
  });

  it('refuses a next follow-up before this one, but allows the same day', () => {
    expect(
      validateFollowUpForm(customerId, { ...valid, nextFollowUpAt: '2025-05-07' }, now).nextFollowUpAt,
    ).toEqual({
      key: 'nextBeforeOccurred',
    });
    expect(validateFollowUpForm(customerId, { ...valid, nextFollowUpAt: '2025-05-08' }, now)).toEqual({});
  });

  it('applies the mutator clock rule: not more than a day in the future', () => {
    expect(
      validateFollowUpForm(customerId, { ...valid, occurredAt: '2025-05-10T10:00' }, now).occurredAt,
    ).toEqual({ key: 'future' });
  });

  it('builds the followUps.log input', () => {
    expect(toLogFollowUpInput(customerId, { ...valid, nextFollowUpAt: '2025-05-09' })).toEqual({
      customerId,
      type: 'visit',
      content: valid.content,
      outcome: '',
      occurredAt: new Date(2025, 4, 8, 10, 0).getTime(),
      nextFollowUpAt: new Date(2025, 4, 9, 23, 59, 59, 999).getTime(),
    });
  });
});

describe('sortTimeline', () => {
  it('puts the newest follow-up first', () => {
    const base = {
      orgId: customerId,
      customerId,
      contactId: null,
      authorId: customerId,
      authorName: null,
      type: 'call' as const,
      content: 'c',
      outcome: null,
      nextFollowUpAt: null,
      updatedAt: 0,
      version: 0,
      pending: false,
    };
    const items = [
      { ...base, id: '00000000-0000-7000-8000-000000000001', occurredAt: 1, createdAt: 1 },
      { ...base, id: '00000000-0000-7000-8000-000000000003', occurredAt: 3, createdAt: 1 },
      { ...base, id: '00000000-0000-7000-8000-000000000002', occurredAt: 3, createdAt: 2 },
    ];
    expect(sortTimeline(items).map((i) => i.id.slice(-1))).toEqual(['2', '3', '1']);
  });
});
