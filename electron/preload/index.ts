import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_CHANNELS, API_EVENT_CHANNEL } from '../../shared/api/channels';
import type { DesktopBridge } from '../../shared/api/bridge';

/**
 * `window.api`: the renderer's only door to the core. It can invoke the contract's channels and listen to
 * core events — never `ipcRenderer` itself, never an arbitrary channel, never the raw IPC event (which
 * would hand the page a `sender` object).
 */
const allowed = new Set<string>(API_CHANNELS);
type ApiEvent = Parameters<Parameters<DesktopBridge['onEvent']>[0]>[0];

const api = {
  invoke(channel, input) {
    if (!allowed.has(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'not_found', message: `Unknown API channel ${String(channel)}` },
      });
    }
    return ipcRenderer.invoke(channel, input);
  },
  onEvent(listener) {
    const forward = (_event: IpcRendererEvent, payload: ApiEvent) => listener(payload);
    ipcRenderer.on(API_EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(API_EVENT_CHANNEL, forward);
    };
  },
} satisfies DesktopBridge;

contextBridge.exposeInMainWorld('api', api);
