/**
 * Keyboard shortcuts named the way the platform names them: ⌘ on Apple devices, Ctrl elsewhere. Pure
 * functions of the platform string so they are tested without a DOM.
 */

export function isApplePlatform(platform: string): boolean {
  return /Mac|iPhone|iPad|iPod/.test(platform);
}

/** "⌘" or "Ctrl": the modifier a shortcut hint shows. */
export function modKeyLabel(platform: string = currentPlatform()): string {
  return isApplePlatform(platform) ? '⌘' : 'Ctrl';
}

/** The modifier the platform uses for app shortcuts is held (⌘ on Apple, Ctrl elsewhere; either is accepted). */
export function hasModKey(e: { ctrlKey: boolean; metaKey: boolean }): boolean {
  return e.ctrlKey || e.metaKey;
}

/** Ctrl/⌘ + `key` (case-insensitive), with neither Alt nor Shift, so ⌘⇧K and AltGr combinations pass. */
export function isModShortcut(
  e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean },
  key: string,
): boolean {
  return hasModKey(e) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === key.toLowerCase();
}

function currentPlatform(): string {
  return typeof navigator === 'undefined' ? '' : navigator.platform;
}
