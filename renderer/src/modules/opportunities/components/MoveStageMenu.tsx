import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../../app/store';
import { formatPercent } from '../../../i18n/format';
import { Menu } from '../../../ui';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { moveTargets, stageLabel } from '../utils/stages';
import { stageDotClass } from './StageBadge';

/**
 * "Move to stage ▾": every other active stage of the org, in order, from the mouse or the keyboard (the
 * board's alternative to dragging). Items carry `data-testid="stage-option"` and `data-stage`.
 */
export function MoveStageMenu({
  currentStage,
  onMove,
  testId,
  compact = false,
  disabled = false,
}: {
  currentStage: string;
  onMove: (stageKey: string) => void;
  testId: string;
  compact?: boolean;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const settings = useOrgSettings();
  const items = moveTargets(settings, currentStage).map((s) => ({
    key: s.key,
    label: stageLabel(settings, s.key, locale),
    hint: s.kind === 'open' ? formatPercent(s.probability, locale) : undefined,
    dotClass: stageDotClass(s),
    attrs: { 'data-testid': 'stage-option', 'data-stage': s.key },
  }));
  return (
    <Menu
      label={compact ? t('opportunity.moveShort') : t('opportunity.move')}
      heading={t('opportunity.moveTo')}
      items={items}
      onSelect={onMove}
      buttonTestId={testId}
      buttonTitle={t('opportunity.moveTo')}
      buttonClassName={compact ? 'tp-movebtn' : 'tp-btn tp-btn--secondary tp-btn--sm'}
      align="end"
      disabled={disabled}
    />
  );
}
