import { modKeyLabel } from './shortcut';

/** "⌘ Enter 快速保存": a key combination as key caps, the platform's modifier first when `mod` is set. */
export function ShortcutHint({ keys, mod = true, label }: { keys: string[]; mod?: boolean; label?: string }) {
  const caps = mod ? [modKeyLabel(), ...keys] : keys;
  return (
    <span className="tp-shortcut">
      {caps.map((k) => (
        <kbd key={k} className="tp-kbd">
          {k}
        </kbd>
      ))}
      {label ? <span className="tp-shortcut__label">{label}</span> : null}
    </span>
  );
}
