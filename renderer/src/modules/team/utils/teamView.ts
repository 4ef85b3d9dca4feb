import type { UserItem } from '../../../../../shared/api/contract';
import type { SessionUser } from '../../../../../shared/sync/protocol';

/** Managers and admins look across the team: owner filters, the team feed, assigning tasks. */
export function isManagerial(role: SessionUser['role'] | undefined): boolean {
  return role === 'manager' || role === 'admin';
}

/**
 * The reps a manager works with, sorted as the user's language sorts names: active reps of the manager's
 * team (an admin sees every team). The server scopes `users.list` too; this keeps pickers honest.
 */
export function teamReps(
  users: readonly UserItem[],
  me: Pick<SessionUser, 'role' | 'teamId'>,
  locale: string,
): UserItem[] {
  return users
    .filter(
      (u) =>
        u.active &&
        u.role === 'rep' &&
        (me.role !== 'manager' || me.teamId === null || u.teamId === me.teamId),
    )
    .sort((a, b) => a.displayName.localeCompare(b.displayName, locale));
}

/** Who a task can be assigned to: a rep plans for themself; a manager for the customer's owning rep. */
export function assigneeOptions(
  users: readonly UserItem[] | null,
  me: Pick<SessionUser, 'id' | 'role' | 'teamId' | 'displayName'>,
  ownerId: string | null,
  locale: string,
): { id: string; displayName: string }[] {
  if (me.role === 'rep' || !users) return [{ id: me.id, displayName: me.displayName }];
  // A task travels with its customer to the owner's devices, so it can only be the owner's
  // (shared/mutations/tasks.ts): the manager picks nobody else.
  return teamReps(users, me, locale).filter((u) => u.id === ownerId);
}
