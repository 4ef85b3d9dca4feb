#!/usr/bin/env node
// `npm start`: runs Tidepool as a desktop app on a developer's machine.
//  1. checks that Electron's binary is installed (it is downloaded separately from the npm package);
//  2. starts the sync server (`tsx server/src/cli.ts --port 4400 --data-dir .tidepool/server`) unless one
//     already answers on that port;
//  3. builds the three bundles (`electron-vite build`);
//  4. builds better-sqlite3 for Electron's ABI into .tidepool/electron-native/ — a SEPARATE copy, so the
//     Node-ABI build in node_modules keeps working for `npm test` — and hands its path to the main process
//     (TIDEPOOL_SQLITE_BINDING → createClientCore's sqliteNativeBinding → better-sqlite3's nativeBinding);
//  5. launches Electron, and stops the server when the app exits.
// See docs/client.md ("Running the desktop app").
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const SERVER_PORT = Number(process.env.TIDEPOOL_SERVER_PORT ?? 4400);
const SERVER_URL = `http://127.0.0.1:${SERVER_PORT}`;

function fail(message) {
  console.error(`\ntidepool: ${message}\n`);
  process.exit(1);
}

/** Electron's executable, found WITHOUT requiring the `electron` package (that would try to download it). */
function electronExecutable() {
  const pkgDir = join(root, 'node_modules', 'electron');
  if (!existsSync(join(pkgDir, 'package.json')))
    fail('the electron package is not installed: run `npm ci` first.');
  const pathFile = join(pkgDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkgDir, 'dist');
  const exe = relative ? join(dist, relative) : null;
  if (!exe || !existsSync(exe)) {
    fail(
      [
        "Electron's binary is not installed, so the desktop app cannot start.",
        `  Expected it under ${dist}.`,
        '  Electron 42+ no longer downloads it during `npm install`. On a machine with internet access run:',
        '      npx install-electron',
        '  or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron 45 folder.',
        '  Without a display (or without Electron), run Tidepool in a browser instead:',
        '      npm run start:browser -- --embedded-server',
      ].join('\n'),
    );
  }
  return exe;
}

function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
}

async function serverAnswers() {
  try {
    const res = await fetch(`${SERVER_URL}/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts the sync server and resolves with its child process once it prints its "listening at" line. */
function startServer() {
  const tsxCli = require.resolve('tsx/cli');
  const child = spawn(
    process.execPath,
    [tsxCli, 'server/src/cli.ts', '--port', String(SERVER_PORT), '--data-dir', '.tidepool/server'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolvePromise, reject) => {
    let ready = false;
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!ready && /Tidepool sync server listening at/.test(line)) {
        ready = true;
        console.log(`tidepool: ${line}`);
        resolvePromise(child);
      } else {
        console.log(`[server] ${line}`);
      }
    });
    child.once('exit', (code) => {
      if (!ready) reject(new Error(`the sync server exited with code ${code} before it was ready`));
    });
  });
}

function run(command, args, opts = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...opts });
  if (result.status !== 0)
    fail(`${[command, ...args].join(' ')} failed (exit ${result.status ?? result.signal})`);
}

/**
 * Builds better-sqlite3 against Electron's headers in .tidepool/electron-native/better-sqlite3 (once per
 * Electron version). node-gyp downloads the headers from electronjs.org; `npm_config_nodedir` (set from
 * ~/.npmrc on some machines) must not leak in, or the build silently targets Node's ABI instead.
 */
function buildNativeSqliteForElectron(version) {
  const out = join(root, '.tidepool', 'electron-native', 'better-sqlite3');
  const binding = join(out, 'build', 'Release', 'better_sqlite3.node');
  const stamp = join(out, '.electron-version');
  if (existsSync(binding) && existsSync(stamp) && readFileSync(stamp, 'utf8') === version) return binding;
  console.log(`tidepool: building better-sqlite3 for Electron ${version} (once, ~2 minutes)…`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  const source = dirname(require.resolve('better-sqlite3/package.json'));
  cpSync(source, out, { recursive: true, filter: (src) => !src.startsWith(join(source, 'build')) });
  const env = { ...process.env };
  for (const key of Object.keys(env))
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url)$/i.test(key)) delete env[key];
  const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
  run(
    process.execPath,
    [
      nodeGyp,
      'rebuild',
      '--release',
      `--target=${version}`,
      `--arch=${process.arch}`,
      '--dist-url=https://electronjs.org/headers',
    ],
    { cwd: out, env },
  );
  if (!existsSync(binding)) fail(`the Electron build of better-sqlite3 did not produce ${binding}`);
  writeFileSync(stamp, version);
  return binding;
}

async function main() {
  const exe = electronExecutable();
  let server = null;
  if (await serverAnswers()) console.log(`tidepool: using the sync server already running at ${SERVER_URL}`);
  else server = await startServer();
  const stopServer = () => {
    if (server && server.exitCode === null) server.kill('SIGTERM');
  };
  process.on('exit', stopServer);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

  run(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build']);
  const binding = buildNativeSqliteForElectron(electronVersion());

  const app = spawn(exe, ['.'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TIDEPOOL_SQLITE_BINDING: binding },
  });
  app.once('exit', (code) => process.exit(code ?? 0));
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));
