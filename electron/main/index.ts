import { app, BrowserWindow, ipcMain, session } from 'electron';
import { join } from 'node:path';
import { API_EVENT_CHANNEL } from '../../shared/api/channels';
import { createClientCore, type ClientCore } from './core/index';
import { registerApi } from './ipc';
import {
  isTrustedSender,
  secureApp,
  secureSession,
  secureWebPreferences,
  type RendererLocation,
} from './security';

/**
 * The Electron shell, kept thin: app lifecycle, the window, and wiring the client core (which knows
 * nothing of Electron) to IPC. Everything security-related is in ./security.ts.
 */

const rendererLocation: RendererLocation =
  !app.isPackaged && process.env.ELECTRON_RENDERER_URL
    ? { kind: 'dev', url: process.env.ELECTRON_RENDERER_URL }
    : { kind: 'file', path: join(import.meta.dirname, '../renderer/index.html') };

let core: ClientCore | null = null;
let mainWindow: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    title: 'Tidepool',
    show: false,
    backgroundColor: '#f6f8fa',
    webPreferences: secureWebPreferences(join(import.meta.dirname, '../preload/index.cjs')),
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  if (rendererLocation.kind === 'dev') void win.loadURL(rendererLocation.url);
  else void win.loadFile(rendererLocation.path);
  return win;
}

async function start(): Promise<void> {
  await app.whenReady();
  secureSession(session.defaultSession, rendererLocation);
  core = await createClientCore({
    dataDir: app.getPath('userData'),
    migrationsFolder: join(app.getAppPath(), 'drizzle', 'client'),
    // Set by scripts/start-desktop.mjs: better-sqlite3 built for Electron's ABI, kept apart from the
    // Node build in node_modules that the tests use.
    ...(process.env.TIDEPOOL_SQLITE_BINDING
      ? { sqliteNativeBinding: process.env.TIDEPOOL_SQLITE_BINDING }
      : {}),
  });
  registerApi(ipcMain, core.handlers, (frame) => isTrustedSender(frame, rendererLocation));
  core.onEvent((event) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed()) win.webContents.send(API_EVENT_CHANNEL, event);
    }
  });
  mainWindow = createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
}

// One instance per user: two processes on the same database would race each other's sync agent.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  secureApp(app, rendererLocation);
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  let closed = false;
  app.on('before-quit', (event) => {
    if (closed || !core) return;
    // Let the sync agent finish its transaction and the database close cleanly before exiting.
    event.preventDefault();
    const closing = core;
    core = null;
    void closing.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
  start().catch((err: unknown) => {
    console.error('tidepool: failed to start', err);
    app.exit(1);
  });
}
