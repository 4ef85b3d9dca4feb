export function Spinner({ size = 16, label }: { size?: number; label?: string }) {
  return (
    <span
      className="tp-spinner"
      style={{ width: size, height: size }}
      role={label ? 'status' : undefined}
      aria-label={label}
    />
  );
}
