import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiEvent } from '../../shared/api/contract';
import { CONTENT_SECURITY_POLICY } from '../main/core/csp';
import { dispatch, type ClientCore } from '../main/core/index';

export type NodeHostOptions = {
  core: ClientCore;
  /** 0 picks a free port. */
  port?: number;
  /** The built renderer (`out/renderer`); null serves the API only (tests). */
  rendererDir?: string | null;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  /** Offered to the login form as the default server address (a `<meta>` in index.html). */
  defaultServerUrl?: string | null;
};

export type NodeHost = {
  /** `http://127.0.0.1:PORT` */
  url: string;
  token: string;
  /** What the user opens: the renderer with its token. */
  readyUrl: string;
  app: FastifyInstance;
  close(): Promise<void>;
};

const SERVER_URL_META = 'tidepool-server-url';

function sameToken(given: unknown, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function escapeAttr(value: string): string {
  return value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The browser mode (and the e2e host): serves the built renderer and the client core's contract over
 * HTTP on loopback only — `POST /api/<channel>` answers the `ApiResult` envelope, `GET /api/events` streams
 * `ApiEvent`s as server-sent events. A random token (header `x-tidepool-token`, or `?token=` for the
 * event stream, which EventSource cannot give headers) keeps other local processes and web pages out;
 * the Host check stops DNS-rebinding pages from reaching it under another name.
 */
export async function startNodeHost(opts: NodeHostOptions): Promise<NodeHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  // forceCloseConnections: open event streams must not hold `close()` (and the process) forever.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });
  let port = 0;

  app.addHook('onRequest', async (req, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      return reply
        .code(403)
        .send({ ok: false, error: { code: 'forbidden', message: 'Unexpected Host header' } });
    }
    return undefined;
  });

  app.post<{ Params: { channel: string } }>('/api/:channel', async (req, reply) => {
    reply.header('cache-control', 'no-store');
    if (!sameToken(req.headers['x-tidepool-token'], token)) {
      return reply
        .code(401)
        .send({ ok: false, error: { code: 'unauthorized', message: 'Missing or wrong x-tidepool-token' } });
    }
    return reply.send(await dispatch(opts.core.handlers, req.params.channel, req.body));
  });

  app.get<{ Querystring: { token?: string } }>('/api/events', (req, reply) => {
    if (!sameToken(req.query.token, token)) {
      return reply
        .code(401)
        .send({ ok: false, error: { code: 'unauthorized', message: 'Missing or wrong token' } });
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
    });
    const send = (event: ApiEvent) => res.write(`data: ${JSON.stringify(event)}\n\n`);
    res.write(': connected\n\n');
    const off = opts.core.onEvent(send);
    // Proxies and browsers drop an idle stream; a comment every 15 s keeps it open.
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
    keepAlive.unref();
    req.raw.on('close', () => {
      clearInterval(keepAlive);
      off();
    });
  });

  app.all('/api/*', async (_req, reply) =>
    reply.code(404).send({ ok: false, error: { code: 'not_found', message: 'No such API route' } }),
  );

  const rendererDir = opts.rendererDir ?? null;
  if (rendererDir) {
    const indexFile = join(rendererDir, 'index.html');
    const serveIndex = () => {
      let html = readFileSync(indexFile, 'utf8');
      if (opts.defaultServerUrl) {
        const meta = `<meta name="${SERVER_URL_META}" content="${escapeAttr(opts.defaultServerUrl)}" />`;
        html = html.includes('</head>') ? html.replace('</head>', `${meta}</head>`) : meta + html;
      }
      return html;
    };
    app.get('/', async (_req, reply) => {
      if (!existsSync(indexFile))
        return reply.code(404).type('text/plain').send('Renderer not built: run npx electron-vite build');
      return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(serveIndex());
    });
    await app.register(fastifyStatic, { root: rendererDir, index: false, wildcard: true });
  }

  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const address = app.server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    token,
    readyUrl: `${url}/?token=${token}`,
    app,
    close: () => app.close(),
  };
}
