import type { App, Session, WebContents, WebPreferences } from 'electron';
import { CONTENT_SECURITY_POLICY } from './core/csp';

/**
 * Everything that keeps the renderer contained lives in this file (STYLE §11, SPEC §6): window options,
 * the CSP header, navigation and new-window blocking, permission denial, and the check that an IPC
 * message comes from our own renderer. The renderer is treated as untrusted: if a bug ever let it run
 * foreign script, it would still reach nothing but the typed `window.api`.
 */

/** Where our renderer is loaded from: the dev server's origin, or the built `index.html` file. */
export type RendererLocation = { kind: 'dev'; url: string } | { kind: 'file'; path: string };

/** The web preferences every Tidepool window gets. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

/** The CSP for a location: the dev server additionally needs its hot-reload websocket. */
export function contentSecurityPolicy(location: RendererLocation): string {
  if (location.kind === 'file') return CONTENT_SECURITY_POLICY;
  const ws = new URL(location.url);
  ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
  return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", `connect-src 'self' ${ws.origin}`);
}

/** True when `url` is a page of our renderer (and so may talk to the core). */
export function isRendererUrl(url: string, location: RendererLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (location.kind === 'dev') return parsed.origin === new URL(location.url).origin;
  const expected = new URL(
    `file://${location.path.startsWith('/') ? '' : '/'}${location.path.replace(/\\/g, '/')}`,
  );
  return (
    parsed.protocol === 'file:' &&
    decodeURIComponent(parsed.pathname) === decodeURIComponent(expected.pathname)
  );
}

/**
 * Session-wide rules: the CSP header on every response, and every permission (camera, geolocation,
 * notifications, …) refused — a CRM form needs none of them.
 */
export function secureSession(ses: Session, location: RendererLocation): void {
  const csp = contentSecurityPolicy(location);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

/** Per-window rules: it never navigates away from our renderer, opens no windows and embeds no webviews. */
export function secureWebContents(contents: WebContents, location: RendererLocation): void {
  contents.on('will-navigate', (event, url) => {
    if (!isRendererUrl(url, location)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isRendererUrl(url, location)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/** Applies the per-window rules to every web contents the app ever creates, including ones we did not plan. */
export function secureApp(app: App, location: RendererLocation): void {
  app.on('web-contents-created', (_event, contents) => secureWebContents(contents, location));
}

/** An IPC sender is trusted only if it is a frame showing our renderer (not an iframe of something else). */
export function isTrustedSender(
  frame: { url: string } | null | undefined,
  location: RendererLocation,
): boolean {
  return !!frame && isRendererUrl(frame.url, location);
}
