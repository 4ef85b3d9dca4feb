import { describe, expect, it } from 'vitest';
import { newId } from '../ids';
import type { FollowUpRow, OpportunityRow, TaskRow, UserRow } from '../domain/rows';
import { defaultSettings } from '../domain/settings';
import {
  cancelTask,
  claimCustomer,
  convertLead,
  createLead,
  createOpportunity,
  createTask,
  deleteFollowUp,
  logFollowUp,
  moveOpportunityStage,
  updateCustomer,
  updateFollowUp,
  updateSettings,
} from './index';
import { errorOf, mutationFixture } from './testFixtures';

const { orgId, me, other, now, ctx, customer } = mutationFixture('苏州澄江新材料科技有限公司');
const settings = defaultSettings(orgId, now - 10_000);

function opportunity(customerId: string, overrides: Partial<OpportunityRow> = {}): OpportunityRow {
  return {
    id: newId(),
    orgId,
    customerId,
    ownerId: me,
    name: '二期产线改造',
    amountMinor: 1_200_000_00,
    currency: 'CNY',
    stageKey: 'needs',
    status: 'open',
    expectedCloseAt: null,
    lostReason: null,
    closedAt: null,
    attrs: {},
    templateVersionId: null,
    createdAt: now - 1000,
    updatedAt: now - 1000,
    version: 1,
    ...overrides,
  };
}

function task(customerId: string, overrides: Partial<TaskRow> = {}): TaskRow {
  return {
    id: newId(),
    orgId,
    customerId,
    assigneeId: me,
    title: '回访确认报价',
    type: 'call',
    dueAt: now,
    origin: 'manual',
    status: 'open',
    sourceFollowUpId: null,
    doneFollowUpId: null,
    doneAt: null,
    createdBy: me,
    createdAt: now - 1000,
    updatedAt: now - 1000,
    version: 1,
    ...overrides,
  };
}

describe('logFollowUp (protocol 3)', () => {
  const target = customer();
  const base = {
    id: newId(),
    customerId: target.id,
    type: 'visit',
    content: '拜访设备部\n确认改造预算',
    occurredAt: now - 60_000,
  };
  const reads = {
    customer: target,
    existing: undefined,
    settings,
    opportunity: undefined,
    contact: undefined,
    task: undefined,
    existingTask: undefined,
  };

  it('plans the next follow-up as a task for the owner, titled by the first line', () => {
    const nextTaskId = newId();
    const args = logFollowUp.args.parse({ ...base, nextFollowUpAt: now + 86_400_000, nextTaskId });
    const effects = logFollowUp.plan(args, reads, ctx);
    expect(effects).toContainEqual({
      kind: 'insert',
      table: 'tasks',
      row: expect.objectContaining({
        id: nextTaskId,
        assigneeId: me,
        title: '拜访设备部',
        dueAt: now + 86_400_000,
        origin: 'followUp',
        status: 'open',
        sourceFollowUpId: args.id,
      }),
    });
  });

  it('completes the task it answers, and leaves a task closed elsewhere alone', () => {
    const open = task(target.id);
    const args = logFollowUp.args.parse({ ...base, completesTaskId: open.id });
    expect(logFollowUp.plan(args, { ...reads, task: open }, ctx)).toContainEqual({
      kind: 'update',
      table: 'tasks',
      id: open.id,
      set: { status: 'done', doneFollowUpId: args.id, doneAt: now, updatedAt: now },
    });
    const done = task(target.id, { id: open.id, status: 'done' });
    const effects = logFollowUp.plan(args, { ...reads, task: done }, ctx);
    expect(effects.some((e) => e.kind === 'update' && e.table === 'tasks')).toBe(false);
    expect(effects[0]).toMatchObject({ kind: 'insert', table: 'followUps' });
  });

  it('refuses a type outside the org’s active list, an opportunity or task of another customer', () => {
    const inactive = {
      ...settings,
      followUpTypes: settings.followUpTypes.map((t) => (t.key === 'wechat' ? { ...t, active: false } : t)),
    };
    const wechat = logFollowUp.args.parse({ ...base, type: 'wechat' });
    expect(errorOf(() => logFollowUp.plan(wechat, { ...reads, settings: inactive }, ctx)).field).toBe('type');
    const elsewhere = opportunity(newId());
    const withOpp = logFollowUp.args.parse({ ...base, opportunityId: elsewhere.id });
    expect(errorOf(() => logFollowUp.plan(withOpp, { ...reads, opportunity: elsewhere }, ctx)).field).toBe(
      'opportunityId',
    );
    const withTask = logFollowUp.args.parse({ ...base, completesTaskId: newId() });
    expect(errorOf(() => logFollowUp.plan(withTask, reads, ctx)).field).toBe('completesTaskId');
  });
});

