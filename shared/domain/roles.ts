/** The three roles of SPEC §6. A rep sees their private sea, a manager their team's, an admin the org. */
export const ROLES = ['rep', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];
