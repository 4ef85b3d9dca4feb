/**
 * Customer enums that both the row schemas and the pool rules (shared/pools) need; kept apart so the
 * pool schema can be a synced row without an import cycle through rows.ts.
 */
export const CUSTOMER_STATUSES = ['active', 'dormant', 'deregistered'] as const;
export const CUSTOMER_LEVELS = ['A', 'B', 'C', 'D'] as const;
export type CustomerLevel = (typeof CUSTOMER_LEVELS)[number];
