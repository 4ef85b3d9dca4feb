import { describe, expect, it } from 'vitest';
import type { OpportunityItem } from '../../../../../shared/api/contract';
import { defaultSettings } from '../../../../../shared/domain/settings';
import {
  emptyOpportunityForm,
  opportunityFormFieldOf,
  opportunityFormValues,
  validateConversionOpportunity,
  validateNewOpportunity,
  validateOpportunityEdit,
} from './opportunityForm';
import { moveTargets, openStages, stageTone } from './stages';

const orgId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b85';
const customerId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b86';
const settings = defaultSettings(orgId);

const opp: OpportunityItem = {
  id: '0190eafa-4bc7-7ee4-8714-3543b5ed0b87',
  orgId,
  customerId,
  ownerId: orgId,
  name: '二期产线改造',
  amountMinor: 128_000_00,
  currency: 'CNY',
  stageKey: 'proposal',
  status: 'open',
  expectedCloseAt: new Date(2025, 5, 30, 23, 59, 59, 999).getTime(),
  lostReason: null,
  closedAt: null,
  createdAt: 1,
  updatedAt: 1,
  version: 1,
  customerName: '恒瑞机械',
  ownerName: '张伟',
  pending: false,
};

describe('new opportunity', () => {
  it('starts in the first open stage, in yuan', () => {
    expect(emptyOpportunityForm(settings)).toMatchObject({ stageKey: 'discovery', currency: 'CNY' });
  });

  it('builds the input in minor units with the close date at the end of that day', () => {
    const { errors, input } = validateNewOpportunity(
      customerId,
      {
        name: '年度框架协议',
        amount: '1,280,000',
        currency: 'CNY',
        stageKey: 'needs',
        expectedCloseAt: '2025-06-30',
      },
      settings,
    );
    expect(errors).toEqual({});
    expect(input).toEqual({
      customerId,
      name: '年度框架协议',
      amountMinor: 128_000_000,
      currency: 'CNY',
      stageKey: 'needs',
      expectedCloseAt: new Date(2025, 5, 30, 23, 59, 59, 999).getTime(),
    });
  });

  it('names what is wrong under each field', () => {
    const blank = validateNewOpportunity(customerId, emptyOpportunityForm(settings), settings);
    expect(blank.errors).toEqual({ name: { key: 'required' }, amount: { key: 'amountRequired' } });
    const bad = validateNewOpportunity(
      customerId,
      { ...emptyOpportunityForm(settings, 'x'), amount: '12.345' },
      settings,
    );
    expect(bad.errors).toEqual({ amount: { key: 'invalidAmount' } });
  });

  it('refuses a won, lost or inactive stage to start in (the mutator rule)', () => {
    const won = validateNewOpportunity(
      customerId,
      { ...emptyOpportunityForm(settings, 'x'), amount: '1', stageKey: 'won' },
      settings,
    );
    expect(won.errors).toEqual({ stageKey: { key: 'chooseOne' } });
  });

  it('checks the opportunity of a conversion the same way', () => {
    expect(
      validateConversionOpportunity({ ...emptyOpportunityForm(settings, '首单'), amount: '5000' }, settings)
        .value,
    ).toMatchObject({ name: '首单', amountMinor: 500000, stageKey: 'discovery', expectedCloseAt: null });
  });
});

describe('opportunity edit', () => {
  it('sends only what changed, with what this device saw', () => {
    const values = { ...opportunityFormValues(opp), amount: '150000' };
    expect(opportunityFormValues(opp).amount).toBe('128000');
    const { input, changed } = validateOpportunityEdit(opp, values);
    expect(changed).toBe(true);
    expect(input).toEqual({
      id: opp.id,
      customerId,
      set: { amountMinor: 150_000_00 },
      base: { amountMinor: 128_000_00 },
    });
  });

  it('has nothing to send when nothing changed', () => {
    expect(validateOpportunityEdit(opp, opportunityFormValues(opp))).toEqual({
      errors: {},
      input: null,
      changed: false,
    });
  });

  it('clears the close date', () => {
    const { input } = validateOpportunityEdit(opp, { ...opportunityFormValues(opp), expectedCloseAt: '' });
    expect(input?.set).toEqual({ expectedCloseAt: null });
  });

  it('maps the core’s field names', () => {
    expect(opportunityFormFieldOf('amountMinor')).toBe('amount');
    expect(opportunityFormFieldOf('opportunity.stageKey')).toBe('stageKey');
    expect(opportunityFormFieldOf('set.name')).toBe('name');
    expect(opportunityFormFieldOf('customerId')).toBeNull();
  });
});

describe('stages', () => {
  it('lists open stages and move targets in the org’s order', () => {
    expect(openStages(settings).map((s) => s.key)).toEqual(['discovery', 'needs', 'proposal', 'negotiation']);
    expect(moveTargets(settings, 'proposal').map((s) => s.key)).toEqual([
      'discovery',
      'needs',
      'negotiation',
      'won',
      'lost',
    ]);
  });

  it('colours stages by kind and probability', () => {
    expect(stageTone({ kind: 'won', probability: 100 })).toBe('success');
    expect(stageTone({ kind: 'lost', probability: 0 })).toBe('danger');
    expect(stageTone({ kind: 'open', probability: 10 })).toBe('neutral');
    expect(stageTone({ kind: 'open', probability: 75 })).toBe('violet');
  });
});
