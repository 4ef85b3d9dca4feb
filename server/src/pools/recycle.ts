import type { ServerDb } from '../db/database';

/**
 * The recycle job (docs/pools.md "The job"). STUB: to be written (issue 6).
 * Starts running the job for every org every `everyMs`; returns a stop function.
 */
export function startRecycleSchedule(
  _db: ServerDb,
  _opts: { now: () => number; everyMs: number },
): () => void {
  return () => {};
}
