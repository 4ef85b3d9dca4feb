import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { UserItem } from '../../../../../shared/api/contract';
import { useAppStore } from '../../../app/store';
import { isManagerial, teamReps } from '../utils/teamView';

/**
 * The reps of the current manager's team for a filter or picker (empty for a rep, who needs none);
 * loads `users.list` on first use.
 */
export function useTeamReps(): { reps: UserItem[]; users: UserItem[] | null; managerial: boolean } {
  const { me, users, locale, load } = useAppStore(
    useShallow((s) => ({
      me: s.session?.user ?? null,
      users: s.teamUsers,
      locale: s.locale,
      load: s.loadTeamUsers,
    })),
  );
  const managerial = isManagerial(me?.role);
  useEffect(() => {
    if (managerial) void load();
  }, [managerial, load]);
  const reps = useMemo(
    () => (managerial && users && me ? teamReps(users, me, locale) : []),
    [managerial, users, me, locale],
  );
  return { reps, users, managerial };
}
