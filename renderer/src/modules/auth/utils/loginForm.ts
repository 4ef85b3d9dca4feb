/** Where the login form remembers the last server address and username (never the password). */
export const LAST_SERVER_KEY = 'tidepool.lastServerUrl';
export const LAST_USERNAME_KEY = 'tidepool.lastUsername';
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4400';

export type LoginValues = { serverUrl: string; username: string; password: string };
export type LoginField = keyof LoginValues;

/**
 * The checks worth making before asking the core (which validates again with the contract's schema):
 * blanks, and an address that is not http(s). Returns translation keys under `validation.`.
 */
export function checkLoginForm(v: LoginValues): Partial<Record<LoginField, string>> {
  const errors: Partial<Record<LoginField, string>> = {};
  const url = v.serverUrl.trim();
  if (url === '') errors.serverUrl = 'required';
  else if (!/^https?:\/\/[^\s/]+/i.test(url)) errors.serverUrl = 'invalidUrl';
  if (v.username.trim() === '') errors.username = 'required';
  if (v.password === '') errors.password = 'required';
  return errors;
}

/** The `<meta name="tidepool-server-url">` the Node host adds when it knows the server (e.g. `--embedded-server`). */
export const SERVER_URL_META = 'tidepool-server-url';

/** The address to prefill: the host's hint for this run, else the last one used, else the local default. */
export function initialServerUrl(
  hostHint: string | null | undefined,
  remembered: string | null | undefined,
): string {
  return hostHint?.trim() || remembered?.trim() || DEFAULT_SERVER_URL;
}
