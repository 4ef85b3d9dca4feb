import { describe, expect, it } from 'vitest';
import { ApiCallError, toAppErrorData } from './apiError';
import { createApiClient } from './client';
import { errorCodeForStatus, takeHostToken, toApiResult, unreachableError } from './httpBridge';

describe('toApiResult', () => {
  it('passes the envelope through, whatever the status', () => {
    expect(toApiResult(200, '{"ok":true,"data":{"id":"a"}}')).toEqual({ ok: true, data: { id: 'a' } });
    expect(
      toApiResult(200, '{"ok":false,"error":{"code":"validation","message":"m","field":"content"}}'),
    ).toEqual({
      ok: false,
      error: { code: 'validation', message: 'm', field: 'content' },
    });
    expect(toApiResult(401, '{"ok":false,"error":{"code":"unauthorized","message":"bad token"}}')).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: 'bad token' },
    });
  });

  it('reads a bare {error} body (the sync server style) and keeps params', () => {
    expect(
      toApiResult(409, '{"error":{"code":"duplicate","message":"m","params":{"holder":"李娜"}}}'),
    ).toEqual({
      ok: false,
      error: { code: 'duplicate', message: 'm', params: { holder: '李娜' } },
    });
  });

  it('turns a non-JSON failure into an error named after the status', () => {
    const r = toApiResult(502, '<html>Bad gateway</html>');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('server_error');
    const empty = toApiResult(404, '');
    expect(!empty.ok && empty.error.code).toBe('not_found');
  });

  it('accepts a bare 2xx body as data', () => {
    expect(toApiResult(200, '{"rows":[],"total":0}')).toEqual({ ok: true, data: { rows: [], total: 0 } });
  });

  it('maps HTTP statuses to error codes', () => {
    expect(errorCodeForStatus(400)).toBe('bad_request');
    expect(errorCodeForStatus(401)).toBe('unauthorized');
    expect(errorCodeForStatus(403)).toBe('forbidden');
    expect(errorCodeForStatus(409)).toBe('conflict');
    expect(errorCodeForStatus(413)).toBe('bad_request');
    expect(errorCodeForStatus(426)).toBe('upgrade_required');
    expect(errorCodeForStatus(500)).toBe('server_error');
  });

  it('calls a fetch that never answered "offline"', () => {
    expect(unreachableError(new TypeError('Failed to fetch'))).toEqual({
      code: 'offline',
      message: 'Cannot reach the local Tidepool host: Failed to fetch',
    });
  });
});

describe('the API client', () => {
  it('resolves data and throws an ApiCallError carrying code, field and params', async () => {
    const api = createApiClient({
      invoke: async (channel) =>
        channel === 'sync.status'
          ? ({ ok: true, data: { pending: 3 } } as never)
          : ({
              ok: false,
              error: {
                code: 'validation',
                message: 'content: Required',
                field: 'content',
                params: { max: 5 },
              },
            } as never),
      onEvent: () => () => undefined,
    });
    await expect(api.call('sync.status', {})).resolves.toEqual({ pending: 3 });
    const err = await api.call('session.logout', {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiCallError);
    expect(toAppErrorData(err)).toEqual({
      code: 'validation',
      message: 'content: Required',
      field: 'content',
      params: { max: 5 },
    });
    expect((err as ApiCallError).channel).toBe('session.logout');
  });

  it('turns anything else thrown into server_error data', () => {
    expect(toAppErrorData(new Error('boom'))).toEqual({ code: 'server_error', message: 'boom' });
    expect(toAppErrorData({ code: 'offline', message: 'm' })).toEqual({ code: 'offline', message: 'm' });
  });
});

describe('takeHostToken', () => {
  function fakes(href: string) {
    const store = new Map<string, string>();
    const replaced: string[] = [];
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
    } as Storage;
    const history = {
      state: null,
      replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url),
    } as unknown as History;
    return { location: { href } as Location, storage, history, replaced };
  }

  it('takes the token from the URL, keeps it for reloads and removes it from the address bar', () => {
    const f = fakes('http://127.0.0.1:4410/?token=abc&x=1#/customers');
    expect(takeHostToken(f.location, f.history, f.storage)).toBe('abc');
    expect(f.replaced).toEqual(['/?x=1#/customers']);
    const reload = fakes('http://127.0.0.1:4410/#/customers');
    reload.storage.setItem('tidepool.hostToken', 'abc');
    expect(takeHostToken(reload.location, reload.history, reload.storage)).toBe('abc');
    expect(reload.replaced).toEqual([]);
  });

  it('returns null when there is no token anywhere', () => {
    const f = fakes('http://127.0.0.1:4410/');
    expect(takeHostToken(f.location, f.history, f.storage)).toBeNull();
  });
});