describe('follow-up edit window', () => {
  const target = customer();
  const followUp: FollowUpRow = {
    id: newId(),
    orgId,
    customerId: target.id,
    contactId: null,
    opportunityId: null,
    authorId: me,
    type: 'call',
    content: '电话沟通',
    outcome: null,
    occurredAt: now - 3_600_000,
    nextFollowUpAt: null,
    attrs: {},
    templateVersionId: null,
    createdAt: now - 3_600_000,
    updatedAt: now - 3_600_000,
    version: 1,
  };
  const reads = { followUp, customer: target, settings, contact: undefined, opportunity: undefined };

  it('lets the author edit and soft-delete within the window', () => {
    const args = updateFollowUp.args.parse({
      id: followUp.id,
      customerId: target.id,
      set: { outcome: '有意向' },
    });
    expect(updateFollowUp.plan(args, reads, ctx)[0]).toMatchObject({
      kind: 'update',
      table: 'followUps',
      set: { outcome: '有意向' },
    });
    expect(deleteFollowUp.plan({ id: followUp.id, customerId: target.id }, reads, ctx)).toEqual([
      { kind: 'delete', table: 'followUps', id: followUp.id },
    ]);
  });

  it('re-links the opportunity it advanced, only to one of the same customer', () => {
    const deal = opportunity(target.id);
    const args = updateFollowUp.args.parse({
      id: followUp.id,
      customerId: target.id,
      set: { opportunityId: deal.id },
    });
    expect(updateFollowUp.plan(args, { ...reads, opportunity: deal }, ctx)[0]).toMatchObject({
      set: { opportunityId: deal.id },
    });
    const elsewhere = opportunity(newId(), { id: deal.id });
    expect(errorOf(() => updateFollowUp.plan(args, { ...reads, opportunity: elsewhere }, ctx)).field).toBe(
      'opportunityId',
    );
  });

  it('locks it after the window, and refuses anyone but the author', () => {
    const later = { ...ctx, now: followUp.createdAt + 25 * 3_600_000 };
    const args = { id: followUp.id, customerId: target.id };
    const locked = errorOf(() => deleteFollowUp.plan(args, reads, later));
    expect([locked.code, locked.field]).toEqual(['forbidden', 'id']);
    const manager = { ...ctx, userId: other, role: 'manager' as const, canSeeOwner: () => true };
    expect(errorOf(() => deleteFollowUp.plan(args, reads, manager)).code).toBe('forbidden');
  });
});

describe('leads', () => {
  it('captures a lead with its person as the primary contact', () => {
    const args = createLead.args.parse({
      id: newId(),
      name: '无锡蓝湾环保设备有限公司',
      phone: '',
      contact: { id: newId(), name: '周敏', title: '采购经理', phone: '139 1234 5678' },
    });
    const effects = createLead.plan(args, { existing: undefined, existingContact: undefined }, ctx);
    expect(effects[0]).toMatchObject({
      kind: 'insert',
      table: 'customers',
      row: { kind: 'lead', leadStatus: 'new', ownerId: me, poolState: 'private', phone: null },
    });
    expect(effects[1]).toMatchObject({
      kind: 'insert',
      table: 'contacts',
      row: { customerId: args.id, isPrimary: true, phone: '139 1234 5678' },
    });
  });

  it('converts in place with the mapped fields and an opportunity in an open stage', () => {
    const lead = customer({ kind: 'lead', leadStatus: 'qualified' });
    const args = convertLead.args.parse({
      id: lead.id,
      set: { name: '无锡蓝湾环保设备有限公司', level: 'A' },
      opportunity: {
        id: newId(),
        stageChangeId: newId(),
        name: '废气处理设备',
        amountMinor: 38_000_000,
        stageKey: 'proposal',
      },
    });
    const effects = convertLead.plan(args, { lead, settings, existingOpportunity: undefined }, ctx);
    expect(effects[0]).toEqual({
      kind: 'update',
      table: 'customers',
      id: lead.id,
      set: {
        name: '无锡蓝湾环保设备有限公司',
        level: 'A',
        kind: 'customer',
        leadStatus: 'converted',
        convertedAt: now,
        updatedAt: now,
      },
    });
    expect(effects.map((e) => (e.kind === 'insert' ? e.table : e.kind))).toEqual([
      'update',
      'opportunities',
      'stageChanges',
    ]);
  });

  it('refuses converting a customer, a converted lead, or into a stage that does not exist', () => {
    const args = convertLead.args.parse({ id: newId() });
    const notLead = customer({ id: args.id });
    expect(
      errorOf(() => convertLead.plan(args, { lead: notLead, settings, existingOpportunity: undefined }, ctx))
        .field,
    ).toBe('id');
    const converted = customer({ id: args.id, kind: 'lead', leadStatus: 'converted' });
    expect(
      errorOf(() =>
        convertLead.plan(args, { lead: converted, settings, existingOpportunity: undefined }, ctx),
      ).code,
    ).toBe('conflict');
    const lead = customer({ kind: 'lead', leadStatus: 'new' });
    const badStage = convertLead.args.parse({
      id: lead.id,
      opportunity: { id: newId(), stageChangeId: newId(), name: 'x', amountMinor: 1, stageKey: 'won' },
    });
    expect(
      errorOf(() => convertLead.plan(badStage, { lead, settings, existingOpportunity: undefined }, ctx))
        .field,
    ).toBe('opportunity.stageKey');
  });

  it('keeps lead statuses off customers and "converted" out of reach of a plain edit', () => {
    expect(updateCustomer.args.safeParse({ id: newId(), set: { leadStatus: 'converted' } }).success).toBe(
      false,
    );
    const target = customer();
    const args = updateCustomer.args.parse({ id: target.id, set: { leadStatus: 'qualified' } });
    expect(errorOf(() => updateCustomer.plan(args, { customer: target }, ctx)).field).toBe('leadStatus');
  });
});

