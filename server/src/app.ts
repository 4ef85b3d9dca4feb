import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { AppError, parseOrThrow, type ErrorCode } from '../../shared/errors';
import { loginRequestSchema } from '../../shared/sync/protocol';
import type { ServerDb } from './db/database';
import { registerAdminRoutes } from './admin/routes';
import { registerEventRoutes } from './pools/events';
import { startRecycleSchedule } from './pools/recycle';
import { registerPoolRoutes } from './pools/routes';
import { createLoginThrottle, type LoginThrottle } from './auth/rateLimit';
import { authenticate, login, logout, type AuthSession } from './auth/sessions';
import { isId } from '../../shared/ids';
import { handleDuplicateCheck } from './sync/duplicates';
import { PokeHub } from './sync/pokes';
import { handlePullText } from './sync/pull';
import { handlePush } from './sync/push';

/** Reported by GET /health; the server's own version (package.json). */
export const SERVER_VERSION = '0.1.0';
/** The largest request body accepted (a full push of 500 mutations is far below it). */
export const BODY_LIMIT_BYTES = 5 * 1024 * 1024;

const STATUS_OF: Record<ErrorCode, number> = {
  validation: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  duplicate: 409,
  upgrade_required: 426,
  offline: 503,
  server_error: 500,
};

/** Too many failed logins: 429 with Retry-After. Its code stays in ERROR_CODES ('forbidden'). */
class TooManyAttempts extends AppError {
  readonly retryAfterSeconds: number;
  constructor(retryAfterMs: number) {
    const minutes = Math.max(1, Math.ceil(retryAfterMs / 60_000));
    super('forbidden', `Too many failed logins: try again in ${minutes} minute${minutes > 1 ? 's' : ''}`, {
      params: { retryAfterSeconds: Math.ceil(retryAfterMs / 1000) },
    });
    this.retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
  }
}

export type BuildServerOptions = {
  db: ServerDb;
  /** The server clock (epoch ms); tests move it to expire sessions. */
  now?: () => number;
  /** Fastify's pino logger options; false (the default) logs nothing. */
  logger?: FastifyServerOptions['logger'];
  loginThrottle?: LoginThrottle;
  /** Heartbeat period of the event streams (tests shorten it). */
  heartbeatMs?: number;
  /**
   * Run the recycle job (docs/pools.md "The job") for every org this often; absent or 0: never on a
   * schedule (tests run it on demand). The server CLI turns it on.
   */
  recycleEveryMs?: number;
};

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1])
    throw new AppError('unauthorized', 'Missing bearer token: send Authorization: Bearer <token>');
  return match[1];
}

/**
 * The sync server's HTTP app (the fixed API of the brief): /health, /auth/login, /auth/logout,
 * /sync/push, /sync/pull, the poke stream /sync/events, the duplicate check /customers/duplicates, and the
 * template designer's /admin/... routes. Every error answers
 * `{"error": {code, message, field?, params?}}`.
 */
