/**
 * Counts failed logins per key (username + IP) in a sliding window, in memory. Per instance only: with
 * several server instances an attacker gets N× the budget, which is acceptable for issue 2; a shared
 * store (a table) is the next step if it is not.
 */
export type LoginThrottle = {
  /** Milliseconds until the key may try again, or 0 when it may try now. */
  retryAfterMs(key: string, now: number): number;
  recordFailure(key: string, now: number): void;
  reset(key: string): void;
};

export function createLoginThrottle(opts: { maxFailures?: number; windowMs?: number } = {}): LoginThrottle {
  const maxFailures = opts.maxFailures ?? 10;
  const windowMs = opts.windowMs ?? 5 * 60 * 1000;
  const failures = new Map<string, number[]>();

  const recent = (key: string, now: number): number[] => {
    const list = (failures.get(key) ?? []).filter((at) => at > now - windowMs);
    if (list.length === 0) failures.delete(key);
    else failures.set(key, list);
    return list;
  };

  return {
    retryAfterMs(key, now) {
      const list = recent(key, now);
      if (list.length < maxFailures) return 0;
      const oldest = list[list.length - maxFailures] ?? now;
      return Math.max(1, oldest + windowMs - now);
    },
    recordFailure(key, now) {
      const list = recent(key, now);
      list.push(now);
      failures.set(key, list);
      // Bound memory under a spray of usernames: forget the oldest keys first.
      if (failures.size > 100_000) {
        const first = failures.keys().next();
        if (!first.done) failures.delete(first.value);
      }
    },
    reset(key) {
      failures.delete(key);
    },
  };
}
