import type { FollowUpItem } from '../../../../../shared/api/contract';

/** Newest first by when it happened; among equals, the later-written first (UUIDv7 ids sort by time). */
export function sortTimeline(items: readonly FollowUpItem[]): FollowUpItem[] {
  return [...items].sort(
    (a, b) =>
      b.occurredAt - a.occurredAt || b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}
