import { z } from 'zod';
import { AppError, ERROR_CODES, type ErrorCode } from '../../../../shared/errors';
import { publicSeaPage, type PublicSeaPage, type PublicSeaQuery } from '../../../../shared/pools/schema';
import {
  duplicateCheckResponseSchema,
  errorResponseSchema,
  loginResponseSchema,
  pullResponseSchema,
  pushResponseSchema,
  type DuplicateCheckRequest,
  type DuplicateCheckResponse,
  type LoginRequest,
  type LoginResponse,
  type PullRequest,
  type PushRequest,
  type PushResponse,
} from '../../../../shared/sync/protocol';

/** An AppError that also remembers the HTTP status (413 makes the agent split its batch). */
export class HttpError extends AppError {
  readonly status: number;
  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    opts: { field?: string; params?: Record<string, string | number> } = {},
  ) {
    super(code, message, opts);
    this.status = status;
  }
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'bad_request',
  426: 'upgrade_required',
};

function isErrorCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}

export type TransportOptions = {
  serverUrl: string;
  fetch: typeof fetch;
  /** A request that has not answered by then counts as a network failure. */
  timeoutMs?: number;
};

/** The AppError for an error answer: its own code when it sent one, else one derived from the status. */
function errorFromAnswer(url: string, status: number, json: unknown): HttpError {
  const parsed = errorResponseSchema.safeParse(json);
  const fallback: ErrorCode = status >= 500 ? 'server_error' : (STATUS_CODES[status] ?? 'bad_request');
  if (!parsed.success) return new HttpError(status, fallback, `${url} answered ${status}`);
  const { code, message, field, params } = parsed.data.error;
  return new HttpError(status, isErrorCode(code) ? code : fallback, message, {
    ...(field !== undefined ? { field } : {}),
    ...(params !== undefined ? { params } : {}),
  });
}

/** HTTP methods the device uses: the sync protocol POSTs; the admin API also reads and replaces. */
export type HttpMethod = 'GET' | 'POST' | 'PUT';

/**
 * Sends a JSON request to the sync server and returns the answer parsed with `schema`. Every failure
 * becomes an AppError: no answer → `offline`; an error answer → its own code, field and params (or a
 * code derived from the status); a body that does not match the protocol → `server_error` (never
 * trusted, never half-applied).
 */
