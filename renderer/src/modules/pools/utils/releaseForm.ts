import type { ApiInput } from '../../../../../shared/api/contract';
import { releaseCustomerArgs } from '../../../../../shared/mutations/customers';
import { poolForCustomer, sortPools } from '../../../../../shared/pools/resolve';
import type { PoolKind, PoolRow } from '../../../../../shared/pools/schema';
import type { FieldProblem } from '../../followUps/utils/followUpForm';

/**
 * The release dialog (SPEC §4 "a rep releases to a chosen pool with a reason"): which pools it offers,
 * which one is chosen at first (the one the customer would go to anyway: its team's), and the check of
 * the shared `releaseCustomerArgs`.
 */

/** Where a customer of this kind can be released to: the org's active pools of its kind, oldest first. */
export function releaseTargets(pools: readonly PoolRow[], kind: PoolKind): PoolRow[] {
  return sortPools(pools).filter((p) => p.active && p.kind === kind);
}

/**
 * The pool a release goes to when nobody picks one: the customer's own, else the one serving its
 * owner's team, else the default (shared `poolForCustomer`, which the server resolves the same way).
 */
export function defaultReleasePool(
  pools: readonly PoolRow[],
  customer: { kind: PoolKind; poolId: string | null },
  ownerTeamId: string | null,
): PoolRow | undefined {
  return poolForCustomer(pools, customer, ownerTeamId);
}

export type ReleaseFormErrors = Partial<Record<'reason' | 'poolId', FieldProblem>>;

/**
 * Checks the dialog. `chosen` is the pool picked ('' = none could be resolved); it is sent only when it
 * differs from `fallback`, so a release "to my team's pool" stays the server's decision, as designed.
 */
export function validateReleaseForm(
  customerId: string,
  reason: string,
  chosen: string,
  fallback: string | null,
): { errors: ReleaseFormErrors; input: ApiInput<'customers.release'> | null } {
  const errors: ReleaseFormErrors = {};
  if (chosen === '') errors.poolId = { key: 'chooseOne' };
  const poolId = chosen !== '' && chosen !== fallback ? chosen : undefined;
  const result = releaseCustomerArgs.safeParse({ customerId, reason, ...(poolId ? { poolId } : {}) });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.path[0] === 'reason') {
        errors.reason ??=
          issue.code === 'too_big'
            ? { key: 'tooLong', params: { max: Number(issue.maximum) } }
            : { key: 'required' };
      } else if (issue.path[0] === 'poolId') errors.poolId ??= { key: 'chooseOne' };
    }
  }
  if (!result.success || Object.keys(errors).length > 0) return { errors, input: null };
  return { errors, input: result.data };
}

/** A rep may release only what they own and a manager has not locked; managers and admins may always. */
export function canRelease(
  me: { id: string; role: 'rep' | 'manager' | 'admin' },
  customer: { ownerId: string | null; poolState: 'private' | 'public'; locked: boolean },
): { allowed: boolean; reason: 'locked' | 'notOwner' | 'public' | null } {
  if (customer.poolState !== 'private') return { allowed: false, reason: 'public' };
  if (me.role !== 'rep') return { allowed: true, reason: null };
  if (customer.ownerId !== me.id) return { allowed: false, reason: 'notOwner' };
  if (customer.locked) return { allowed: false, reason: 'locked' };
  return { allowed: true, reason: null };
}
