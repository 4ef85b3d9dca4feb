import { describe, expect, it } from 'vitest';
import { avatarText } from '../../../ui/Avatar';
import { checkLoginForm, DEFAULT_SERVER_URL, initialServerUrl } from './loginForm';

describe('login form', () => {
  it('asks for every field and an http(s) address', () => {
    expect(checkLoginForm({ serverUrl: '', username: ' ', password: '' })).toEqual({
      serverUrl: 'required',
      username: 'required',
      password: 'required',
    });
    expect(checkLoginForm({ serverUrl: 'ftp://x', username: 'a', password: 'b' })).toEqual({
      serverUrl: 'invalidUrl',
    });
    expect(
      checkLoginForm({ serverUrl: 'http://127.0.0.1:4400', username: 'zhangwei', password: 'x' }),
    ).toEqual({});
  });

  it('prefills the host hint, else the last address, else the local default', () => {
    expect(initialServerUrl('http://10.0.0.2:4400', 'http://old')).toBe('http://10.0.0.2:4400');
    expect(initialServerUrl(null, 'http://old')).toBe('http://old');
    expect(initialServerUrl(null, '')).toBe(DEFAULT_SERVER_URL);
  });
});

describe('avatarText', () => {
  it('shows a Chinese given name, a surname when small, Latin initials otherwise', () => {
    expect(avatarText('张伟')).toBe('张伟');
    expect(avatarText('欧阳娜娜')).toBe('娜娜');
    expect(avatarText('张伟', 1)).toBe('张');
    expect(avatarText('li na')).toBe('LN');
    expect(avatarText('  ')).toBe('?');
  });
});
