import { useMemo, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { OpportunityItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { useAppStore } from '../../../app/store';
import {
  formatDate,
  formatMoney,
  formatMoneyCompact,
  formatNumber,
  formatPercent,
} from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Avatar, Button, EmptyState, Icon, Skeleton } from '../../../ui';
import { MoveStageMenu } from '../../opportunities/components/MoveStageMenu';
import { stageDotClass } from '../../opportunities/components/StageBadge';
import { useStageMove } from '../../opportunities/hooks/useStageMove';
import { stageLabel } from '../../opportunities/utils/stages';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { PageHeader } from '../../shell/components/PageHeader';
import { useNow } from '../../shell/hooks/useNow';
import { useTeamReps } from '../../team/hooks/useTeamReps';
import { usePipeline } from '../hooks/usePipeline';
import { useScrollEdges } from '../hooks/useScrollEdges';
import { pipelineColumns, sumByCurrency, type CurrencyTotal, type PipelineColumn } from '../utils/pipeline';

/** A closed column shows this many of its most recent cards; the count and total cover them all. */
const CLOSED_CARDS_SHOWN = 30;

/** The drag payload's type: only our cards are dropped on the board. */
const DRAG_TYPE = 'application/x-tidepool-opportunity';

/**
 * The pipeline (SPEC §9): a kanban board, one column per active stage with its count and total, won and
 * lost at the end. A card moves by drag and drop, or from the keyboard / a click through its "move to"
 * menu; a move to a lost stage asks why first. A manager can look at one rep's board.
 */
export function PipelinePage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { locale, invalidate } = useAppStore(
    useShallow((s) => ({ locale: s.locale, invalidate: s.invalidateData })),
  );
  const settings = useOrgSettings();
  const { reps, managerial } = useTeamReps();
  const [ownerId, setOwnerId] = useState<string | null>(null);
  const { opportunities, error, reload, moveLocally } = usePipeline(ownerId);
  const [moveError, setMoveError] = useState<{ name: string; error: AppErrorData } | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const [boardRef, edges] = useScrollEdges<HTMLDivElement>();
  const move = useStageMove({
    onMoving: (o, stage) => moveLocally(o.id, stage),
    onDone: () => {
      invalidate();
      reload();
    },
    onError: (err, o) => setMoveError({ name: o.name, error: err }),
  });

  const columns = useMemo(
    () => (opportunities ? pipelineColumns(settings, opportunities) : []),
    [settings, opportunities],
  );
  const openTotals = useMemo(
    () => sumByCurrency((opportunities ?? []).filter((o) => o.status === 'open')),
    [opportunities],
  );
  const openCount = (opportunities ?? []).filter((o) => o.status === 'open').length;
  const byId = useMemo(() => new Map((opportunities ?? []).map((o) => [o.id, o])), [opportunities]);

  const request = (o: OpportunityItem, stageKey: string) => {
    setMoveError(null);
    move.requestMove(o, stageKey);
  };

  const onDrop = (e: DragEvent<HTMLElement>, stageKey: string) => {
    e.preventDefault();
    setOver(null);
    setDragging(null);
    const id = e.dataTransfer.getData(DRAG_TYPE) || e.dataTransfer.getData('text/plain');
    const o = byId.get(id);
    if (o && o.stageKey !== stageKey) request(o, stageKey);
  };

  return (
    <div className="tp-page tp-page--fill tp-pipeline" data-testid="pipeline-page">
      <PageHeader
        title={t('pipeline.title')}
        subtitle={
          opportunities ? (
            <span data-testid="pipeline-summary">
              {t('pipeline.summary', {
                n: formatNumber(openCount, locale),
                total: totalsText(openTotals, locale, false) || formatMoney(0, 'CNY', locale),
              })}
            </span>
          ) : (
            t('common.loading')
          )
        }
      >
        {managerial ? (
          <select
            className="tp-input tp-select tp-filter"
            data-testid="pipeline-owner-filter"
            aria-label={t('pipeline.ownerFilter')}
            value={ownerId ?? ''}
            onChange={(e) => setOwnerId(e.target.value || null)}
          >
            <option value="">{t('pipeline.allReps')}</option>
            {reps.map((u) => (
              <option key={u.id} value={u.id}>
                {u.displayName}
              </option>
            ))}
          </select>
        ) : null}
      </PageHeader>
      {moveError ? (
        <div
          className="tp-banner tp-banner--danger"
          role="alert"
          data-testid="pipeline-move-error"
          data-code={moveError.error.code}
        >
          <Icon name="alert" size={16} />
          <span>
            {t('pipeline.moveFailed', { name: moveError.name, reason: errorText(moveError.error) })}
          </span>
        </div>
      ) : null}
      <div className="tp-page__body">
        {error && !opportunities ? (
          <EmptyState
            icon="alert"
            tone="danger"
            title={t('pipeline.loadError')}
            body={errorText(error)}
            action={<Button onClick={reload}>{t('common.retry')}</Button>}
            testId="pipeline-error"
          />
        ) : !opportunities ? (
          <BoardSkeleton />
        ) : (
          <>
            {opportunities.length === 0 ? (
              <p className="tp-pipeline__hint" data-testid="pipeline-empty">
                <Icon name="target" size={14} />
                {t('pipeline.empty')}
              </p>
            ) : null}
            <div
              className={`tp-boardframe${edges.start ? ' tp-boardframe--more-start' : ''}${edges.end ? ' tp-boardframe--more-end' : ''}`}
            >
              <div className="tp-board" data-testid="pipeline-board" role="list" ref={boardRef}>
                {columns.map((col) => (
                  <Column
                    key={col.stage.key}
                    column={col}
                    dropTarget={over === col.stage.key}
                    draggingId={dragging}
                    showOwner={managerial && ownerId === null}
                    busyId={move.busyId}
                    onDragOver={(e) => {
                      if (!dragging) return;
                      e.preventDefault();
                      e.dataTransfer.dropEffect = 'move';
                      if (over !== col.stage.key) setOver(col.stage.key);
                    }}
                    onDragLeave={() => setOver((cur) => (cur === col.stage.key ? null : cur))}
                    onDrop={(e) => onDrop(e, col.stage.key)}
                    onDragStart={(e, o) => {
                      e.dataTransfer.setData(DRAG_TYPE, o.id);
                      e.dataTransfer.setData('text/plain', o.id);
                      e.dataTransfer.effectAllowed = 'move';
                      setDragging(o.id);
                    }}
                    onDragEnd={() => {
                      setDragging(null);
                      setOver(null);
                    }}
                    onMove={request}
                  />
                ))}
              </div>
            </div>
          </>
        )}
      </div>
      {move.dialog}
    </div>
  );
}

