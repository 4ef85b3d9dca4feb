import { useTranslation } from 'react-i18next';
import type { LeadStatus } from '../../../../../shared/domain/rows';
import { Badge } from '../../../ui';
import { LEAD_STATUS_TONE } from '../utils/leadView';

export function LeadStatusBadge({ status }: { status: LeadStatus }) {
  const { t } = useTranslation();
  return (
    <span data-testid="lead-status-badge" data-status={status}>
      <Badge tone={LEAD_STATUS_TONE[status]} dot>
        {t(`lead.status.${status}`)}
      </Badge>
    </span>
  );
}
