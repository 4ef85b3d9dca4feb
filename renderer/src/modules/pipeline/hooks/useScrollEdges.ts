import { useCallback, useEffect, useRef, useState } from 'react';

/** Which horizontal edges of a scroll container still hide content. */
export interface ScrollEdges {
  start: boolean;
  end: boolean;
}

/**
 * Watches a horizontally scrolling element and tells whether more content lies past its left / right
 * edge, so the view can draw a fade there (a cue that the board scrolls: overlay scrollbars and wide
 * windows otherwise give none). Re-measured on scroll, on resize and when its children change.
 */
export function useScrollEdges<T extends HTMLElement>(): [(el: T | null) => void, ScrollEdges] {
  const [el, setEl] = useState<T | null>(null);
  const [edges, setEdges] = useState<ScrollEdges>({ start: false, end: false });
  const frame = useRef(0);

  const measure = useCallback(() => {
    if (!el) return;
    const max = el.scrollWidth - el.clientWidth;
    const start = el.scrollLeft > 1;
    const end = el.scrollLeft < max - 1;
    setEdges((cur) => (cur.start === start && cur.end === end ? cur : { start, end }));
  }, [el]);

  useEffect(() => {
    if (!el) return undefined;
    const schedule = () => {
      cancelAnimationFrame(frame.current);
      frame.current = requestAnimationFrame(measure);
    };
    schedule();
    el.addEventListener('scroll', schedule, { passive: true });
    const resize = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(schedule);
    resize?.observe(el);
    const mutation = typeof MutationObserver === 'undefined' ? null : new MutationObserver(schedule);
    mutation?.observe(el, { childList: true });
    return () => {
      cancelAnimationFrame(frame.current);
      el.removeEventListener('scroll', schedule);
      resize?.disconnect();
      mutation?.disconnect();
    };
  }, [el, measure]);

  return [setEl, edges];
}
