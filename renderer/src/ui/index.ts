/** Presentational building blocks. `ui/` never imports a feature module (STYLE: Twenty). */
export { Avatar, avatarText, avatarHue } from './Avatar';
export { Badge, type BadgeTone } from './Badge';
export { Button, type ButtonProps } from './Button';
export { Dialog } from './Dialog';
export { EmptyState } from './EmptyState';
export { ErrorBanner } from './ErrorBanner';
export { Field, describedBy } from './Field';
export { FormField, type FieldControlProps } from './FormField';
export { FormFooter } from './FormFooter';
export { Icon, type IconName } from './Icon';
export { Logo } from './Logo';
export { ProgressBar } from './ProgressBar';
export { ShortcutHint } from './ShortcutHint';
export { hasModKey, isModShortcut, modKeyLabel } from './shortcut';
export { Skeleton } from './Skeleton';
export { Spinner } from './Spinner';
export { Toast } from './Toast';
export { SortIndicator } from './SortIndicator';
