import { useState, type ReactNode } from 'react';
import type { OpportunityItem } from '../../../../../shared/api/contract';
import type { Stage } from '../../../../../shared/domain/settings';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { LostReasonDialog } from '../components/LostReasonDialog';
import { stageOf } from '../utils/stages';

/**
 * Moving an opportunity to another stage, the same way from every place (a detail page's menu, a card
 * dragged or moved from the keyboard on the board): a lost stage first asks why, then
 * `opportunities.moveStage` runs. `onMoving` lets a board move the card at once; `onDone` reloads;
 * `onError` gets the refusal of a move that needed no dialog.
 */
export function useStageMove({
  onMoving,
  onDone,
  onError,
}: {
  onMoving?: (opportunity: OpportunityItem, stage: Stage) => void;
  onDone: () => void;
  onError: (error: AppErrorData, opportunity: OpportunityItem) => void;
}): {
  requestMove: (opportunity: OpportunityItem, stageKey: string) => void;
  busyId: string | null;
  dialog: ReactNode;
} {
  const settings = useOrgSettings();
  const errorText = useErrorText();
  const [busyId, setBusyId] = useState<string | null>(null);
  const [asking, setAsking] = useState<{ opportunity: OpportunityItem; stage: Stage } | null>(null);
  const [dialogError, setDialogError] = useState<AppErrorData | null>(null);

  const send = async (opportunity: OpportunityItem, stage: Stage, lostReason: string | null) => {
    setBusyId(opportunity.id);
    try {
      onMoving?.(opportunity, stage);
      await getApi().call('opportunities.moveStage', {
        id: opportunity.id,
        customerId: opportunity.customerId,
        toStage: stage.key,
        lostReason,
      });
      setAsking(null);
      setDialogError(null);
      onDone();
    } catch (err) {
      const data = toAppErrorData(err);
      if (asking) setDialogError(data);
      else onError(data, opportunity);
      // The card moved optimistically goes back where it was.
      onDone();
    } finally {
      setBusyId(null);
    }
  };

  const requestMove = (opportunity: OpportunityItem, stageKey: string) => {
    const stage = stageOf(settings, stageKey);
    if (!stage || stage.key === opportunity.stageKey || busyId) return;
    if (stage.kind === 'lost') {
      setDialogError(null);
      setAsking({ opportunity, stage });
      return;
    }
    void send(opportunity, stage, null);
  };

  const dialog = asking ? (
    <LostReasonDialog
      opportunityName={asking.opportunity.name}
      busy={busyId === asking.opportunity.id}
      error={dialogError ? { message: errorText(dialogError), code: dialogError.code } : null}
      onConfirm={(reason) => void send(asking.opportunity, asking.stage, reason)}
      onClose={() => setAsking(null)}
    />
  ) : null;

  return { requestMove, busyId, dialog };
}
