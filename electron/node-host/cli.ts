import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createClientCore } from '../main/core/index';
import { startEmbeddedServer, type EmbeddedServer } from './embeddedServer';
import { startNodeHost } from './host';

/**
 * `tsx electron/node-host/cli.ts [--port 4410] [--data-dir .tidepool/client] [--server-url URL]
 * [--embedded-server [--server-port 4400] [--server-data-dir .tidepool/server]] [--renderer-dir out/renderer]
 * [--max-backoff-ms N]`
 *
 * Runs Tidepool in a browser: the client core in this process, the renderer served on loopback. Prints
 * exactly one line `Tidepool is ready at http://127.0.0.1:PORT/?token=TOKEN` once it can be opened.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4410' },
    'data-dir': { type: 'string', default: '.tidepool/client' },
    'server-url': { type: 'string' },
    'embedded-server': { type: 'boolean', default: false },
    // Not in the fixed interface: let e2e tests run several embedded servers side by side.
    'server-port': { type: 'string', default: '4400' },
    'server-data-dir': { type: 'string', default: '.tidepool/server' },
    'renderer-dir': { type: 'string', default: 'out/renderer' },
    'max-backoff-ms': { type: 'string' },
  },
  strict: true,
});

const root = resolve(import.meta.dirname, '..', '..');

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a non-negative integer, got ${raw}`);
    process.exit(2);
  }
  return n;
}

/** The renderer is a build output: build it once when missing so `npm run start:browser` just works. */
function ensureRendererBuilt(dir: string): void {
  if (existsSync(resolve(dir, 'index.html'))) return;
  console.error(`tidepool: ${dir} has no index.html, running electron-vite build…`);
  // Its package exports hide the bin file from require.resolve; it lives at a stable path.
  const cli = resolve(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  const result = spawnSync(process.execPath, [cli, 'build'], {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    console.error('tidepool: electron-vite build failed');
    process.exit(1);
  }
}

async function main(): Promise<void> {
  const port = positiveInt('port', values.port) ?? 4410;
  const maxBackoffMs = positiveInt('max-backoff-ms', values['max-backoff-ms']);
  const rendererDir = resolve(values['renderer-dir']);
  let server: EmbeddedServer | null = null;
  let serverUrl = values['server-url'] ?? null;

  if (values['embedded-server']) {
    server = await startEmbeddedServer({
      cwd: root,
      port: positiveInt('server-port', values['server-port']) ?? 4400,
      dataDir: resolve(values['server-data-dir']),
    });
    serverUrl = server.url;
    console.error(`tidepool: embedded sync server at ${server.url}`);
  }
  ensureRendererBuilt(rendererDir);

  const core = await createClientCore({
    dataDir: resolve(values['data-dir']),
    ...(maxBackoffMs !== undefined ? { maxBackoffMs } : {}),
  });
  const host = await startNodeHost({ core, port, rendererDir, defaultServerUrl: serverUrl });
  console.log(`Tidepool is ready at ${host.readyUrl}`);

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    console.error(`tidepool: ${signal}, shutting down`);
    await host.close().catch((err: unknown) => console.error(err));
    await core.close().catch((err: unknown) => console.error(err));
    await server?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('tidepool:', err instanceof Error ? err.message : err);
  process.exit(1);
});
