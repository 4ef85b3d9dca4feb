import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import { PROTOCOL_VERSION } from '../../../shared/sync/protocol';
import { loginAs, postJson, startTestServer, type TestServer } from '../testing';
import { SESSION_TTL_MS } from './sessions';

let clock = Date.now();
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 5, now: () => clock });
});
afterAll(async () => {
  await server?.close();
});

const pull = (token: string | undefined) =>
  postJson(
    `${server.url}/sync/pull`,
    { protocolVersion: PROTOCOL_VERSION, clientId: newId(), cursor: null },
    token,
  );

describe('GET /health and unknown routes', () => {
  it('reports the database kind and version', async () => {
    const response = await fetch(`${server.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      db: process.env.TIDEPOOL_TEST_DB === 'postgres' ? 'postgres' : 'pglite',
      version: '0.1.0',
    });
  });

  it('answers 404 JSON for an unknown route', async () => {
    const { status, body } = await postJson(`${server.url}/nope`, {});
    expect(status).toBe(404);
    expect(body).toEqual({ error: { code: 'not_found', message: 'No route POST /nope' } });
  });
});

describe('POST /auth/login', () => {
  it('logs a demo user in with a 30-day opaque token', async () => {
    const { status, body } = await postJson<Record<string, unknown>>(`${server.url}/auth/login`, {
      username: 'zhangwei',
      password: 'tidepool123',
      deviceName: '张伟的ThinkPad',
    });
    expect(status).toBe(200);
    expect(body.token).toMatch(/^[\w-]{43}$/);
    expect(body.expiresAt).toBe(clock + SESSION_TTL_MS);
    expect(body.user).toMatchObject({ username: 'zhangwei', displayName: '张伟', role: 'rep' });
    // Only the token's hash is stored.
    const rows = await server.query(
      'SELECT token_hash, device_name FROM device_sessions WHERE device_name = $1',
      ['张伟的ThinkPad'],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.token_hash).not.toBe(body.token);
  });

  it('refuses a wrong password and an unknown user alike with 401', async () => {
    const wrong = await postJson(`${server.url}/auth/login`, { username: 'lina', password: 'nope' });
    const unknown = await postJson(`${server.url}/auth/login`, { username: 'nobody', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual({ error: { code: 'unauthorized', message: 'Wrong username or password' } });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('validates the body, naming the field', async () => {
    const { status, body } = await postJson(`${server.url}/auth/login`, { username: 'lina', password: 5 });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { code: 'validation', field: 'password' } });
    const broken = await postJson(`${server.url}/auth/login`, '{"username": ');
    expect(broken.status).toBe(400);
    expect(broken.body).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('rate-limits failed logins per username and IP: 10 failures in 5 minutes → 429', async () => {
    for (let i = 0; i < 10; i++) {
      expect(
        (await postJson(`${server.url}/auth/login`, { username: 'admin', password: `bad${i}` })).status,
      ).toBe(401);
    }
    const limited = await postJson<{ error: { message: string } }>(`${server.url}/auth/login`, {
      username: 'admin',
      password: 'tidepool123',
    });
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/Too many failed logins: try again in 5 minutes/);
    // Other users are not affected, and the window passes.
    expect(
      (await postJson(`${server.url}/auth/login`, { username: 'lina', password: 'tidepool123' })).status,
    ).toBe(200);
    clock += 5 * 60 * 1000 + 1;
    expect(
      (await postJson(`${server.url}/auth/login`, { username: 'admin', password: 'tidepool123' })).status,
    ).toBe(200);
  });
});

describe('sessions on sync routes', () => {
  it('accepts a live token and refuses a missing or unknown one with 401', async () => {
    const token = await loginAs(server, 'zhangwei');
    expect((await pull(token)).status).toBe(200);
    const missing = await pull(undefined);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: { code: 'unauthorized' } });
    expect((await pull('x'.repeat(43))).status).toBe(401);
  });

  it('expires a token after 30 days (server clock)', async () => {
    const token = await loginAs(server, 'lina');
    clock += SESSION_TTL_MS - 1000;
    expect((await pull(token)).status).toBe(200);
    clock += 2000;
    const expired = await pull(token);
    expect(expired.status).toBe(401);
    expect(expired.body).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('revokes a token on logout', async () => {
    const token = await loginAs(server, 'wangfang');
    const out = await postJson(`${server.url}/auth/logout`, {}, token);
    expect(out).toEqual({ status: 200, body: { ok: true } });
    expect((await pull(token)).status).toBe(401);
    expect((await postJson(`${server.url}/auth/logout`, {}, token)).status).toBe(401);
  });
});
