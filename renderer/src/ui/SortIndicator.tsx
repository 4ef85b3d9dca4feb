import { Icon } from './Icon';

/** The arrow in a sortable table header: faint both-ways when unsorted, one arrow when sorted. */
export function SortIndicator({ direction }: { direction: 'asc' | 'desc' | false }) {
  if (direction === 'asc') return <Icon name="arrowUp" size={12} className="tp-sort tp-sort--active" />;
  if (direction === 'desc') return <Icon name="arrowDown" size={12} className="tp-sort tp-sort--active" />;
  return <Icon name="sort" size={12} className="tp-sort" />;
}
