import { describe, expect, it } from 'vitest';
import type { UserItem } from '../../../../../shared/api/contract';
import { poolAdminCandidates, teamLabelParts, teamsFromUsers } from './poolTeams';

const east = '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e';
const south = '1b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e';
let n = 0;
const user = (displayName: string, teamId: string | null, patch: Partial<UserItem> = {}): UserItem => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  displayName,
  role: 'rep',
  teamId,
  active: true,
  ...patch,
});

describe('teams named by their people', () => {
  const users = [
    user('王芳', east, { role: 'manager' }),
    user('张伟', east),
    user('李娜', east),
    user('赵敏', east, { active: false }),
    user('陈强', south),
    user('系统管理员', null, { role: 'admin' }),
  ];

  it('lists every team someone belongs to, largest first, active members first', () => {
    const teams = teamsFromUsers(users, 'zh-CN');
    expect(teams.map((t) => t.id)).toEqual([east, south]);
    expect(teams[0]?.size).toBe(4);
    expect(teams[0]?.members.at(-1)).toBe('赵敏');
  });

  it('spells out two names and counts the rest', () => {
    const [team] = teamsFromUsers(users, 'zh-CN');
    expect(teamLabelParts(team!)).toEqual({ names: team!.members.slice(0, 2), more: 2 });
    expect(teamLabelParts({ members: ['陈强'] })).toEqual({ names: ['陈强'], more: 0 });
  });

  it('offers active managers as pool admins', () => {
    expect(poolAdminCandidates(users, 'zh-CN').map((u) => u.displayName)).toEqual(['王芳']);
  });
});
