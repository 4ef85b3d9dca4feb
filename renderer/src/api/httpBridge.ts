import type { DesktopBridge } from '../../../shared/api/bridge';
import type { ApiEvent, ApiResult } from '../../../shared/api/contract';
import type { AppErrorData } from '../../../shared/errors';
import { isAppErrorData } from './apiError';

/** The header the Node host checks on every `/api/<channel>` call. */
export const TOKEN_HEADER = 'x-tidepool-token';
const TOKEN_STORAGE_KEY = 'tidepool.hostToken';

/** The HTTP status a host or proxy answered with, turned into one of our error codes. */
export function errorCodeForStatus(status: number): string {
  if (status === 400 || status === 413 || status === 422) return 'bad_request';
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 426) return 'upgrade_required';
  return 'server_error';
}

/**
 * Reads a host answer into the `ApiResult` envelope, whatever came back: the envelope itself (whatever the
 * status), a bare `{error}` body, or something else entirely (an HTML error page, an empty body), which
 * becomes an error named after the HTTP status. Pure, so it is unit-tested without a server.
 */
export function toApiResult<T>(status: number, bodyText: string): ApiResult<T> {
  let body: unknown;
  try {
    body = bodyText === '' ? undefined : JSON.parse(bodyText);
  } catch {
    body = undefined;
  }
  if (typeof body === 'object' && body !== null) {
    const b = body as Record<string, unknown>;
    if (b.ok === true && 'data' in b) return { ok: true, data: b.data as T };
    if (b.ok === false && isAppErrorData(b.error)) return { ok: false, error: cleanError(b.error) };
    if (isAppErrorData(b.error)) return { ok: false, error: cleanError(b.error) };
  }
  if (status >= 200 && status < 300 && body !== undefined) {
    // A host that answers the bare output rather than the envelope still works.
    return { ok: true, data: body as T };
  }
  return {
    ok: false,
    error: { code: errorCodeForStatus(status), message: `HTTP ${status} from the local Tidepool host` },
  };
}

/** What a fetch that never got an answer means to the user: the local host is gone. */
export function unreachableError(err: unknown): AppErrorData {
  const detail = err instanceof Error ? err.message : String(err);
  return { code: 'offline', message: `Cannot reach the local Tidepool host: ${detail}` };
}

function cleanError(e: AppErrorData): AppErrorData {
  const out: AppErrorData = { code: e.code, message: e.message };
  if (typeof e.field === 'string') out.field = e.field;
  if (e.params && typeof e.params === 'object') out.params = e.params;
  return out;
}

/**
 * The host token arrives once in the `token` query parameter of the URL the host prints. It is kept in
 * sessionStorage (survives reloads of this tab, not other tabs) and removed from the address bar so it
 * does not end up in screenshots, history or bookmarks.
 */
export function takeHostToken(loc: Location, history: History, storage: Storage): string | null {
  const url = new URL(loc.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_STORAGE_KEY);
}

/**
 * The browser-mode bridge: the same contract as Electron's preload, over `POST /api/<channel>` and
 * server-sent events on the host that served this page (same origin, so the CSP's `connect-src 'self'`
 * covers it).
 */
export function createHttpBridge(token: string | null, base = ''): DesktopBridge {
  const listeners = new Set<(event: ApiEvent) => void>();
  let source: EventSource | null = null;

  const openEvents = () => {
    if (source || typeof EventSource === 'undefined') return;
    source = new EventSource(`${base}/api/events?token=${encodeURIComponent(token ?? '')}`);
    source.onmessage = (msg: MessageEvent<string>) => {
      let event: ApiEvent;
      try {
        event = JSON.parse(msg.data) as ApiEvent;
      } catch {
        return;
      }
      for (const l of listeners) l(event);
    };
    // EventSource reconnects by itself; nothing to do on error.
  };

  return {
    async invoke(channel, input) {
      let res: Response;
      try {
        res = await fetch(`${base}/api/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token ?? '' },
          body: JSON.stringify(input ?? {}),
        });
      } catch (err) {
        return { ok: false, error: unreachableError(err) };
      }
      return toApiResult(res.status, await res.text());
    },
    onEvent(listener) {
      listeners.add(listener);
      openEvents();
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && source) {
          source.close();
          source = null;
        }
      };
    },
  };
}
