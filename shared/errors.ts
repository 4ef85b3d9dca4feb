import { z } from 'zod';

/**
 * One error shape for every boundary (IPC, HTTP, sync rejections). `code` is stable and translated by the
 * renderer; `field` names the offending field (dotted path) when there is one; `message` is English for
 * logs and API users; `params` fill the translated message ("owned by {holder}").
 */
export const appErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  field: z.string().optional(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type AppErrorData = z.infer<typeof appErrorSchema>;

/** Codes a user or a client may meet; the renderer keeps a translation for each. */
export const ERROR_CODES = [
  'validation',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'duplicate',
  'upgrade_required',
  'bad_request',
  'offline',
  'server_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly params: Record<string, string | number> | undefined;
  constructor(
    code: ErrorCode,
    message: string,
    opts: { field?: string; params?: Record<string, string | number> } = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.params = opts.params;
  }

  toJSON(): AppErrorData {
    const out: AppErrorData = { code: this.code, message: this.message };
    if (this.field !== undefined) out.field = this.field;
    if (this.params !== undefined) out.params = this.params;
    return out;
  }
}

/**
 * Parses `value` with `schema`, or throws an AppError('validation') naming the first failing field and
 * the rule it broke, e.g. `content: Too big: expected string to have <=5000 characters`.
 */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, what = 'payload'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
  const rule = issue?.message ?? 'invalid';
  throw new AppError('validation', field ? `${what}.${field}: ${rule}` : `${what}: ${rule}`, {
    ...(field !== undefined ? { field } : {}),
  });
}

/** Turns anything thrown into the wire error shape, hiding internals behind `server_error`. */
export function toErrorData(err: unknown): AppErrorData {
  if (err instanceof AppError) return err.toJSON();
  return { code: 'server_error', message: 'Internal error' };
}
