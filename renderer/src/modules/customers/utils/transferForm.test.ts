import { describe, expect, it } from 'vitest';
import type { UserItem } from '../../../../../shared/api/contract';
import { canTransfer, transferCandidates, validateTransferForm } from './transferForm';

const teamA = '1a000000-0000-4000-8000-000000000000';
const teamB = '1b000000-0000-4000-8000-000000000000';
const user = (n: number, displayName: string, extra: Partial<UserItem> = {}): UserItem => ({
  id: `00000000-0000-4000-8000-00000000000${n}`,
  displayName,
  role: 'rep',
  teamId: teamA,
  active: true,
  ...extra,
});
const zhang = user(1, '张伟');
const li = user(2, '李娜');
const zhao = user(3, '赵强', { active: false });
const wang = user(4, '王芳', { role: 'manager' });
const chen = user(5, '陈静', { teamId: teamB });
const users = [zhang, li, zhao, wang, chen];

describe('transfer candidates', () => {
  it('are the manager’s own team’s active reps, minus the current owner', () => {
    const names = transferCandidates(users, { role: 'manager', teamId: teamA }, zhang.id, '', 'zh-CN').map(
      (u) => u.displayName,
    );
    expect(names).toEqual(['李娜']);
  });

  it('span every team for an admin, and narrow by the search', () => {
    const all = transferCandidates(users, { role: 'admin', teamId: null }, null, '', 'zh-CN');
    expect(all.map((u) => u.displayName).sort()).toEqual(['张伟', '李娜', '陈静'].sort());
    expect(transferCandidates(users, { role: 'admin', teamId: null }, null, '陈', 'zh-CN')).toEqual([chen]);
  });

  it('are offered to managers and admins only', () => {
    expect(canTransfer('rep')).toBe(false);
    expect(canTransfer('manager')).toBe(true);
    expect(canTransfer('admin')).toBe(true);
    expect(canTransfer(undefined)).toBe(false);
  });
});

describe('the transfer form', () => {
  const customerId = '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e';

  it('needs a rep and a reason', () => {
    expect(validateTransferForm(customerId, '', ' ')).toEqual({
      errors: { toUserId: { key: 'chooseOne' }, reason: { key: 'required' } },
      input: null,
    });
    expect(validateTransferForm(customerId, li.id, 'x'.repeat(201)).errors).toEqual({
      reason: { key: 'tooLong', params: { max: 200 } },
    });
  });

  it('builds the shared transfer arguments', () => {
    expect(validateTransferForm(customerId, li.id, ' 区域调整 ')).toEqual({
      errors: {},
      input: { customerId, toUserId: li.id, reason: '区域调整' },
    });
  });
});
