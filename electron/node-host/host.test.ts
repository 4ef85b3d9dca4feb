import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/src/testing';
import type { ApiEvent } from '../../shared/api/contract';
import { createClientCore, type ClientCore } from '../main/core/index';
import { makeTempDir } from '../main/core/testing';
import { startNodeHost, type NodeHost } from './host';

describe('node host (browser mode)', () => {
  const temp = makeTempDir();
  let server: TestServer;
  let core: ClientCore;
  let host: NodeHost;

  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 20 });
    core = await createClientCore({ dataDir: join(temp.dir, 'client'), syncIntervalMs: 60_000 });
    const rendererDir = join(temp.dir, 'renderer');
    mkdirSync(join(rendererDir, 'assets'), { recursive: true });
    writeFileSync(
      join(rendererDir, 'index.html'),
      '<!doctype html><html><head><title>Tidepool</title></head><body></body></html>',
    );
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    host = await startNodeHost({ core, rendererDir, defaultServerUrl: server.url });
  });
  afterAll(async () => {
    await host?.close();
    await core?.close();
    await server?.close();
    temp.remove();
  });

  const api = (channel: string, body: unknown, token: string = host.token) =>
    fetch(`${host.url}/api/${channel}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tidepool-token': token },
      body: JSON.stringify(body),
    });

  it('prints a ready URL on loopback with its token', () => {
    expect(host.readyUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/);
  });

  it('refuses calls without the token', async () => {
    const res = await api('session.get', {}, 'wrong');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect((await fetch(`${host.url}/api/events?token=nope`)).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const port = new URL(host.url).port;
      const req = request(
        { host: '127.0.0.1', port, path: '/', headers: { host: `evil.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('serves the contract: validation errors, login, list, unknown channels', async () => {
    expect(await (await api('session.get', {})).json()).toEqual({ ok: true, data: null });
    const bad = await (
      await api('session.login', { serverUrl: 'ftp://x', username: '', password: 'x' })
    ).json();
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation', field: 'serverUrl' } });
    const wrong = await (
      await api('session.login', { serverUrl: server.url, username: 'zhangwei', password: 'nope' })
    ).json();
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(
      await (
        await api('customers.list', { offset: 0, limit: 10, sort: { column: 'name', desc: false } })
      ).json(),
    ).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });

    const events: ApiEvent[] = [];
    const controller = new AbortController();
    const stream = await fetch(`${host.url}/api/events?token=${host.token}`, { signal: controller.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let at: number;
          while ((at = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, at);
            buffer = buffer.slice(at + 2);
            if (frame.startsWith('data: ')) events.push(JSON.parse(frame.slice(6)) as ApiEvent);
          }
        }
      } catch {
        // aborted
      }
    })();

    const login = await (
      await api('session.login', { serverUrl: server.url, username: 'zhangwei', password: 'tidepool123' })
    ).json();
    expect(login).toMatchObject({
      ok: true,
      data: { user: { username: 'zhangwei' }, serverUrl: server.url },
    });
    const synced = await (await api('sync.now', {})).json();
    expect(synced).toMatchObject({ ok: true, data: { online: true, pending: 0 } });
    const list = (await (
      await api('customers.list', { offset: 0, limit: 5, sort: { column: 'lastFollowUpAt', desc: true } })
    ).json()) as {
      ok: boolean;
      data: { total: number };
    };
    expect(list.ok).toBe(true);
    expect(list.data.total).toBeGreaterThan(0);
    expect(await (await api('customers.drop', {})).json()).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    await reading;
    expect(events.some((e) => e.type === 'sync.status')).toBe(true);
    expect(events.some((e) => e.type === 'data.changed' && e.tables.includes('customers'))).toBe(true);
  });

  it('serves the renderer with a strict CSP and the default server address', async () => {
    const res = await fetch(`${host.url}/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain(`<meta name="tidepool-server-url" content="${server.url}" />`);
    const asset = await fetch(`${host.url}/assets/app.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-security-policy')).toBe(csp);
    expect((await fetch(`${host.url}/../../etc/passwd`)).status).toBe(404);
  });
});
