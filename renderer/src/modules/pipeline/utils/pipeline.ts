import type { OpportunityItem } from '../../../../../shared/api/contract';
import type { SettingsRow, Stage } from '../../../../../shared/domain/settings';
import { unknownStage } from '../../opportunities/utils/stages';

/** A sum per currency (a pipeline rarely mixes currencies, but it may). */
export type CurrencyTotal = { currency: string; amountMinor: number };

/** One column of the board: a stage, its cards and what they add up to. */
export type PipelineColumn = {
  stage: Stage;
  items: OpportunityItem[];
  count: number;
  /** Largest currency first. */
  totals: CurrencyTotal[];
};

/** Sums amounts per currency, largest first (ties by currency code, so the order is stable). */
export function sumByCurrency(
  items: readonly Pick<OpportunityItem, 'amountMinor' | 'currency'>[],
  weight: (item: Pick<OpportunityItem, 'amountMinor' | 'currency'>) => number = () => 1,
): CurrencyTotal[] {
  const sums = new Map<string, number>();
  for (const o of items)
    sums.set(o.currency, (sums.get(o.currency) ?? 0) + Math.round(o.amountMinor * weight(o)));
  return [...sums]
    .map(([currency, amountMinor]) => ({ currency, amountMinor }))
    .sort((a, b) => b.amountMinor - a.amountMinor || a.currency.localeCompare(b.currency));
}

/** Cards within a column: the nearest expected close first (undated last), then the newest. */
function byCloseDate(a: OpportunityItem, b: OpportunityItem): number {
  const ax = a.expectedCloseAt ?? Number.POSITIVE_INFINITY;
  const bx = b.expectedCloseAt ?? Number.POSITIVE_INFINITY;
  return ax - bx || b.updatedAt - a.updatedAt || a.id.localeCompare(b.id);
}

/** Closed cards: the most recently closed first. */
function byClosed(a: OpportunityItem, b: OpportunityItem): number {
  return (b.closedAt ?? b.updatedAt) - (a.closedAt ?? a.updatedAt) || a.id.localeCompare(b.id);
}

/**
 * The board: one column per active open stage in the org's order, then any retired stage or key the
 * settings do not know that still holds opportunities (so nothing silently disappears), then the won
 * and lost columns at the end.
 */
export function pipelineColumns(
  settings: SettingsRow,
  opportunities: readonly OpportunityItem[],
): PipelineColumn[] {
  const byStage = new Map<string, OpportunityItem[]>();
  for (const o of opportunities) {
    const list = byStage.get(o.stageKey);
    if (list) list.push(o);
    else byStage.set(o.stageKey, [o]);
  }
  const known = new Set(settings.stages.map((s) => s.key));
  const open = settings.stages.filter((s) => s.kind === 'open' && (s.active || byStage.has(s.key)));
  const stray = [...byStage.keys()]
    .filter((k) => !known.has(k))
    .sort()
    .map((k) => unknownStage(k, byStage.get(k)?.[0]?.status ?? 'open'));
  const closed = (kind: 'won' | 'lost') => [
    ...settings.stages.filter((s) => s.kind === kind && (s.active || byStage.has(s.key))),
    ...stray.filter((s) => s.kind === kind),
  ];
  const stages = [...open, ...stray.filter((s) => s.kind === 'open'), ...closed('won'), ...closed('lost')];
  return stages.map((stage) => {
    const items = [...(byStage.get(stage.key) ?? [])].sort(stage.kind === 'open' ? byCloseDate : byClosed);
    return { stage, items, count: items.length, totals: sumByCurrency(items) };
  });
}

/** The open pipeline weighted by each stage's win probability (what Today's stat shows, per currency). */
export function weightedPipeline(
  settings: SettingsRow,
  opportunities: readonly OpportunityItem[],
): CurrencyTotal[] {
  const probability = new Map(settings.stages.map((s) => [s.key, s.probability / 100]));
  const open = opportunities.filter((o) => o.status === 'open');
  return sumByCurrency(open, (o) => probability.get((o as OpportunityItem).stageKey) ?? 0);
}

/**
 * The list as it will be once a move lands: shown at once (the card moves when dropped), marked pending
 * until the core's reload confirms it.
 */
export function applyStageMove(
  opportunities: readonly OpportunityItem[],
  id: string,
  stage: Stage,
  now: number,
): OpportunityItem[] {
  return opportunities.map((o) =>
    o.id === id
      ? {
          ...o,
          stageKey: stage.key,
          status: stage.kind,
          closedAt: stage.kind === 'open' ? null : now,
          updatedAt: now,
          pending: true,
        }
      : o,
  );
}
