import { describe, expect, it } from 'vitest';
import { newId } from '../ids';
import { addContact, logFollowUp, mergeFields, transferCustomer, updateCustomer } from './index';
import { errorOf, mutationFixture } from './testFixtures';

const { orgId, me, other, now, ctx, customer } = mutationFixture();
/** The optional reads of logFollowUp, none of them made. */
const noReads = {
  settings: undefined,
  opportunity: undefined,
  contact: undefined,
  task: undefined,
  existingTask: undefined,
};

describe('logFollowUp', () => {
  const target = customer();
  const args = logFollowUp.args.parse({
    id: newId(),
    customerId: target.id,
    type: 'visit',
    content: '  拜访采购部，确认二季度需求  ',
    occurredAt: now - 60_000,
    nextFollowUpAt: now + 7 * 86_400_000,
  });

  it('writes the follow-up by the acting user and moves the customer’s last follow-up', () => {
    const effects = logFollowUp.plan(args, { customer: target, existing: undefined, ...noReads }, ctx);
    expect(effects).toEqual([
      expect.objectContaining({
        kind: 'insert',
        table: 'followUps',
        row: expect.objectContaining({
          authorId: me,
          orgId,
          content: '拜访采购部，确认二季度需求',
          outcome: null,
        }),
      }),
      {
        kind: 'update',
        table: 'customers',
        id: target.id,
        set: { lastFollowUpAt: args.occurredAt, updatedAt: now },
      },
    ]);
  });

  it('leaves a later last follow-up alone when an older visit is logged', () => {
    const effects = logFollowUp.plan(
      args,
      { customer: customer({ id: target.id, lastFollowUpAt: now }), existing: undefined, ...noReads },
      ctx,
    );
    expect(effects.map((e) => e.kind)).toEqual(['insert']);
  });

  it('refuses a customer outside the user’s scope as not found, naming the field', () => {
    const err = errorOf(() =>
      logFollowUp.plan(
        args,
        { customer: customer({ id: target.id, ownerId: other }), existing: undefined, ...noReads },
        ctx,
      ),
    );
    expect(err.code).toBe('not_found');
    expect(err.field).toBe('customerId');
    const pub = errorOf(() =>
      logFollowUp.plan(
        args,
        {
          customer: customer({ id: target.id, ownerId: null, poolState: 'public' }),
          existing: undefined,
          ...noReads,
        },
        ctx,
      ),
    );
    expect(pub.code).toBe('not_found');
  });

  it('refuses empty content and a next follow-up before the visit, naming the field', () => {
    const empty = logFollowUp.args.safeParse({ ...args, content: '   ' });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.path).toEqual(['content']);
    const backwards = logFollowUp.args.safeParse({ ...args, nextFollowUpAt: args.occurredAt - 1 });
    expect(backwards.error?.issues[0]?.path).toEqual(['nextFollowUpAt']);
  });

  it('refuses a follow-up dated beyond the allowed clock skew', () => {
    const err = errorOf(() =>
      logFollowUp.plan(
        { ...args, occurredAt: now + 2 * 86_400_000, nextFollowUpAt: null },
        { customer: target, existing: undefined, ...noReads },
        ctx,
      ),
    );
    expect(err.field).toBe('occurredAt');
  });
});

describe('updateCustomer', () => {
  it('cannot touch ownership or pool fields', () => {
    const parsed = updateCustomer.args.safeParse({ id: newId(), set: { ownerId: other } });
    expect(parsed.success).toBe(false);
  });

  it('validates phone and credit code formats', () => {
    const bad = updateCustomer.args.safeParse({ id: newId(), set: { phone: '12345' } });
    expect(bad.error?.issues[0]?.path).toEqual(['set', 'phone']);
    const blank = updateCustomer.args.parse({ id: newId(), set: { phone: '  ' } });
    expect(blank.set.phone).toBeNull();
  });
});

describe('field-level merge', () => {
  const current = { name: '恒瑞机械', phone: '13800138000', industry: '机械制造' };

  it('applies edits whose base is still current, and keeps edits to other fields apart', () => {
    const { apply, conflicts } = mergeFields(current, { phone: '13900139000' }, { phone: '13800138000' });
    expect(apply).toEqual({ phone: '13900139000' });
    expect(conflicts).toEqual([]);
  });

  it('turns a stale edit of a field someone else changed into a conflict, keeping both values', () => {
    const { apply, conflicts } = mergeFields(
      current,
      { phone: '13700137000', industry: '化工' },
      { phone: '13600136000', industry: '机械制造' },
    );
    expect(apply).toEqual({ industry: '化工' });
    expect(conflicts).toEqual([
      { field: 'phone', base: '13600136000', mine: '13700137000', theirs: '13800138000' },
    ]);
  });

  it('is no conflict when both sides wrote the same value', () => {
    expect(mergeFields(current, { phone: '13800138000' }, { phone: '13600136000' })).toEqual({
      apply: {},
      conflicts: [],
    });
  });

  it('applies without merge when the device sent no base (protocol 1)', () => {
    expect(mergeFields(current, { phone: '13700137000' }, undefined).apply).toEqual({ phone: '13700137000' });
  });
});

describe('transferCustomer', () => {
  const target = customer();
  const rep = {
    id: other,
    orgId,
    teamId: null,
    username: 'lina',
    displayName: '李娜',
    role: 'rep' as const,
    active: true,
    version: 1,
  };
  const args = { customerId: target.id, toUserId: other, reason: '区域调整' };

  it('lets a manager move the customer, recorded as a move with its reason', () => {
    const manager = { ...ctx, role: 'manager' as const, canSeeOwner: () => true };
    expect(transferCustomer.plan(args, { customer: target, target: rep }, manager)).toEqual([
      {
        kind: 'move',
        customerId: target.id,
        ownerId: other,
        poolState: 'private',
        reason: '区域调整',
        action: 'transfer',
      },
    ]);
  });

  it('refuses a rep, and a target outside the manager’s team', () => {
    expect(errorOf(() => transferCustomer.plan(args, { customer: target, target: rep }, ctx)).code).toBe(
      'forbidden',
    );
    const manager = { ...ctx, role: 'manager' as const, canSeeOwner: (o: string | null) => o === me };
    expect(errorOf(() => transferCustomer.plan(args, { customer: target, target: rep }, manager)).field).toBe(
      'toUserId',
    );
  });
});

describe('addContact', () => {
  const target = customer();
  const args = addContact.args.parse({
    id: newId(),
    customerId: target.id,
    name: '陈静',
    email: '',
    isPrimary: true,
  });

  it('adds the contact to a customer of the user’s scope, blanks as null', () => {
    expect(addContact.plan(args, { customer: target, existing: undefined, ...noReads }, ctx)).toEqual([
      {
        kind: 'insert',
        table: 'contacts',
        row: expect.objectContaining({
          name: '陈静',
          email: null,
          isPrimary: true,
          customerId: target.id,
          orgId,
        }),
      },
    ]);
  });

  it('refuses a customer outside the scope and a malformed email, naming the field', () => {
    const err = errorOf(() =>
      addContact.plan(
        args,
        { customer: customer({ id: target.id, ownerId: other }), existing: undefined, ...noReads },
        ctx,
      ),
    );
    expect(err.field).toBe('customerId');
    expect(addContact.args.safeParse({ ...args, email: 'nope' }).error?.issues[0]?.path).toEqual(['email']);
  });
});
