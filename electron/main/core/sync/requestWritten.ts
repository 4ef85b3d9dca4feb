import { subscribe, unsubscribe } from 'node:diagnostics_channel';

/**
 * Node's fetch (undici, also in Electron's main process) writes a request to its socket only on a later
 * turn of the event loop, usually the next one, sometimes the one after. A caller about to block the loop
 * (a pull page's synchronous apply) and wanting the server to start on the request meanwhile waits for
 * undici's report that the request's headers are written ('undici:client:sendHeaders'), turn by turn, or
 * at most `maxTurns` turns for a fetch that reports nothing (a stand-in, another implementation).
 *
 * Start watching BEFORE calling fetch: `const written = watchRequestWritten(); fetch(…); await written()`.
 */
export function watchRequestWritten(maxTurns = 16): () => Promise<void> {
  let written = false;
  const onHeaders = () => {
    written = true;
  };
  subscribe('undici:client:sendHeaders', onHeaders);
  return async () => {
    try {
      for (let turn = 0; turn < maxTurns && !written; turn++) {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      unsubscribe('undici:client:sendHeaders', onHeaders);
    }
  };
}
