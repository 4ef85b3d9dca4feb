import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

export type EmbeddedServer = { url: string; child: ChildProcess; stop(): Promise<void> };

const LISTENING = /Tidepool sync server listening at (http:\/\/\S+)/;

/**
 * Starts the sync server as a child process (`tsx server/src/cli.ts …`) and resolves once it prints its
 * "listening at" line. Its output is passed through to stderr, prefixed, so its logs stay visible.
 */
export function startEmbeddedServer(opts: {
  cwd: string;
  port: number;
  dataDir: string;
  timeoutMs?: number;
  extraArgs?: string[];
}): Promise<EmbeddedServer> {
  const tsxCli = createRequire(import.meta.url).resolve('tsx/cli');
  const child = spawn(
    process.execPath,
    [
      tsxCli,
      'server/src/cli.ts',
      '--port',
      String(opts.port),
      '--data-dir',
      opts.dataDir,
      ...(opts.extraArgs ?? []),
    ],
    { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'], env: process.env },
  );
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      void stop();
      reject(new Error(`The sync server did not start within ${opts.timeoutMs ?? 120_000} ms`));
    }, opts.timeoutMs ?? 120_000);
    let ready = false;
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = LISTENING.exec(line);
      if (!ready && match?.[1]) {
        ready = true;
        clearTimeout(timeout);
        resolve({ url: match[1], child, stop });
      } else {
        // stderr, so the host's stdout carries only its ready line (scripts and e2e read it).
        process.stderr.write(`[server] ${line}\n`);
      }
    });
    createInterface({ input: child.stderr! }).on('line', (line) =>
      process.stderr.write(`[server] ${line}\n`),
    );
    child.once('exit', (code, signal) => {
      if (ready) return;
      clearTimeout(timeout);
      reject(new Error(`The sync server exited before it was ready (code ${code}, signal ${signal})`));
    });
  });
}
