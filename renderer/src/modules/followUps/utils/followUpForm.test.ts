import { describe, expect, it } from 'vitest';
import type { FollowUpItem } from '../../../../../shared/api/contract';
import {
  emptyFollowUpForm,
  followUpFormValues,
  toLogFollowUpInput,
  validateFollowUpEdit,
  validateFollowUpForm,
  type FollowUpFormValues,
} from './followUpForm';
import { sortTimeline } from './timeline';

const customerId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b85';
const otherId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b86';
const oppId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b87';
const taskId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b88';
const now = new Date(2025, 4, 8, 14, 30).getTime();
const valid: FollowUpFormValues = {
  type: 'visit',
  content: '拜访了采购部，确认了二季度需求',
  outcome: '',
  occurredAt: '2025-05-08T10:00',
  nextFollowUpAt: '',
  contactId: '',
  opportunityId: '',
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
      contactId: null,
      opportunityId: null,
      type: 'visit',
      content: valid.content,
      outcome: '',
      occurredAt: new Date(2025, 4, 8, 10, 0).getTime(),
      nextFollowUpAt: new Date(2025, 4, 9, 23, 59, 59, 999).getTime(),
      completesTaskId: null,
    });
  });

  it('carries the contact, the opportunity and the task it completes', () => {
    const input = toLogFollowUpInput(
      customerId,
      { ...valid, contactId: otherId, opportunityId: oppId },
      taskId,
    );
    expect(input).toMatchObject({ contactId: otherId, opportunityId: oppId, completesTaskId: taskId });
    expect(validateFollowUpForm(customerId, { ...valid, contactId: otherId }, now)).toEqual({});
  });

  it('offers the org’s active types only', () => {
    expect(validateFollowUpForm(customerId, { ...valid, type: 'fax' }, now, ['visit', 'call'])).toEqual({
      type: { key: 'chooseOne' },
    });
    expect(emptyFollowUpForm(now, 'visit', ['call', 'email']).type).toBe('call');
    expect(emptyFollowUpForm(now, 'email', ['call', 'email']).type).toBe('email');
  });
});

describe('validateFollowUpEdit (the shared updateFollowUpArgs)', () => {
  const item: FollowUpItem = {
    id: taskId,
    orgId: customerId,
    customerId,
    contactId: null,
    opportunityId: null,
    authorId: customerId,
    type: 'visit',
    content: '拜访了采购部',
    outcome: null,
    occurredAt: new Date(2025, 4, 8, 10, 0, 30).getTime(),
    nextFollowUpAt: null,
    createdAt: now,
    updatedAt: now,
    version: 1,
    authorName: '张伟',
    pending: false,
    editableUntil: now + 3_600_000,
    customerName: null,
    opportunityName: null,
  };

  it('starts from the entry and has nothing to send unchanged', () => {
    const values = followUpFormValues(item);
    expect(values.occurredAt).toBe('2025-05-08T10:00');
    expect(validateFollowUpEdit(item, values, now)).toEqual({ errors: {}, input: null, changed: false });
  });

  it('sends only the changed fields', () => {
    const values = {
      ...followUpFormValues(item),
      content: '拜访了采购部和财务部',
      nextFollowUpAt: '2025-05-12',
    };
    expect(validateFollowUpEdit(item, values, now).input).toEqual({
      id: item.id,
      customerId,
      set: {
        content: '拜访了采购部和财务部',
        nextFollowUpAt: new Date(2025, 4, 12, 23, 59, 59, 999).getTime(),
      },
    });
  });

  it('keeps the rules: content required, next not before the follow-up', () => {
    const { errors, input } = validateFollowUpEdit(
      item,
      { ...followUpFormValues(item), content: ' ', nextFollowUpAt: '2025-05-01' },
      now,
    );
    expect(input).toBeNull();
    expect(errors).toEqual({ content: { key: 'required' }, nextFollowUpAt: { key: 'nextBeforeOccurred' } });
  });
});

describe('sortTimeline', () => {
  it('puts the newest follow-up first', () => {
    const base = {
      orgId: customerId,
      customerId,
      contactId: null,
      opportunityId: null,
      authorId: customerId,
      authorName: null,
      editableUntil: null,
      customerName: null,
      opportunityName: null,
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
