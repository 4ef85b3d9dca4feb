import type { Browser, Page } from '@playwright/test';
import { CustomersPage } from '../pages/customersPage';
import { LoginPage } from '../pages/loginPage';
import type { ClientHostProcess } from './processes';

/** Every demo user's password (server/src/seed). */
export const DEMO_PASSWORD = 'tidepool123';

/** Where tests save the screenshots a person looks at (gitignored; kept by CI as artifacts). */
export const ARTIFACTS = 'e2e/artifacts';

/**
 * One device: its own client-core process and its own browser context, signed in as `username` against
 * `serverUrl` (the server itself, or a cuttable network link to it), with the first sync shown.
 */
export async function openDevice(
  browser: Browser,
  host: ClientHostProcess,
  serverUrl: string,
  username: string,
): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(host.url);
  await new LoginPage(page).login(serverUrl, username, DEMO_PASSWORD);
  await new CustomersPage(page).waitForRows();
  return page;
}
