import { useTranslation } from 'react-i18next';
import type { CustomerListItem } from '../../../../../shared/api/contract';
import { Badge, type BadgeTone } from '../../../ui';

const LEVEL_TONE: Record<NonNullable<CustomerListItem['level']>, BadgeTone> = {
  A: 'brand',
  B: 'info',
  C: 'warning',
  D: 'neutral',
};
const STATUS_TONE: Record<CustomerListItem['status'], BadgeTone> = {
  active: 'success',
  dormant: 'warning',
  deregistered: 'danger',
};

export function LevelBadge({
  level,
  compact = false,
}: {
  level: CustomerListItem['level'];
  compact?: boolean;
}) {
  const { t } = useTranslation();
  if (!level) return <span className="tp-muted">—</span>;
  return (
    <Badge tone={LEVEL_TONE[level]} title={t(`customer.level.${level}`)}>
      {compact ? level : t(`customer.level.${level}`)}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: CustomerListItem['status'] }) {
  const { t } = useTranslation();
  return (
    <Badge tone={STATUS_TONE[status]} dot>
      {t(`customer.status.${status}`)}
    </Badge>
  );
}

/** A company's square monogram: its first meaningful character, coloured by name. */
export function CompanyMark({ name, size = 28 }: { name: string; size?: number }) {
  const char = monogram(name);
  let hue = 0;
  for (const ch of name) hue = (hue * 17 + (ch.codePointAt(0) ?? 0)) % 360;
  return (
    <span
      className="tp-company-mark"
      style={{
        width: size,
        height: size,
        fontSize: Math.round(size * 0.46),
        ['--tp-mark-hue' as string]: hue,
      }}
      aria-hidden="true"
    >
      {char}
    </span>
  );
}

/** Skips the place-name prefix Chinese company names start with (上海…, 北京…) when a short name is absent. */
export function monogram(name: string): string {
  const n = name.trim();
  return [...n][0]?.toUpperCase() ?? '?';
}
