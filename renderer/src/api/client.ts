import type { DesktopBridge } from '../../../shared/api/bridge';
import type { ApiEvent, ApiInput, ApiOutput, Channel } from '../../../shared/api/contract';
import { ApiCallError } from './apiError';
import { createHttpBridge, takeHostToken } from './httpBridge';

declare global {
  interface Window {
    /** Set by the Electron preload; absent when the Node host serves the renderer to a browser. */
    api?: DesktopBridge;
  }
}

/** The typed API the screens use: resolves with the channel's output or throws an `ApiCallError`. */
export type ApiClient = {
  call<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiOutput<C>>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
};

export function createApiClient(bridge: DesktopBridge): ApiClient {
  return {
    async call(channel, input) {
      const result = await bridge.invoke(channel, input);
      if (!result.ok) throw new ApiCallError(channel, result.error);
      return result.data;
    },
    onEvent: (listener) => bridge.onEvent(listener),
  };
}

let client: ApiClient | null = null;

/** The one client of this window: Electron's `window.api` when present, else the Node host over HTTP. */
export function getApi(): ApiClient {
  if (!client) {
    const bridge =
      window.api ?? createHttpBridge(takeHostToken(window.location, window.history, window.sessionStorage));
    client = createApiClient(bridge);
  }
  return client;
}
