import { AppError } from '../errors';
import { newId } from '../ids';
import type { CustomerRow } from '../domain/rows';
import type { MutationContext } from './types';

/**
 * What the mutators' unit tests share: an org, the acting rep (`me`), another rep, a fixed clock, the
 * rep's server-side context, a customer factory and a way to catch a refusal. Test-only; never imported
 * by product code.
 */
export function mutationFixture(customerName = '上海恒瑞精密机械有限公司') {
  const orgId = newId();
  const me = newId();
  const other = newId();
  const now = Date.UTC(2026, 10, 25, 8, 0, 0);
  const ctx: MutationContext = {
    authority: 'server',
    orgId,
    userId: me,
    role: 'rep',
    now,
    canSeeOwner: (owner) => owner === me,
  };
  function customer(overrides: Partial<CustomerRow> = {}): CustomerRow {
    return {
      id: newId(),
      orgId,
      name: customerName,
      shortName: null,
      creditCode: null,
      industry: null,
      region: null,
      address: null,
      phone: null,
      website: null,
      source: null,
      status: 'active',
      level: 'B',
      ownerId: me,
      poolState: 'private',
      claimedAt: now - 1000,
      lastFollowUpAt: null,
      lastDealAt: null,
      kind: 'customer',
      leadStatus: null,
      convertedAt: null,
      poolId: null,
      locked: false,
      enteredPoolAt: null,
      previousOwnerId: null,
      deregisteredAt: null,
      attrs: {},
      templateVersionId: null,
      createdAt: now - 1000,
      updatedAt: now - 1000,
      version: 1,
      ...overrides,
    };
  }
  return { orgId, me, other, now, ctx, customer, errorOf };
}

/** The AppError `fn` refuses with; fails the test if it returns or throws anything else. */
export function errorOf(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected an AppError');
}