/** "¥128万 · $3.5万": per-currency totals, compact on a column head. */
function totalsText(totals: readonly CurrencyTotal[], locale: 'zh-CN' | 'en', compact = true): string {
  return totals
    .map((x) => (compact ? formatMoneyCompact : formatMoney)(x.amountMinor, x.currency, locale))
    .join(' · ');
}

function Column({
  column,
  dropTarget,
  draggingId,
  showOwner,
  busyId,
  onDragOver,
  onDragLeave,
  onDrop,
  onDragStart,
  onDragEnd,
  onMove,
}: {
  column: PipelineColumn;
  dropTarget: boolean;
  draggingId: string | null;
  showOwner: boolean;
  busyId: string | null;
  onDragOver: (e: DragEvent<HTMLElement>) => void;
  onDragLeave: () => void;
  onDrop: (e: DragEvent<HTMLElement>) => void;
  onDragStart: (e: DragEvent<HTMLElement>, o: OpportunityItem) => void;
  onDragEnd: () => void;
  onMove: (o: OpportunityItem, stageKey: string) => void;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const settings = useOrgSettings();
  const { stage } = column;
  const closed = stage.kind !== 'open';
  const shown = closed ? column.items.slice(0, CLOSED_CARDS_SHOWN) : column.items;
  const label = stageLabel(settings, stage.key, locale);
  return (
    <section
      className={`tp-column tp-column--${stage.kind}${dropTarget ? ' tp-column--over' : ''}${stage.active ? '' : ' tp-column--retired'}`}
      data-testid="pipeline-column"
      data-stage={stage.key}
      data-kind={stage.kind}
      role="listitem"
      aria-label={label}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
    >
      <header className="tp-column__head">
        <div className="tp-column__title">
          <span className={`tp-menu__dot ${stageDotClass(stage)}`} aria-hidden="true" />
          <h2>{label}</h2>
          {stage.kind === 'open' ? (
            <span className="tp-column__prob">{formatPercent(stage.probability, locale)}</span>
          ) : null}
          <span className="tp-column__count" data-testid="pipeline-column-count" data-count={column.count}>
            {formatNumber(column.count, locale)}
          </span>
        </div>
        <div
          className="tp-column__total"
          data-testid="pipeline-column-total"
          data-amounts={column.totals.map((x) => `${x.currency}:${x.amountMinor}`).join(',')}
          title={totalsText(column.totals, locale, false)}
        >
          {column.totals.length === 0 ? '—' : totalsText(column.totals, locale)}
        </div>
      </header>
      <ul className="tp-column__cards">
        {shown.map((o) => (
          <Card
            key={o.id}
            opportunity={o}
            dragging={draggingId === o.id}
            busy={busyId === o.id}
            showOwner={showOwner}
            onDragStart={(e) => onDragStart(e, o)}
            onDragEnd={onDragEnd}
            onMove={(stageKey) => onMove(o, stageKey)}
          />
        ))}
        {column.items.length === 0 ? <li className="tp-column__empty">{t('pipeline.dropHere')}</li> : null}
        {column.items.length > shown.length ? (
          <li className="tp-column__more">
            {t('pipeline.more', { n: formatNumber(column.items.length - shown.length, locale) })}
          </li>
        ) : null}
      </ul>
    </section>
  );
}

function Card({
  opportunity: o,
  dragging,
  busy,
  showOwner,
  onDragStart,
  onDragEnd,
  onMove,
}: {
  opportunity: OpportunityItem;
  dragging: boolean;
  busy: boolean;
  showOwner: boolean;
  onDragStart: (e: DragEvent<HTMLElement>) => void;
  onDragEnd: () => void;
  onMove: (stageKey: string) => void;
}) {
  const { t } = useTranslation();
  const { locale, navigate } = useAppStore(useShallow((s) => ({ locale: s.locale, navigate: s.navigate })));
  const now = useNow(60_000);
  const overdue = o.status === 'open' && o.expectedCloseAt !== null && o.expectedCloseAt < now;
  const open = () => navigate({ name: 'customer', id: o.customerId });
  return (
    <li
      className={`tp-oppcard${dragging ? ' tp-oppcard--dragging' : ''}${o.pending ? ' tp-oppcard--pending' : ''}`}
      data-testid="pipeline-card"
      data-id={o.id}
      data-stage={o.stageKey}
      data-pending={String(o.pending)}
      draggable={!busy}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      tabIndex={0}
      aria-label={`${o.customerName} · ${o.name}`}
      onClick={open}
      onKeyDown={(e) => {
        if (e.target !== e.currentTarget) return;
        if (e.key === 'Enter') {
          e.preventDefault();
          open();
        }
      }}
    >
      <div className="tp-oppcard__top">
        <span className="tp-oppcard__customer" data-testid="pipeline-card-customer">
          {o.customerName}
        </span>
        <MoveStageMenu
          currentStage={o.stageKey}
          onMove={onMove}
          testId="pipeline-card-move"
          compact
          disabled={busy}
        />
      </div>
      <div className="tp-oppcard__name">{o.name}</div>
      <div
        className="tp-oppcard__amount tp-num"
        data-testid="pipeline-card-amount"
        data-amount-minor={o.amountMinor}
      >
        {formatMoney(o.amountMinor, o.currency, locale)}
      </div>
      <div className="tp-oppcard__foot">
        <span className={overdue ? 'tp-oppcard__close tp-oppcard__close--overdue' : 'tp-oppcard__close'}>
          <Icon name="today" size={12} />
          {o.status !== 'open' && o.closedAt
            ? formatDate(o.closedAt, locale)
            : o.expectedCloseAt
              ? formatDate(o.expectedCloseAt, locale)
              : t('opportunity.noCloseDate')}
        </span>
        {o.pending ? (
          <span className="tp-oppcard__pending" title={t('followUp.pendingSync')}>
            <Icon name="arrowUp" size={11} />
          </span>
        ) : null}
        {showOwner && o.ownerName ? (
          <span className="tp-oppcard__owner" data-testid="pipeline-card-owner">
            <Avatar name={o.ownerName} size={18} />
            {o.ownerName}
          </span>
        ) : null}
      </div>
      <Icon name="drag" size={14} className="tp-oppcard__grip" />
    </li>
  );
}

function BoardSkeleton() {
  return (
    <div className="tp-board" aria-busy="true">
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="tp-column">
          <div className="tp-column__head">
            <Skeleton width="50%" />
          </div>
          <div className="tp-column__cards">
            <div className="tp-oppcard">
              <Skeleton width="70%" />
              <Skeleton width="40%" />
            </div>
          </div>
        </div>
      ))}
    </div>
  );
}