export async function requestJson<T>(
  opts: TransportOptions,
  method: HttpMethod,
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
  extra: { token?: string; signal?: AbortSignal } = {},
): Promise<T> {
  const url = `${opts.serverUrl.replace(/\/+$/, '')}${path}`;
  const signals = [AbortSignal.timeout(opts.timeoutMs ?? 30_000)];
  if (extra.signal) signals.push(extra.signal);
  let res: Response;
  let text: string;
  try {
    res = await opts.fetch(url, {
      method,
      headers: {
        ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
        ...(extra.token ? { authorization: `Bearer ${extra.token}` } : {}),
      },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.any(signals),
    });
    text = await res.text();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new HttpError(0, 'offline', `Cannot reach the sync server at ${url}: ${reason}`);
  }
  let json: unknown;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    throw new HttpError(
      res.status,
      res.status >= 500 ? 'server_error' : 'bad_request',
      `${url} answered ${res.status} with a body that is not JSON`,
    );
  }
  if (!res.ok) throw errorFromAnswer(url, res.status, json);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(
      res.status,
      'server_error',
      `${url} answered with an invalid body: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  return parsed.data;
}

/** POSTs JSON to the sync server (`requestJson`). */
export function postJson<T>(
  opts: TransportOptions,
  path: string,
  body: unknown,
  schema: z.ZodType<T>,
  extra: { token?: string; signal?: AbortSignal } = {},
): Promise<T> {
  return requestJson(opts, 'POST', path, body, schema, extra);
}

/**
 * A pull answer whose envelope is checked but whose patch is not yet: `checkPatch` (sync/patch.ts) checks
 * every operation and row before anything is written, with row checks compiled from the same schemas
 * (rowCheck.ts), because a zod parse of each of a page's 5,000 rows, twice (here as a record, there as a
 * row), was a third of the device's time in a first sync.
 */
const pulledPageSchema = pullResponseSchema.extend({ patch: z.array(z.unknown()) });
export type PulledPage = z.infer<typeof pulledPageSchema>;

/** What the poke stream reports: the stream is open (the server is reachable), and "pull now". */
export type PokeHandlers = { onOpen(): void; onPoke(): void };

/** The sync server's API as the device uses it (the fixed HTTP interface of the brief). */
export type SyncTransport = {
  push(req: PushRequest, signal?: AbortSignal): Promise<PushResponse>;
  /** The patch comes back unchecked: `checkPatch` must accept it before anything is applied. */
  pull(req: PullRequest, signal?: AbortSignal): Promise<PulledPage>;
  /**
   * Listens to `GET /sync/events` (server-sent events) until the stream ends, calling `onPoke` for each
   * `poke`. Resolves when the server closes it or `signal` aborts; rejects like `push` when it cannot open.
   * Optional: a transport without it simply gets no pokes (the periodic pull still runs).
   */
  events?(handlers: PokeHandlers, signal: AbortSignal): Promise<void>;
  /**
   * `POST /customers/duplicates` (protocol 3): the server's verdict on values about to be captured, with
   * the holder of each collision. Fails like `push` (offline, error answers); callers bound it in time.
   */
  checkDuplicates?(req: DuplicateCheckRequest, opts: { timeoutMs: number }): Promise<DuplicateCheckResponse>;
  /**
   * The designer's server operations (`/admin/...`, protocol 4, docs/templates.md "Admin API"), with the
   * session's token; the answer is parsed with `schema`. Fails like `push`.
   */
  admin?<T>(method: HttpMethod, path: string, body: unknown, schema: z.ZodType<T>): Promise<T>;
  /**
   * `POST /sea/search` (protocol 5, docs/pools.md): a page of the public sea as the user may browse it,
   * phones masked. Devices hold no public customers, so browsing is online only. Fails like `push`.
   */
  searchPublicSea?(query: PublicSeaQuery): Promise<PublicSeaPage>;
};

/** No byte for this long (the server sends a heartbeat every 25 s) means a dead connection: reconnect. */
const EVENTS_IDLE_TIMEOUT_MS = 60_000;

/**
 * Reads a server-sent event stream with Node's fetch (a streaming body): events are blocks separated by a
 * blank line; `event: poke` lines name ours, `:` lines are heartbeats. A watchdog aborts a stream that
 * went silent, since a half-open TCP connection would otherwise wait forever.
 */
async function streamEvents(
  opts: TransportOptions & { token: string },
  handlers: PokeHandlers,
  signal: AbortSignal,
): Promise<void> {
  const url = `${opts.serverUrl.replace(/\/+$/, '')}/sync/events`;
  const watchdog = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const kick = () => {
    clearTimeout(timer);
    timer = setTimeout(() => watchdog.abort(new Error('no heartbeat')), EVENTS_IDLE_TIMEOUT_MS);
    timer.unref?.();
  };
  try {
    kick();
    let res: Response;
    try {
      res = await opts.fetch(url, {
        method: 'GET',
        headers: { accept: 'text/event-stream', authorization: `Bearer ${opts.token}` },
        signal: AbortSignal.any([signal, watchdog.signal]),
      });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new HttpError(0, 'offline', `Cannot reach the sync server at ${url}: ${reason}`);
    }
    if (!res.ok || !res.body) {
      const text = await res.text().catch(() => '');
      let json: unknown = null;
      try {
        json = text === '' ? null : JSON.parse(text);
      } catch {
        // not JSON: the status decides
      }
      throw errorFromAnswer(url, res.status, json);
    }
    handlers.onOpen();
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        kick();
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const name = /^event:\s*(.*)$/m.exec(block)?.[1]?.trim();
          if (name === 'poke') handlers.onPoke();
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      const reason = err instanceof Error ? err.message : String(err);
      throw new HttpError(0, 'offline', `The poke stream from ${url} broke: ${reason}`);
    } finally {
      reader.cancel().catch(() => undefined);
    }
  } finally {
    clearTimeout(timer);
  }
}

export function createSyncTransport(opts: TransportOptions & { token: string }): SyncTransport {
  return {
    push: (req, signal) =>
      postJson(opts, '/sync/push', req, pushResponseSchema, {
        token: opts.token,
        ...(signal ? { signal } : {}),
      }),
    pull: (req, signal) =>
      postJson(opts, '/sync/pull', req, pulledPageSchema, {
        token: opts.token,
        ...(signal ? { signal } : {}),
      }),
    events: (handlers, signal) => streamEvents(opts, handlers, signal),
    checkDuplicates: (req, { timeoutMs }) =>
      postJson({ ...opts, timeoutMs }, '/customers/duplicates', req, duplicateCheckResponseSchema, {
        token: opts.token,
      }),
    admin: (method, path, body, schema) =>
      requestJson(opts, method, path, body, schema, { token: opts.token }),
    searchPublicSea: (query) => postJson(opts, '/sea/search', query, publicSeaPage, { token: opts.token }),
  };
}

export function login(opts: TransportOptions, req: LoginRequest): Promise<LoginResponse> {
  return postJson(opts, '/auth/login', req, loginResponseSchema);
}

/** Revokes the token on the server; the answer's content does not matter. */
export async function logout(opts: TransportOptions, token: string): Promise<void> {
  await postJson(opts, '/auth/logout', {}, z.unknown(), { token });
}
