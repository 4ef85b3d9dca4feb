import { describe, expect, it } from 'vitest';
import type { OpportunityItem } from '../../../../../shared/api/contract';
import { defaultSettings } from '../../../../../shared/domain/settings';
import { applyStageMove, pipelineColumns, sumByCurrency, weightedPipeline } from './pipeline';

const orgId = '0190eafa-4bc7-7ee4-8714-3543b5ed0b85';
const settings = defaultSettings(orgId);
let n = 0;
function opp(stageKey: string, amountMinor: number, extra: Partial<OpportunityItem> = {}): OpportunityItem {
  n += 1;
  const stage = settings.stages.find((s) => s.key === stageKey);
  return {
    id: `0190eafa-4bc7-7ee4-8714-${String(n).padStart(12, '0')}`,
    orgId,
    customerId: orgId,
    ownerId: orgId,
    name: `商机 ${n}`,
    amountMinor,
    currency: 'CNY',
    stageKey,
    status: stage?.kind ?? 'open',
    expectedCloseAt: null,
    lostReason: null,
    closedAt: null,
    createdAt: n,
    updatedAt: n,
    version: 1,
    customerName: '恒瑞机械',
    ownerName: '张伟',
    pending: false,
    ...extra,
  };
}

describe('pipelineColumns', () => {
  it('has a column per active open stage, then won and lost, with counts and totals', () => {
    const cols = pipelineColumns(settings, [
      opp('discovery', 100_00),
      opp('discovery', 250_00),
      opp('proposal', 1_000_00, { currency: 'USD' }),
      opp('proposal', 500_00),
      opp('won', 900_00),
    ]);
    expect(cols.map((c) => c.stage.key)).toEqual([
      'discovery',
      'needs',
      'proposal',
      'negotiation',
      'won',
      'lost',
    ]);
    expect(cols.map((c) => c.count)).toEqual([2, 0, 2, 0, 1, 0]);
    expect(cols[0]?.totals).toEqual([{ currency: 'CNY', amountMinor: 350_00 }]);
    expect(cols[2]?.totals).toEqual([
      { currency: 'USD', amountMinor: 1_000_00 },
      { currency: 'CNY', amountMinor: 500_00 },
    ]);
    expect(cols[1]?.totals).toEqual([]);
  });

  it('keeps opportunities of a retired or unknown stage on the board', () => {
    const retired = {
      ...settings,
      stages: settings.stages.map((s) => (s.key === 'needs' ? { ...s, active: false } : s)),
    };
    const cols = pipelineColumns(retired, [opp('needs', 1), opp('legacy', 2)]);
    expect(cols.map((c) => c.stage.key)).toEqual([
      'discovery',
      'needs',
      'proposal',
      'negotiation',
      'legacy',
      'won',
      'lost',
    ]);
    expect(pipelineColumns(retired, []).map((c) => c.stage.key)).not.toContain('needs');
  });

  it('orders open cards by expected close (undated last) and closed ones newest first', () => {
    const late = opp('needs', 1, { expectedCloseAt: 2000 });
    const soon = opp('needs', 1, { expectedCloseAt: 1000 });
    const undated = opp('needs', 1);
    const wonOld = opp('won', 1, { closedAt: 10 });
    const wonNew = opp('won', 1, { closedAt: 20 });
    const cols = pipelineColumns(settings, [late, undated, soon, wonOld, wonNew]);
    expect(cols[1]?.items.map((o) => o.id)).toEqual([soon.id, late.id, undated.id]);
    expect(cols[4]?.items.map((o) => o.id)).toEqual([wonNew.id, wonOld.id]);
  });
});

describe('totals', () => {
  it('sums per currency, largest first', () => {
    expect(sumByCurrency([])).toEqual([]);
    expect(
      sumByCurrency([
        { amountMinor: 5, currency: 'EUR' },
        { amountMinor: 5, currency: 'CNY' },
        { amountMinor: 1, currency: 'EUR' },
      ]),
    ).toEqual([
      { currency: 'EUR', amountMinor: 6 },
      { currency: 'CNY', amountMinor: 5 },
    ]);
  });

  it('weights the open pipeline by stage probability', () => {
    expect(
      weightedPipeline(settings, [
        opp('discovery', 1000_00),
        opp('negotiation', 1000_00),
        opp('won', 1000_00),
      ]),
    ).toEqual([{ currency: 'CNY', amountMinor: 850_00 }]);
  });
});

describe('applyStageMove', () => {
  it('moves the card at once and marks it pending', () => {
    const a = opp('discovery', 1);
    const b = opp('needs', 1);
    const won = settings.stages.find((s) => s.key === 'won');
    if (!won) throw new Error('no won stage');
    const moved = applyStageMove([a, b], a.id, won, 99);
    expect(moved[0]).toMatchObject({ stageKey: 'won', status: 'won', closedAt: 99, pending: true });
    expect(moved[1]).toBe(b);
  });
});
