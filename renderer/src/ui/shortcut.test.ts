import { describe, expect, it } from 'vitest';
import { isApplePlatform, isModShortcut, modKeyLabel } from './shortcut';

const key = (
  k: string,
  mods: Partial<Record<'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey', boolean>> = {},
) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('names the modifier the way the platform does', () => {
    expect(modKeyLabel('MacIntel')).toBe('⌘');
    expect(modKeyLabel('iPad')).toBe('⌘');
    expect(modKeyLabel('Win32')).toBe('Ctrl');
    expect(modKeyLabel('Linux x86_64')).toBe('Ctrl');
    expect(isApplePlatform('Linux x86_64')).toBe(false);
  });

  it('matches Ctrl/⌘ + the key, in either case, and nothing with Alt or Shift', () => {
    expect(isModShortcut(key('k', { ctrlKey: true }), 'k')).toBe(true);
    expect(isModShortcut(key('K', { metaKey: true }), 'k')).toBe(true);
    expect(isModShortcut(key('k'), 'k')).toBe(false);
    expect(isModShortcut(key('k', { ctrlKey: true, shiftKey: true }), 'k')).toBe(false);
    expect(isModShortcut(key('k', { ctrlKey: true, altKey: true }), 'k')).toBe(false);
    expect(isModShortcut(key('j', { ctrlKey: true }), 'k')).toBe(false);
  });
});
