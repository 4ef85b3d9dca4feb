import type { z } from 'zod';
import { apiContract, type ApiHandlers, type ApiResult, type Channel } from '../../../shared/api/contract';
import { AppError, parseOrThrow, toErrorData } from '../../../shared/errors';

export function isChannel(name: string): name is Channel {
  return Object.hasOwn(apiContract, name);
}

/**
 * The one entry point both transports (Electron IPC, the Node host's HTTP) use: checks the channel,
 * validates the raw input with the contract's schema, runs the handler, and wraps the outcome in the
 * `ApiResult` envelope so an error keeps its code, field and params across the boundary. Unexpected
 * errors are logged here and reach the renderer only as `server_error`.
 */
export async function dispatch(
  handlers: ApiHandlers,
  channel: string,
  rawInput: unknown,
): Promise<ApiResult<unknown>> {
  try {
    if (!isChannel(channel)) throw new AppError('not_found', `Unknown API channel ${channel}`);
    const schema: z.ZodType<unknown> = apiContract[channel].input;
    const input = parseOrThrow(schema, rawInput ?? {}, 'input');
    const handler = handlers[channel] as (input: unknown) => unknown;
    return { ok: true, data: await handler(input) };
  } catch (err) {
    if (!(err instanceof AppError)) console.error(`tidepool: ${channel} failed`, err);
    return { ok: false, error: toErrorData(err) };
  }
}
