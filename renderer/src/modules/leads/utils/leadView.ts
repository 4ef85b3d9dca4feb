import { LEAD_STATUSES, type LeadStatus } from '../../../../../shared/domain/rows';
import type { BadgeTone } from '../../../ui';

/** The lead list's status filter: `open` (every lead not yet converted, the default), one status, or all. */
export const LEAD_STATUS_FILTERS = ['open', ...LEAD_STATUSES, 'all'] as const;
export type LeadStatusFilter = (typeof LEAD_STATUS_FILTERS)[number];

export function isLeadStatusFilter(value: string): value is LeadStatusFilter {
  return (LEAD_STATUS_FILTERS as readonly string[]).includes(value);
}

/** A lead's status as a colour: new is fresh (brand), qualified is promising, disqualified is dead. */
export const LEAD_STATUS_TONE: Record<LeadStatus, BadgeTone> = {
  new: 'brand',
  contacted: 'info',
  qualified: 'success',
  disqualified: 'neutral',
  converted: 'violet',
};
