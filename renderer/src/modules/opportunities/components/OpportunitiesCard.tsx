import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OpportunityItem, StageChangeItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { useAppStore } from '../../../app/store';
import {
  formatDate,
  formatDateTime,
  formatMoney,
  formatNumber,
  formatRelativeTime,
} from '../../../i18n/format';
import { useErrorText } from '../../../i18n/useErrorText';
import { Badge, Button, EmptyState, Icon, type BadgeTone } from '../../../ui';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { useNow } from '../../shell/hooks/useNow';
import { useStageMove } from '../hooks/useStageMove';
import { listLabel, stageLabel } from '../utils/stages';
import { MoveStageMenu } from './MoveStageMenu';
import { OpportunityDialog } from './OpportunityDialog';
import { StageBadge } from './StageBadge';
import { AttrSummary } from '../../templates/components/AttrSummary';

const STATUS_TONE: Record<OpportunityItem['status'], BadgeTone> = {
  open: 'info',
  won: 'success',
  lost: 'danger',
};

/**
 * The customer's opportunities (商机): name, amount, stage with its probability, expected close and
 * status; open ones first. Each can be edited, moved to another stage (a lost stage asks why) and shows
 * its stage history.
 */
export function OpportunitiesCard({
  customer,
  opportunities,
  stageChanges,
  onChanged,
}: {
  customer: { id: string; name: string };
  opportunities: readonly OpportunityItem[];
  stageChanges: readonly StageChangeItem[];
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const errorText = useErrorText();
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<OpportunityItem | null>(null);
  const [moveError, setMoveError] = useState<{ id: string; error: AppErrorData } | null>(null);
  const move = useStageMove({
    onDone: onChanged,
    onError: (error, o) => setMoveError({ id: o.id, error }),
  });
  const sorted = [...opportunities].sort(
    (a, b) =>
      Number(a.status !== 'open') - Number(b.status !== 'open') ||
      (a.expectedCloseAt ?? Infinity) - (b.expectedCloseAt ?? Infinity) ||
      b.updatedAt - a.updatedAt,
  );

  return (
    <section className="tp-card" data-testid="opportunities">
      <header className="tp-card__header">
        <h2 className="tp-card__title">
          <Icon name="target" size={16} />
          {t('opportunity.title')}
          <span className="tp-card__count">{formatNumber(opportunities.length, locale)}</span>
        </h2>
        <Button
          variant="ghost"
          size="sm"
          icon="plus"
          onClick={() => setCreating(true)}
          data-testid="new-opportunity"
        >
          {t('opportunity.new')}
        </Button>
      </header>
      {sorted.length === 0 ? (
        <EmptyState
          icon="target"
          title={t('opportunity.empty')}
          body={t('opportunity.emptyBody')}
          testId="opportunity-empty"
        />
      ) : (
        <ul className="tp-opplist">
          {sorted.map((o) => (
            <OpportunityRow
              key={o.id}
              opportunity={o}
              history={stageChanges.filter((c) => c.opportunityId === o.id)}
              busy={move.busyId === o.id}
              error={moveError?.id === o.id ? errorText(moveError.error) : null}
              onEdit={() => setEditing(o)}
              onMove={(stage) => {
                setMoveError(null);
                move.requestMove(o, stage);
              }}
            />
          ))}
        </ul>
      )}
      {move.dialog}
      {creating || editing ? (
        <OpportunityDialog
          customer={customer}
          opportunity={editing ?? undefined}
          onClose={() => {
            setCreating(false);
            setEditing(null);
          }}
          onSaved={() => {
            setCreating(false);
            setEditing(null);
            onChanged();
          }}
        />
      ) : null}
    </section>
  );
}

function OpportunityRow({
  opportunity: o,
  history,
  busy,
  error,
  onEdit,
  onMove,
}: {
  opportunity: OpportunityItem;
  history: readonly StageChangeItem[];
  busy: boolean;
  error: string | null;
  onEdit: () => void;
  onMove: (stageKey: string) => void;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const settings = useOrgSettings();
  const now = useNow(60_000);
  const [open, setOpen] = useState(false);
  const overdue = o.status === 'open' && o.expectedCloseAt !== null && o.expectedCloseAt < now;
  return (
    <li
      className={`tp-opp tp-opp--${o.status}`}
      data-testid="opportunity-item"
      data-id={o.id}
      data-stage={o.stageKey}
      data-status={o.status}
      data-pending={String(o.pending)}
    >
      <div className="tp-opp__main">
        <div className="tp-opp__title">
          <span className="tp-opp__name" data-testid="opportunity-name">
            {o.name}
          </span>
          {o.pending ? (
            <Badge tone="warning">
              <Icon name="arrowUp" size={11} />
              {t('followUp.pendingSync')}
            </Badge>
          ) : null}
        </div>
        <div className="tp-opp__meta">
          <span
            className="tp-opp__amount tp-num"
            data-testid="opportunity-amount"
            data-amount-minor={o.amountMinor}
          >
            {formatMoney(o.amountMinor, o.currency, locale)}
          </span>
          <span data-testid="opportunity-stage">
            <StageBadge stageKey={o.stageKey} />
          </span>
          {o.status === 'open' ? (
            // A won or lost stage says it already; an open one gets its status beside the stage.
            <Badge tone={STATUS_TONE[o.status]}>{t(`opportunity.status.${o.status}`)}</Badge>
          ) : null}
          {o.status === 'lost' && o.lostReason ? (
            <span className="tp-opp__reason" data-testid="opportunity-lost-reason">
              {listLabel(settings.lostReasons, o.lostReason, locale)}
            </span>
          ) : null}
          <span className={overdue ? 'tp-opp__close tp-opp__close--overdue' : 'tp-opp__close'}>
            <Icon name="today" size={12} />
            {o.status !== 'open' && o.closedAt
              ? t('opportunity.closedOn', { date: formatDate(o.closedAt, locale) })
              : o.expectedCloseAt
                ? t('opportunity.closesOn', { date: formatDate(o.expectedCloseAt, locale) })
                : t('opportunity.noCloseDate')}
          </span>
        </div>
        <AttrSummary entity="opportunity" attrs={o.attrs} max={3} testId="opportunity-attrs" />
        {error ? (
          <p className="tp-field__error" role="alert" data-testid="opportunity-move-error">
            {error}
          </p>
        ) : null}
      </div>
      <div className="tp-opp__actions">
        <MoveStageMenu currentStage={o.stageKey} onMove={onMove} testId="opportunity-move" disabled={busy} />
        <Button
          size="sm"
          variant="ghost"
          icon="edit"
          onClick={onEdit}
          data-testid="opportunity-edit"
          title={t('common.edit')}
        >
          {t('common.edit')}
        </Button>
        <button
          type="button"
          className="tp-linkbtn"
          aria-expanded={open}
          onClick={() => setOpen((x) => !x)}
          data-testid="opportunity-history-toggle"
        >
          <Icon name="history" size={13} />
          {t('opportunity.history', { n: formatNumber(history.length, locale) })}
        </button>
      </div>
      {open ? (
        <ol className="tp-stagehistory" data-testid="stage-history">
          {[...history]
            .sort((a, b) => b.changedAt - a.changedAt)
            .map((c) => (
              <li
                key={c.id}
                className="tp-stagehistory__item"
                data-testid="stage-change-item"
                data-to={c.toStage}
              >
                <span className="tp-stagehistory__stages">
                  {c.fromStage ? (
                    <>
                      <span>{stageLabel(settings, c.fromStage, locale)}</span>
                      <Icon name="convert" size={12} />
                    </>
                  ) : (
                    <span className="tp-muted">{t('opportunity.opened')}</span>
                  )}
                  <strong>{stageLabel(settings, c.toStage, locale)}</strong>
                </span>
                <span className="tp-stagehistory__who">
                  {c.changedByName ?? t('common.none')}
                  <span className="tp-muted" title={formatDateTime(c.changedAt, locale)}>
                    {' · '}
                    {formatRelativeTime(c.changedAt, now, locale)}
                  </span>
                </span>
              </li>
            ))}
          {history.length === 0 ? <li className="tp-muted">{t('opportunity.noHistory')}</li> : null}
        </ol>
      ) : null}
    </li>
  );
}
