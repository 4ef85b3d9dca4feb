/**
 * A thin progress bar. `value` is a fraction 0–1, or null when the total is not known yet: the bar then
 * sweeps (indeterminate) instead of pretending to a percentage.
 */
export function ProgressBar({
  value,
  label,
  size = 'md',
  testId,
}: {
  value: number | null;
  /** What is progressing, for screen readers. */
  label: string;
  size?: 'sm' | 'md';
  testId?: string;
}) {
  const percent = value === null ? null : Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div
      className={`tp-progress tp-progress--${size}${percent === null ? ' tp-progress--indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      data-testid={testId}
      data-value={percent ?? undefined}
    >
      <div className="tp-progress__fill" style={percent === null ? undefined : { width: `${percent}%` }} />
    </div>
  );
}