describe('opportunities', () => {
  const target = customer();

  it('opens one in an open stage, owned by the customer’s owner, with its first stage entry', () => {
    const args = createOpportunity.args.parse({
      id: newId(),
      customerId: target.id,
      stageChangeId: newId(),
      name: '年度维保合同',
      amountMinor: 45_000_00,
      stageKey: 'discovery',
    });
    const effects = createOpportunity.plan(args, { customer: target, settings, existing: undefined }, ctx);
    expect(effects[0]).toMatchObject({
      table: 'opportunities',
      row: { ownerId: me, status: 'open', currency: 'CNY' },
    });
    expect(effects[1]).toMatchObject({
      table: 'stageChanges',
      row: { fromStage: null, toStage: 'discovery' },
    });
  });

  it('refuses a stage that does not exist, naming the field', () => {
    const args = createOpportunity.args.parse({
      id: newId(),
      customerId: target.id,
      stageChangeId: newId(),
      name: '年度维保合同',
      amountMinor: 0,
      stageKey: 'dreaming',
    });
    const err = errorOf(() =>
      createOpportunity.plan(args, { customer: target, settings, existing: undefined }, ctx),
    );
    expect([err.code, err.field]).toEqual(['validation', 'stageKey']);
  });

  it('moves stage with history; won stamps the last deal, lost needs a reason', () => {
    const opp = opportunity(target.id);
    const reads = { opportunity: opp, customer: target, settings, existingChange: undefined };
    const won = moveOpportunityStage.args.parse({
      id: opp.id,
      customerId: target.id,
      toStage: 'won',
      stageChangeId: newId(),
    });
    const effects = moveOpportunityStage.plan(won, reads, ctx);
    expect(effects[0]).toMatchObject({ set: { stageKey: 'won', status: 'won', closedAt: now } });
    expect(effects[1]).toMatchObject({ table: 'stageChanges', row: { fromStage: 'needs', toStage: 'won' } });
    expect(effects[2]).toEqual({
      kind: 'update',
      table: 'customers',
      id: target.id,
      set: { lastDealAt: now, updatedAt: now },
    });

    const lost = moveOpportunityStage.args.parse({
      id: opp.id,
      customerId: target.id,
      toStage: 'lost',
      stageChangeId: newId(),
    });
    expect(errorOf(() => moveOpportunityStage.plan(lost, reads, ctx)).field).toBe('lostReason');
    const nowhere = moveOpportunityStage.args.parse({
      id: opp.id,
      customerId: target.id,
      toStage: 'nowhere',
      stageChangeId: newId(),
    });
    expect(errorOf(() => moveOpportunityStage.plan(nowhere, reads, ctx)).field).toBe('toStage');
  });

  it('reopens a lost opportunity when moved back to an open stage', () => {
    const opp = opportunity(target.id, {
      stageKey: 'lost',
      status: 'lost',
      lostReason: 'price',
      closedAt: now - 5,
    });
    const args = moveOpportunityStage.args.parse({
      id: opp.id,
      customerId: target.id,
      toStage: 'proposal',
      stageChangeId: newId(),
    });
    const effects = moveOpportunityStage.plan(
      args,
      { opportunity: opp, customer: target, settings, existingChange: undefined },
      ctx,
    );
    expect(effects[0]).toMatchObject({ set: { status: 'open', closedAt: null, lostReason: null } });
  });
});

