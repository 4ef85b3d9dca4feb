import type { StateCreator } from 'zustand';
import type { PoolKind } from '../../../../../shared/pools/schema';
import { getApi } from '../../../api/client';
import type { AppState } from '../../../app/store';

/**
 * Claims and assignments from the public sea that this window queued and the server has not answered
 * yet. A claim is a server operation (the device does not hold public customers): it waits in the
 * outbox, and the pull brings the customer (accepted) or a rejection into the inbox (refused). Kept
 * across screens so a rep who comes back to the public sea still sees "claim pending" on the row.
 */
export type SeaClaim = {
  id: string;
  name: string;
  kind: PoolKind;
  /** A rep's own claim, or a manager's assignment to `toName`. */
  mode: 'claim' | 'assign';
  toName: string | null;
  at: number;
  /**
   * `accepted`: the customer arrived on this device (its row leaves the list); `refused`: the inbox
   * holds the refusal (the row says so and may be claimed again).
   */
  state: 'pending' | 'accepted' | 'refused';
};

export type PublicSeaSlice = {
  seaClaims: Record<string, SeaClaim>;
  /** Queues `customers.claim`; throws the core's error (the caller shows it). */
  claimFromSea: (item: { id: string; name: string; kind: PoolKind }, reason: string) => Promise<void>;
  /** Records an assignment the assign dialog queued, so its row shows it as pending. */
  noteSeaAssignment: (item: { id: string; name: string; kind: PoolKind }, toName: string) => void;
  /**
   * Settles what came back: a customer now on this device was accepted; one the inbox holds a
   * rejection for was refused.
   */
  settleSeaClaims: () => Promise<void>;
};

/** The inbox's refusals of public-sea moves, by customer id. */
function refusedIds(state: AppState): Set<string> {
  const out = new Set<string>();
  for (const item of state.inboxItems ?? []) {
    if (item.kind !== 'rejection') continue;
    if (item.mutationName !== 'claimCustomer' && item.mutationName !== 'assignCustomer') continue;
    const args = item.args as { customerId?: unknown } | null;
    if (args && typeof args.customerId === 'string') out.add(args.customerId);
  }
  return out;
}

export const createPublicSeaSlice: StateCreator<AppState, [], [], PublicSeaSlice> = (set, get) => ({
  seaClaims: {},
  claimFromSea: async (item, reason) => {
    await getApi().call('customers.claim', { customerId: item.id, reason });
    set((s) => ({
      seaClaims: {
        ...s.seaClaims,
        [item.id]: { ...item, mode: 'claim', toName: null, at: Date.now(), state: 'pending' },
      },
    }));
    // The outbox grew: the pending count in the top bar says so at once.
    void get().loadSyncStatus();
  },
  noteSeaAssignment: (item, toName) =>
    set((s) => ({
      seaClaims: {
        ...s.seaClaims,
        [item.id]: { ...item, mode: 'assign', toName, at: Date.now(), state: 'pending' },
      },
    })),
  settleSeaClaims: async () => {
    const pending = Object.values(get().seaClaims).filter((c) => c.state === 'pending');
    if (pending.length === 0) return;
    const refused = refusedIds(get());
    const outcomes = await Promise.all(
      pending.map(async (c): Promise<[string, 'accepted' | 'refused' | 'pending']> => {
        if (refused.has(c.id)) return [c.id, 'refused'];
        try {
          await getApi().call('customers.get', { id: c.id });
          return [c.id, 'accepted'];
        } catch {
          // Not on this device yet (the usual answer while it waits), or unreadable now: still pending.
          return [c.id, 'pending'];
        }
      }),
    );
    if (outcomes.every(([, o]) => o === 'pending')) return;
    set((s) => {
      const next = { ...s.seaClaims };
      for (const [id, outcome] of outcomes) {
        const claim = next[id];
        if (!claim || claim.state !== 'pending') continue;
        if (outcome !== 'pending') next[id] = { ...claim, state: outcome };
      }
      return { seaClaims: next };
    });
  },
});
