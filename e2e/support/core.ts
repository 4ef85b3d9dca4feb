import type { Page } from '@playwright/test';
import type { ApiResult } from '../../shared/api/contract';

/**
 * Calls the device's client core directly, as the renderer's browser bridge does (`POST /api/<channel>`
 * with the page's host token), for what a test must show the core itself decides — e.g. that a value the
 * form refuses is refused again before it could reach the outbox. Answers the `ApiResult` envelope.
 */
export async function callCore<T = unknown>(
  page: Page,
  channel: string,
  input: unknown,
): Promise<ApiResult<T>> {
  return page.evaluate(
    async ({ channel, input }) => {
      // Runs in the page (this project's e2e code is typed without the DOM library).
      const storage = (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } })
        .sessionStorage;
      const res = await fetch(`/api/${channel}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-tidepool-token': storage.getItem('tidepool.hostToken') ?? '',
        },
        body: JSON.stringify(input),
      });
      return (await res.json()) as ApiResult<T>;
    },
    { channel, input },
  );
}
