import type { ApiInput, UserItem } from '../../../../../shared/api/contract';
import { transferCustomerArgs } from '../../../../../shared/mutations/customers';
import type { SessionUser } from '../../../../../shared/sync/protocol';
import type { FieldProblem } from '../../followUps/utils/followUpForm';

/**
 * Who a customer can be transferred to: active reps (a private sea belongs to a rep), not the current
 * owner, in the manager's own team (an admin sees every team), matching the search in name, sorted as
 * the user's language sorts names. The server checks the same rule again; this only keeps the list honest.
 */
export function transferCandidates(
  users: readonly UserItem[],
  me: Pick<SessionUser, 'role' | 'teamId'>,
  ownerId: string | null,
  query: string,
  locale: string,
): UserItem[] {
  const q = query.trim().toLocaleLowerCase(locale);
  return users
    .filter(
      (u) =>
        u.active &&
        u.role === 'rep' &&
        u.id !== ownerId &&
        (me.role !== 'manager' || me.teamId === null || u.teamId === me.teamId) &&
        (q === '' || u.displayName.toLocaleLowerCase(locale).includes(q)),
    )
    .sort((a, b) => a.displayName.localeCompare(b.displayName, locale));
}

/** Only managers and admins move customers between private seas (SPEC §4); reps never see the button. */
export function canTransfer(role: SessionUser['role'] | undefined): boolean {
  return role === 'manager' || role === 'admin';
}

export type TransferFormErrors = Partial<Record<'toUserId' | 'reason', FieldProblem>>;

/** Checks the dialog with the shared `transferCustomerArgs`; `input` is null while anything is wrong. */
export function validateTransferForm(
  customerId: string,
  toUserId: string,
  reason: string,
): { errors: TransferFormErrors; input: ApiInput<'customers.transfer'> | null } {
  const result = transferCustomerArgs.safeParse({ customerId, toUserId, reason });
  if (result.success) return { errors: {}, input: result.data };
  const errors: TransferFormErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (field === 'toUserId') errors.toUserId ??= { key: 'chooseOne' };
    if (field === 'reason') {
      errors.reason ??=
        issue.code === 'too_big'
          ? { key: 'tooLong', params: { max: Number(issue.maximum) } }
          : { key: 'required' };
    }
  }
  return { errors, input: null };
}
