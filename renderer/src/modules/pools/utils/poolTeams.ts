import type { UserItem } from '../../../../../shared/api/contract';

/**
 * The org's teams as the pool screens show them. There is no team name on a device (users carry only
 * their `teamId`), so a team is named by its people: "张伟、李娜 等 5 人" / "Zhang Wei, Li Na +3".
 */
export type TeamView = {
  id: string;
  /** Active members first, sorted as the user's language sorts names. */
  members: string[];
  /** How many people (active or not) belong to it. */
  size: number;
};

/** How many names a team's label spells out before "+N". */
const NAMED = 2;

/** Every team someone belongs to, largest first, then by their first member's name. */
export function teamsFromUsers(users: readonly UserItem[], locale: string): TeamView[] {
  const byTeam = new Map<string, UserItem[]>();
  for (const u of users) {
    if (u.teamId === null) continue;
    const list = byTeam.get(u.teamId) ?? [];
    list.push(u);
    byTeam.set(u.teamId, list);
  }
  const teams = [...byTeam].map(([id, people]): TeamView => {
    const sorted = [...people].sort(
      (a, b) => Number(b.active) - Number(a.active) || a.displayName.localeCompare(b.displayName, locale),
    );
    return { id, members: sorted.map((u) => u.displayName), size: people.length };
  });
  return teams.sort(
    (a, b) => b.size - a.size || (a.members[0] ?? '').localeCompare(b.members[0] ?? '', locale),
  );
}

/** The parts of a team's label: the first names and how many more there are (0: all named). */
export function teamLabelParts(team: Pick<TeamView, 'members'>): { names: string[]; more: number } {
  return { names: team.members.slice(0, NAMED), more: Math.max(0, team.members.length - NAMED) };
}

/** Who may administer a pool besides the org's admins: active managers. */
export function poolAdminCandidates(users: readonly UserItem[], locale: string): UserItem[] {
  return users
    .filter((u) => u.active && u.role === 'manager')
    .sort((a, b) => a.displayName.localeCompare(b.displayName, locale));
}
