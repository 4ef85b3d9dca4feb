import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import type { RendererLocation } from './security';

// Importing the real `electron` in plain Node throws (TOOLCHAIN.md); the shell is tested against fakes.
vi.mock('electron', () => ({}));

const {
  contentSecurityPolicy,
  isRendererUrl,
  isTrustedSender,
  secureApp,
  secureSession,
  secureWebContents,
  secureWebPreferences,
} = await import('./security');

const fileLocation: RendererLocation = {
  kind: 'file',
  path: '/opt/Tidepool/resources/app.asar/out/renderer/index.html',
};
const devLocation: RendererLocation = { kind: 'dev', url: 'http://localhost:5173' };

function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: (() => { action: string }) | null = null;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (h: () => { action: string }) => {
      openHandler = h;
    },
  });
  const fire = (name: string, ...args: unknown[]) => {
    const event = {
      defaultPrevented: false,
      preventDefault() {
        this.defaultPrevented = true;
      },
    };
    emitter.emit(name, event, ...args);
    return event.defaultPrevented;
  };
  return { contents, fire, open: () => openHandler?.() };
}

describe('security', () => {
  it('gives windows isolated, sandboxed, node-free web preferences', () => {
    expect(secureWebPreferences('/app/out/preload/index.cjs')).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
    });
  });

  it('sets a strict CSP on every response and refuses every permission', () => {
    let headersListener: ((details: unknown, cb: (r: unknown) => void) => void) | undefined;
    let requestHandler: ((c: unknown, p: string, cb: (ok: boolean) => void) => void) | undefined;
    let checkHandler: (() => boolean) | undefined;
    const ses = {
      webRequest: { onHeadersReceived: (l: typeof headersListener) => (headersListener = l) },
      setPermissionRequestHandler: (h: typeof requestHandler) => (requestHandler = h),
      setPermissionCheckHandler: (h: typeof checkHandler) => (checkHandler = h),
    };
    secureSession(ses as never, fileLocation);
    const answer = vi.fn();
    headersListener?.({ responseHeaders: { 'X-Other': ['1'] } }, answer);
    const headers = (answer.mock.calls[0]?.[0] as { responseHeaders: Record<string, string[]> })
      .responseHeaders;
    expect(headers['X-Other']).toEqual(['1']);
    const csp = headers['Content-Security-Policy']?.[0] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('unsafe-eval');
    const granted = vi.fn();
    requestHandler?.({}, 'geolocation', granted);
    requestHandler?.({}, 'media', granted);
    expect(granted.mock.calls).toEqual([[false], [false]]);
    expect(checkHandler?.()).toBe(false);
  });

  it('lets the dev renderer reach its hot-reload socket only in dev', () => {
    expect(contentSecurityPolicy(devLocation)).toContain("connect-src 'self' ws://localhost:5173");
    expect(contentSecurityPolicy(fileLocation)).toContain("connect-src 'self';");
  });

  it('blocks navigation away from the renderer, new windows and webviews', () => {
    const { contents, fire, open } = fakeContents();
    secureWebContents(contents as never, fileLocation);
    expect(fire('will-navigate', 'https://evil.example/phish')).toBe(true);
    expect(fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(
      fire('will-navigate', 'file:///opt/Tidepool/resources/app.asar/out/renderer/index.html#/customers'),
    ).toBe(false);
    expect(fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(fire('will-attach-webview')).toBe(true);
    expect(open()).toEqual({ action: 'deny' });
  });

  it('secures every web contents the app creates', () => {
    const app = new EventEmitter();
    secureApp(app as never, devLocation);
    const { contents, fire, open } = fakeContents();
    app.emit('web-contents-created', {}, contents);
    expect(fire('will-navigate', 'http://localhost:5173/other')).toBe(false);
    expect(fire('will-navigate', 'http://localhost:6000/')).toBe(true);
    expect(open()).toEqual({ action: 'deny' });
  });

  it('trusts IPC only from frames showing our renderer', () => {
    expect(
      isTrustedSender(
        { url: 'file:///opt/Tidepool/resources/app.asar/out/renderer/index.html' },
        fileLocation,
      ),
    ).toBe(true);
    expect(isTrustedSender({ url: 'https://evil.example/' }, fileLocation)).toBe(false);
    expect(isTrustedSender(null, fileLocation)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5173/index.html' }, devLocation)).toBe(true);
    expect(isRendererUrl('not a url', devLocation)).toBe(false);
  });
});
