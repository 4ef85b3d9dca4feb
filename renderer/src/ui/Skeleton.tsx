export function Skeleton({ width = '100%', height = 12 }: { width?: number | string; height?: number }) {
  return <span className="tp-skeleton" style={{ width, height }} aria-hidden="true" />;
}