export function buildServer(options: BuildServerOptions): FastifyInstance {
  const { db } = options;
  const now = options.now ?? Date.now;
  const throttle = options.loginThrottle ?? createLoginThrottle();
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT_BYTES,
    // Event streams are long-lived: on shutdown, close every connection instead of waiting for them.
    forceCloseConnections: true,
  });

  const pokes = new PokeHub(db, options.heartbeatMs);
  app.addHook('onReady', () => pokes.start(db));
  // Open event streams would keep app.close() waiting forever: end them first (devices reconnect).
  app.addHook('preClose', () => pokes.stop());
  if (options.recycleEveryMs) {
    const everyMs = options.recycleEveryMs;
    let stopRecycle: (() => Promise<void>) | undefined;
    app.addHook('onReady', () => {
      stopRecycle = startRecycleSchedule(db, { now, everyMs, log: app.log });
    });
    // A run in progress finishes before the database is closed behind it.
    app.addHook('preClose', async () => {
      await stopRecycle?.();
    });
  }

  const requireSession = async (request: FastifyRequest): Promise<AuthSession> =>
    authenticate(db, bearerToken(request), now());

  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    if (err instanceof TooManyAttempts) {
      void reply.header('retry-after', String(err.retryAfterSeconds)).code(429).send({ error: err.toJSON() });
      return;
    }
    if (err instanceof AppError) {
      void reply.code(STATUS_OF[err.code]).send({ error: err.toJSON() });
      return;
    }
    const fastifyError = err as FastifyError;
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      void reply.code(413).send({
        error: {
          code: 'bad_request',
          message: `Payload too large: at most ${BODY_LIMIT_BYTES / 1024 / 1024} MB`,
        },
      });
      return;
    }
    if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
      void reply.code(400).send({ error: { code: 'bad_request', message: fastifyError.message } });
      return;
    }
    request.log.error({ err }, 'request failed');
    void reply.code(500).send({ error: { code: 'server_error', message: 'Internal error' } });
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({
      error: {
        code: 'not_found',
        message: `No route ${request.method} ${request.url.split('?')[0] ?? ''}`,
      },
    });
  });

  // A connection of its own (db.ping): health answers while pushes and pulls wait for theirs.
  app.get('/health', async () => {
    await db.ping();
    return { status: 'ok', db: db.kind, version: SERVER_VERSION };
  });

  app.post('/auth/login', async (request) => {
    const body = parseOrThrow(loginRequestSchema, request.body, 'login');
    const key = `${body.username.toLowerCase()}|${request.ip}`;
    const wait = throttle.retryAfterMs(key, now());
    if (wait > 0) throw new TooManyAttempts(wait);
    try {
      const response = await login(db, body, now());
      throttle.reset(key);
      request.log.info({ userId: response.user.id }, 'login');
      return response;
    } catch (err) {
      if (err instanceof AppError && err.code === 'unauthorized') {
        throttle.recordFailure(key, now());
        request.log.info({ username: body.username }, 'login refused');
      }
      throw err;
    }
  });

  app.post('/auth/logout', async (request) => {
    const session = await requireSession(request);
    await logout(db, session.sessionId, now());
    return { ok: true };
  });

  app.post('/sync/push', async (request) => {
    const session = await requireSession(request);
    const response = await handlePush(db, session.user, request.body, now());
    request.log.info(
      {
        userId: session.user.id,
        lastMutationId: response.lastMutationId,
        rejected: response.rejections.length,
      },
      'push',
    );
    return response;
  });

  app.post('/sync/pull', async (request, reply) => {
    const session = await requireSession(request);
    const page = await handlePullText(db, session.user, request.body);
    request.log.info({ userId: session.user.id, ops: page.ops, hasMore: page.hasMore }, 'pull');
    // Already JSON: the rows are PostgreSQL's text, spliced in (docs/server.md "Rows as text").
    return reply.type('application/json; charset=utf-8').send(page.text);
  });

  /**
   * POST /customers/duplicates (Bearer): uniqueness at capture, online (protocol 3). Which of the given
   * name / credit code / phone a live customer of the org already holds, and who holds it.
   */
  app.post('/customers/duplicates', async (request) => {
    const session = await requireSession(request);
    return handleDuplicateCheck(db, session.user, request.body);
  });

  // The template designer (admins only): docs/templates.md "Admin API".
  const routeDeps = {
    db,
    now,
    user: async (request: FastifyRequest) => (await requireSession(request)).user,
  };
  registerAdminRoutes(app, routeDeps);
  // The public sea (docs/pools.md): pools, the public-sea browse, activity events, the recycle run.
  registerPoolRoutes(app, routeDeps);
  registerEventRoutes(app, routeDeps);

  /**
   * GET /sync/events[?clientId=…] (Bearer): server-sent events. `event: poke` means "pull now": once at
   * connect (catch up on what happened while offline), then whenever a push commits changes in the
   * user's scope — on any server instance — except the device's own pushes. A comment line every 25 s
   * keeps the stream alive. Authentication errors answer JSON before the stream starts.
   */
  app.get('/sync/events', async (request, reply) => {
    const session = await requireSession(request);
    const query = (request.query ?? {}) as Record<string, unknown>;
    const clientId = typeof query.clientId === 'string' && isId(query.clientId) ? query.clientId : null;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let open = true;
    const remove = await pokes.add({
      user: session.user,
      clientId,
      send: (text) => {
        if (open) res.write(text);
      },
      end: () => {
        open = false;
        res.end();
      },
    });
    const closed = () => {
      open = false;
      remove();
    };
    if (res.destroyed || res.writableEnded) closed();
    else res.on('close', closed);
    // retry: how long EventSource-style clients wait before reconnecting; then the catch-up poke.
    res.write('retry: 2000\n\nevent: poke\ndata: {}\n\n');
    request.log.info({ userId: session.user.id, streams: pokes.size }, 'events open');
    return reply;
  });

  return app;
}
