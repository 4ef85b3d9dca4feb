import type { ApiEvent, ApiInput, ApiOutput, ApiResult, Channel } from './contract';

/**
 * What the preload exposes as `window.api` (and what the browser-mode HTTP transport implements too):
 * one invoke over the contract's channels, and a subscription to core events. Nothing else of Node or
 * Electron reaches the renderer.
 */
export type DesktopBridge = {
  invoke<C extends Channel>(channel: C, input: ApiInput<C>): Promise<ApiResult<ApiOutput<C>>>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
};
