import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppErrorData } from '../../../../../shared/errors';
import type { ClaimStanding, PublicSeaItem, PublicSeaQuery } from '../../../../../shared/pools/schema';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { appendPage } from '../utils/publicSeaView';

/** Rows per `publicSea.list` call; "load more" asks for the next page from the cursor. */
export const SEA_PAGE = 50;

export type SeaFilters = Omit<PublicSeaQuery, 'cursor' | 'limit'>;

export type PublicSeaState = {
  rows: PublicSeaItem[];
  nextCursor: string | null;
  standing: ClaimStanding | null;
  /** The first page of the current filters has arrived (rows may be empty). */
  loaded: boolean;
  /** When the standing was read (claims queued later are not in it yet). */
  loadedAt: number | null;
  loading: boolean;
  loadingMore: boolean;
  error: AppErrorData | null;
};

const EMPTY: PublicSeaState = {
  rows: [],
  nextCursor: null,
  standing: null,
  loaded: false,
  loadedAt: null,
  loading: true,
  loadingMore: false,
  error: null,
};

/**
 * The public sea as the server pages it (`publicSea.list`, online only: devices do not hold public
 * customers). A change of filters starts over from the first page; "load more" follows the keyset
 * cursor and appends. An answer for filters no longer current is dropped.
 */
export function usePublicSea(filters: SeaFilters): PublicSeaState & {
  loadMore: () => void;
  reload: () => void;
} {
  const [state, setState] = useState<PublicSeaState>(EMPTY);
  const [reloads, setReloads] = useState(0);
  const key = JSON.stringify(filters);
  /** The filters the screen shows now, and the state as of the last render (for "load more"). */
  const current = useRef(key);
  const latest = useRef(state);
  const shownKey = useRef<string | null>(null);
  useEffect(() => {
    current.current = key;
    latest.current = state;
  });

  useEffect(() => {
    let live = true;
    // A retry keeps the rows on screen; new filters must not show the old filters' rows meanwhile.
    const fresh = shownKey.current !== key;
    shownKey.current = key;
    setState((s) => (fresh ? EMPTY : { ...s, loading: true, error: null }));
    getApi()
      .call('publicSea.list', { ...(JSON.parse(key) as SeaFilters), limit: SEA_PAGE })
      .then(
        (page) =>
          live &&
          setState({
            rows: page.rows,
            nextCursor: page.nextCursor,
            standing: page.standing,
            loaded: true,
            loadedAt: Date.now(),
            loading: false,
            loadingMore: false,
            error: null,
          }),
        (err: unknown) =>
          live && setState((s) => ({ ...s, loading: false, loadingMore: false, error: toAppErrorData(err) })),
      );
    return () => {
      live = false;
    };
  }, [key, reloads]);

  const loadMore = useCallback(() => {
    const s = latest.current;
    if (!s.nextCursor || s.loadingMore || s.loading) return;
    const asked = current.current;
    setState((prev) => ({ ...prev, loadingMore: true }));
    getApi()
      .call('publicSea.list', { ...(JSON.parse(asked) as SeaFilters), cursor: s.nextCursor, limit: SEA_PAGE })
      .then(
        (page) => {
          if (current.current !== asked) return;
          setState((prev) => ({
            ...prev,
            rows: appendPage(prev.rows, page),
            nextCursor: page.nextCursor,
            standing: page.standing ?? prev.standing,
            loadingMore: false,
            error: null,
          }));
        },
        (err: unknown) => {
          if (current.current !== asked) return;
          setState((prev) => ({ ...prev, loadingMore: false, error: toAppErrorData(err) }));
        },
      );
  }, []);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { ...state, loadMore, reload };
}
