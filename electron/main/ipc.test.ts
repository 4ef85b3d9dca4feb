import { describe, expect, it, vi } from 'vitest';
import { API_CHANNELS } from '../../shared/api/channels';
import { apiContract, type ApiHandlers } from '../../shared/api/contract';

vi.mock('electron', () => ({}));

const { registerApi } = await import('./ipc');

type Listener = (event: { senderFrame: { url: string } | null }, input: unknown) => Promise<unknown>;

function fakeIpcMain() {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    handle: (channel: string, listener: Listener) => {
      if (handlers.has(channel)) throw new Error(`twice: ${channel}`);
      handlers.set(channel, listener);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  };
}

const TRUSTED = { senderFrame: { url: 'file:///app/out/renderer/index.html' } };
const trusted = (frame: { url: string } | null) => frame?.url === TRUSTED.senderFrame.url;

describe('registerApi', () => {
  it('lists exactly the contract channels for the preload', () => {
    expect([...API_CHANNELS].sort()).toEqual(Object.keys(apiContract).sort());
  });

  it('registers every channel once and unregisters them all', () => {
    const ipc = fakeIpcMain();
    const off = registerApi(ipc as never, {} as ApiHandlers, trusted);
    expect([...ipc.handlers.keys()].sort()).toEqual([...API_CHANNELS].sort());
    off();
    expect(ipc.handlers.size).toBe(0);
  });

  it('refuses a sender frame that is not our renderer, without running the handler', async () => {
    const ipc = fakeIpcMain();
    const status = vi.fn();
    registerApi(ipc as never, { 'sync.status': status } as unknown as ApiHandlers, trusted);
    const result = await ipc.handlers.get('sync.status')?.(
      { senderFrame: { url: 'https://evil.example/' } },
      {},
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await ipc.handlers.get('sync.status')?.({ senderFrame: null }, {})).toMatchObject({ ok: false });
    expect(status).not.toHaveBeenCalled();
  });

  it('validates the input with the contract and answers the envelope', async () => {
    const ipc = fakeIpcMain();
    const list = vi.fn(() => ({ rows: [], total: 0 }));
    registerApi(ipc as never, { 'customers.list': list } as unknown as ApiHandlers, trusted);
    const call = ipc.handlers.get('customers.list');
    const bad = await call?.(TRUSTED, { offset: -1, limit: 10, sort: { column: 'name', desc: false } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation', field: 'offset' } });
    const injected = await call?.(TRUSTED, {
      offset: 0,
      limit: 10,
      sort: { column: 'name; DROP TABLE customers', desc: false },
    });
    expect(injected).toMatchObject({ ok: false, error: { code: 'validation', field: 'sort.column' } });
    expect(list).not.toHaveBeenCalled();
    const good = await call?.(TRUSTED, {
      offset: 0,
      limit: 10,
      sort: { column: 'name', desc: true },
      query: '  浦东 ',
    });
    expect(good).toEqual({ ok: true, data: { rows: [], total: 0 } });
    expect(list).toHaveBeenCalledWith({
      offset: 0,
      limit: 10,
      sort: { column: 'name', desc: true },
      query: '浦东',
    });
  });

  it('hides unexpected errors behind server_error but keeps AppError codes', async () => {
    const ipc = fakeIpcMain();
    const { AppError } = await import('../../shared/errors');
    registerApi(
      ipc as never,
      {
        'sync.now': () => {
          throw new Error('SQLITE_CORRUPT at /home/rep/secret/path');
        },
        'sync.status': () => {
          throw new AppError('unauthorized', 'Not signed in');
        },
      } as unknown as ApiHandlers,
      trusted,
    );
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await ipc.handlers.get('sync.now')?.(TRUSTED, {})).toEqual({
      ok: false,
      error: { code: 'server_error', message: 'Internal error' },
    });
    spy.mockRestore();
    expect(await ipc.handlers.get('sync.status')?.(TRUSTED, {})).toEqual({
      ok: false,
      error: { code: 'unauthorized', message: 'Not signed in' },
    });
  });
});
