/** Presentational building blocks. `ui/` never imports a feature module (STYLE: Twenty). */
export { Avatar, avatarText, avatarHue } from './Avatar';
export { Badge, type BadgeTone } from './Badge';
export { Button, type ButtonProps } from './Button';
export { Dialog } from './Dialog';
export { EmptyState } from './EmptyState';
export { Field, describedBy } from './Field';
export { Icon, type IconName } from './Icon';
export { Logo } from './Logo';
export { ProgressBar } from './ProgressBar';
export { Skeleton } from './Skeleton';
export { Spinner } from './Spinner';
export { SortIndicator } from './SortIndicator';
