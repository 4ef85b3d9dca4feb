/**
 * Up to `max` characters that stand for a person: the given name in Chinese as Chinese apps show it
 * (欧阳娜娜 → 娜娜), the surname when only one fits (张伟 → 张), initials otherwise (Li Na → LN).
 */
export function avatarText(name: string, max: 1 | 2 = 2): string {
  const n = name.trim();
  if (n === '') return '?';
  if (/[\u3400-\u9fff]/.test(n)) return max === 1 ? ([...n][0] ?? '?') : [...n].slice(-2).join('');
  const parts = n.split(/\s+/).filter(Boolean);
  return parts
    .slice(0, max)
    .map((p) => [...p][0]?.toUpperCase() ?? '')
    .join('');
}

/** A stable hue per name, so the same person always has the same colour. */
export function avatarHue(name: string): number {
  let h = 0;
  for (const ch of name) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return h;
}

export function Avatar({ name, size = 28 }: { name: string; size?: number }) {
  return (
    <span
      className="tp-avatar"
      style={{
        width: size,
        height: size,
        fontSize: Math.round(size * 0.4),
        ['--tp-avatar-hue' as string]: avatarHue(name),
      }}
      aria-hidden="true"
    >
      {avatarText(name, size < 26 ? 1 : 2)}
    </span>
  );
}
