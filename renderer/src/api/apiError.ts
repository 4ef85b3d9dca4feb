import type { AppErrorData } from '../../../shared/errors';

/**
 * What a failed API call throws in the renderer: the core's error, with its stable `code`, the `field` it
 * is about and the `params` of its translated message, so a screen can say what went wrong in the user's
 * language and under the right field.
 */
export class ApiCallError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  readonly params: Record<string, string | number> | undefined;
  readonly channel: string;

  constructor(channel: string, data: AppErrorData) {
    super(data.message);
    this.name = 'ApiCallError';
    this.channel = channel;
    this.code = data.code;
    this.field = data.field;
    this.params = data.params;
  }

  toData(): AppErrorData {
    const out: AppErrorData = { code: this.code, message: this.message };
    if (this.field !== undefined) out.field = this.field;
    if (this.params !== undefined) out.params = this.params;
    return out;
  }
}

/** Any thrown value as error data a screen can translate; unknown failures become `server_error`. */
export function toAppErrorData(err: unknown): AppErrorData {
  if (err instanceof ApiCallError) return err.toData();
  if (isAppErrorData(err)) return err;
  return { code: 'server_error', message: err instanceof Error ? err.message : String(err) };
}

export function isAppErrorData(value: unknown): value is AppErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === 'string' && typeof v.message === 'string';
}
