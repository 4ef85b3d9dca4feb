import { useAppStore } from '../../../app/store';
import { formatPercent } from '../../../i18n/format';
import { Badge } from '../../../ui';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { stageLabel, stageOf, stageTone, unknownStage } from '../utils/stages';

/** An opportunity's stage, coloured by how close it is to a win, with its probability ("方案报价 50%"). */
export function StageBadge({
  stageKey,
  withProbability = true,
}: {
  stageKey: string;
  withProbability?: boolean;
}) {
  const locale = useAppStore((s) => s.locale);
  const settings = useOrgSettings();
  const stage = stageOf(settings, stageKey) ?? unknownStage(stageKey);
  return (
    <span className="tp-stagebadge" data-stage={stageKey} data-kind={stage.kind}>
      <Badge tone={stageTone(stage)} dot>
        {stageLabel(settings, stageKey, locale)}
        {withProbability && stage.kind === 'open' ? (
          <span className="tp-stagebadge__prob">{formatPercent(stage.probability, locale)}</span>
        ) : null}
      </Badge>
    </span>
  );
}

/** The CSS class of a stage's colour dot (menus, column heads). */
export function stageDotClass(stage: Parameters<typeof stageTone>[0]): string {
  return `tp-dot--${stageTone(stage)}`;
}
