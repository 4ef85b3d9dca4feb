import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { API_CHANNELS } from '../../shared/api/channels';
import type { ApiHandlers, ApiResult } from '../../shared/api/contract';
import { dispatch } from './core/dispatch';

/**
 * Registers the contract on Electron IPC through ONE `handle()` helper: for every channel it checks the
 * sender frame is our renderer, then lets `dispatch` validate the input and run the handler, so IPC and
 * the Node host share every check. Returns a function that unregisters everything.
 */
export function registerApi(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: ApiHandlers,
  isTrusted: (frame: IpcMainInvokeEvent['senderFrame']) => boolean,
): () => void {
  function handle(channel: string): void {
    ipcMain.handle(channel, async (event, input: unknown): Promise<ApiResult<unknown>> => {
      if (!isTrusted(event.senderFrame)) {
        return { ok: false, error: { code: 'forbidden', message: 'IPC from an untrusted frame' } };
      }
      return dispatch(handlers, channel, input);
    });
  }
  for (const channel of API_CHANNELS) handle(channel);
  return () => {
    for (const channel of API_CHANNELS) ipcMain.removeHandler(channel);
  };
}
