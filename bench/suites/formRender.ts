import { readFile } from 'node:fs/promises';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { figure, percentile, type Measured } from '../lib/figures';
import { secondsSince, type Suite } from '../lib/suite';

/** Debian's Chromium, flagged as the e2e tests run it (playwright.config.ts). */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const RENDERER_BENCH = resolve(import.meta.dirname, '../../renderer/bench');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** Serves a built folder on loopback (module scripts do not load from file://). */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^[/\\]+/,
      '',
    );
    const file = join(dir, path === '' ? 'formRender.html' : path);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) =>
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/formRender.html` };
}

/**
 * Runs a build with NODE_ENV=production, restored afterwards. `electron-vite build` sets it itself, so the
 * app always ships React's production build; plain Vite and the React plugin's JSX runtime follow the
 * shell's NODE_ENV instead, and a NODE_ENV=development left in a terminal made this page time React's
 * development build (≈ 1.5× slower at the median than what users run).
 */
async function asShipped<T>(run: () => Promise<T>): Promise<T> {
  const shell = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    return await run();
  } finally {
    if (shell === undefined) delete process.env['NODE_ENV'];
    else process.env['NODE_ENV'] = shell;
  }
}

type PageResult = { form: number[]; raw: number[]; fields: number; shown: number } | { error: string };

/**
 * `local.form_render_ms` (issue 5): the renderer's dynamic form mounted over a 60-field template (every
 * field type, three widths, conditions, required marks, help) until it is painted, in Chromium, from a
 * production build of the renderer's own sources (`renderer/bench/formRender.tsx`). Reference, measured
 * in the same page and run, alternating with it: the same 60 labelled controls built with raw DOM
 * calls and the same CSS. The figure is the median over the runs (p95 logged).
 */
export const formRender: Suite = {
  figures: ['local.form_render_ms'],
  async run(ctx) {
    const runs = ctx.quick ? 12 : 40;
    const out = mkdtempSync(join(tmpdir(), 'tidepool-formbench-'));
    let started = performance.now();
    try {
      await asShipped(() =>
        build({
          root: RENDERER_BENCH,
          base: './',
          logLevel: 'warn',
          configFile: false,
          mode: 'production',
          plugins: [react()],
          build: {
            outDir: out,
            emptyOutDir: true,
            rolldownOptions: { input: { formRender: join(RENDERER_BENCH, 'formRender.html') } },
          },
        }),
      );
      ctx.log(`built the bench page from the renderer sources in ${secondsSince(started).toFixed(1)} s`);
      const { server, url } = await serve(out);
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      try {
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        started = performance.now();
        await page.goto(`${url}?runs=${runs}`);
        // The page runs by itself and leaves its result on `window` (a string: this file has no DOM types).
        await page.waitForFunction('window.__formBench !== undefined', undefined, { timeout: 180_000 });
        const result = (await page.evaluate('window.__formBench')) as PageResult;
        if ('error' in result) throw new Error(`bench page failed: ${result.error}`);
        const stats = (s: number[]) =>
          `p50 ${percentile(s, 50).toFixed(1)} ms, p95 ${percentile(s, 95).toFixed(1)} ms, min ${Math.min(...s).toFixed(1)} ms`;
        ctx.log(
          `${result.fields} fields (${result.shown} shown by their conditions), ${runs} runs in ${secondsSince(started).toFixed(1)} s`,
        );
        ctx.log(`dynamic form: ${stats(result.form)}`);
        ctx.log(`raw DOM:      ${stats(result.raw)}`);
        return [
          figure('local.form_render_ms', percentile(result.form, 50), 'ms', percentile(result.raw, 50), {
            referenceLabel: 'same 60 controls, raw DOM, p50',
            target: '< 50 ms',
            meets: (v) => v < 50,
          }),
        ] satisfies Measured[];
      } finally {
        await browser.close();
        server.close();
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};
