import { randomUUID } from 'node:crypto';
import {
  PROTOCOL_VERSION,
  type PullResponse,
  type PushResponse,
  type PushedMutation,
} from '../../shared/sync/protocol';
import { BENCH_PASSWORD } from './seed';

/** Every bench request gives up after this long, so a stuck server fails the figure instead of hanging. */
export const REQUEST_TIMEOUT_MS = 60_000;

/** A request that did not answer 2xx (or did not answer): counted as an error by the load figures. */
export class BenchHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function request<T>(
  url: string,
  init: { method: 'GET' | 'POST'; body?: unknown; token?: string },
): Promise<{ body: T; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, {
    method: init.method,
    headers: {
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (!response.ok)
    throw new BenchHttpError(
      response.status,
      `${init.method} ${url}: ${response.status} ${text.slice(0, 300)}`,
    );
  return { body: JSON.parse(text) as T, ms };
}

/**
 * A plain HTTP sync client speaking the protocol directly (no SQLite): what the server-side figures use
 * to simulate many devices from one process. It keeps its own mutation ids and cursor like a device.
 */
export type SyncDevice = {
  readonly clientId: string;
  readonly userId: string;
  /** The next mutation id this device will use (1, 2, 3, … without gaps). */
  nextMutationId: number;
  cursor: string | null;
  /** Sends mutations as one push; returns the answer and its latency. */
  push(
    mutations: { name: string; args: unknown }[],
    baseUrl?: string,
  ): Promise<{ sent: PushedMutation[]; response: PushResponse; ms: number }>;
  /** Re-sends exactly the same push (a retry or a duplicate), optionally to another server instance. */
  resend(sent: PushedMutation[], baseUrl?: string): Promise<{ response: PushResponse; ms: number }>;
  /** One pull request from the current cursor; the cursor moves to the answer's. */
  pullPage(limit?: number): Promise<{ response: PullResponse; ms: number }>;
  health(): Promise<number>;
};

/** Logs a bench user in and returns a device bound to `baseUrl` (a server instance). */
export async function connectDevice(baseUrl: string, username: string): Promise<SyncDevice> {
  const { body } = await request<{ token: string; user: { id: string } }>(`${baseUrl}/auth/login`, {
    method: 'POST',
    body: { username, password: BENCH_PASSWORD, deviceName: 'bench' },
  });
  const token = body.token;
  const device: SyncDevice = {
    clientId: randomUUID(),
    userId: body.user.id,
    nextMutationId: 1,
    cursor: null,
    async push(mutations, otherUrl) {
      const sent = mutations.map((m) => ({
        id: device.nextMutationId++,
        name: m.name,
        args: m.args,
        createdAt: Date.now(),
      }));
      const { body: response, ms } = await request<PushResponse>(`${otherUrl ?? baseUrl}/sync/push`, {
        method: 'POST',
        token,
        body: { protocolVersion: PROTOCOL_VERSION, clientId: device.clientId, mutations: sent },
      });
      return { sent, response, ms };
    },
    async resend(sent, otherUrl) {
      const { body: response, ms } = await request<PushResponse>(`${otherUrl ?? baseUrl}/sync/push`, {
        method: 'POST',
        token,
        body: { protocolVersion: PROTOCOL_VERSION, clientId: device.clientId, mutations: sent },
      });
      return { response, ms };
    },
    async pullPage(limit) {
      const { body: response, ms } = await request<PullResponse>(`${baseUrl}/sync/pull`, {
        method: 'POST',
        token,
        body: {
          protocolVersion: PROTOCOL_VERSION,
          clientId: device.clientId,
          cursor: device.cursor,
          ...(limit ? { limit } : {}),
        },
      });
      device.cursor = response.cursor;
      return { response, ms };
    },
    async health() {
      return (await request<unknown>(`${baseUrl}/health`, { method: 'GET' })).ms;
    },
  };
  return device;
}

/** The arguments of a logFollowUp mutation on `customerId` (a fresh follow-up id). */
export function followUpArgs(customerId: string, n: number, now = Date.now()) {
  return {
    id: randomUUID(),
    customerId,
    contactId: null,
    type: 'call' as const,
    content: `基准测试跟进 #${n}：电话确认报价单已收到，客户将在周五前答复。`,
    outcome: '等待答复',
    occurredAt: now - 60_000,
    nextFollowUpAt: now + 3 * 86_400_000,
  };
}