describe('tasks', () => {
  const target = customer();
  const self: UserRow = {
    id: me,
    orgId,
    teamId: null,
    username: 'zhangwei',
    displayName: '张伟',
    role: 'rep',
    active: true,
    version: 1,
  };
  const colleague: UserRow = { ...self, id: other, username: 'lina', displayName: '李娜' };
  const args = createTask.args.parse({
    id: newId(),
    customerId: target.id,
    assigneeId: other,
    title: '带样品上门',
    type: 'visit',
    dueAt: now + 86_400_000,
  });

  it('goes to the customer’s owner: a rep plans for themself, a manager for the owning rep', () => {
    const none = { settings, existing: undefined };
    const err = errorOf(() => createTask.plan(args, { customer: target, assignee: colleague, ...none }, ctx));
    expect([err.code, err.field]).toEqual(['forbidden', 'assigneeId']);
    const manager = { ...ctx, role: 'manager' as const, userId: newId(), canSeeOwner: () => true };
    const linas = customer({ id: target.id, ownerId: other });
    expect(
      createTask.plan(args, { customer: linas, assignee: colleague, ...none }, manager)[0],
    ).toMatchObject({
      table: 'tasks',
      row: { assigneeId: other, origin: 'manual', status: 'open' },
    });
    // Not to a rep other than the owner: the task would never reach that rep's devices.
    const elsewhere = errorOf(() =>
      createTask.plan(args, { customer: target, assignee: colleague, ...none }, manager),
    );
    expect(elsewhere.field).toBe('assigneeId');
    const own = createTask.args.parse({ ...args, assigneeId: me });
    expect(createTask.plan(own, { customer: target, assignee: self, ...none }, ctx)).toHaveLength(1);
  });

  it('cancels an open task once', () => {
    const t = task(target.id);
    expect(cancelTask.plan({ id: t.id, customerId: target.id }, { task: t, customer: target }, ctx)).toEqual([
      { kind: 'update', table: 'tasks', id: t.id, set: { status: 'cancelled', updatedAt: now } },
    ]);
    const closed = task(target.id, { id: t.id, status: 'cancelled' });
    expect(
      errorOf(() =>
        cancelTask.plan({ id: t.id, customerId: target.id }, { task: closed, customer: target }, ctx),
      ).code,
    ).toBe('conflict');
  });
});

describe('claimCustomer', () => {
  it('is a server operation that moves a public customer into the claimant’s sea', () => {
    expect(claimCustomer.serverOnly).toBe(true);
    const pub = customer({ ownerId: null, poolState: 'public' });
    expect(claimCustomer.plan({ customerId: pub.id, reason: '录入重复' }, { customer: pub }, ctx)).toEqual([
      {
        kind: 'move',
        customerId: pub.id,
        ownerId: me,
        poolState: 'private',
        reason: '录入重复',
        action: 'claim',
      },
    ]);
    const taken = customer({ id: pub.id, ownerId: other });
    expect(
      errorOf(() => claimCustomer.plan({ customerId: pub.id, reason: 'x' }, { customer: taken }, ctx)).code,
    ).toBe('conflict');
  });
});

describe('updateSettings', () => {
  it('is for admins, and refuses removing an entry (deactivate instead)', () => {
    const admin = { ...ctx, role: 'admin' as const };
    const stages = settings.stages.filter((s) => s.key !== 'needs');
    const args = updateSettings.args.parse({ set: { stages } });
    expect(errorOf(() => updateSettings.plan(args, { settings }, ctx)).code).toBe('forbidden');
    const err = errorOf(() => updateSettings.plan(args, { settings }, admin));
    expect([err.field, err.params?.key]).toEqual(['stages', 'needs']);
    const deactivated = settings.stages.map((s) => (s.key === 'needs' ? { ...s, active: false } : s));
    expect(
      updateSettings.plan(updateSettings.args.parse({ set: { stages: deactivated } }), { settings }, admin),
    ).toEqual([
      { kind: 'update', table: 'settings', id: orgId, set: { stages: deactivated, updatedAt: now } },
    ]);
  });

  it('needs an open, a won and a lost stage', () => {
    const noLost = settings.stages.filter((s) => s.kind !== 'lost');
    expect(updateSettings.args.safeParse({ set: { stages: noLost } }).success).toBe(false);
  });
});
