import { expect, type Browser, type Page } from '@playwright/test';
import { AppShell } from '../pages/appShell';
import { CustomersPage } from '../pages/customersPage';
import { LoginPage } from '../pages/loginPage';
import type { ClientHostProcess } from './processes';

/** Every demo user's password (server/src/seed). */
export const DEMO_PASSWORD = 'tidepool123';

/** Where tests save the screenshots a person looks at (gitignored; kept by CI as artifacts). */
export const ARTIFACTS = 'e2e/artifacts';

/**
 * One device: its own client-core process and its own browser context, signed in as `username` against
 * `serverUrl` (the server itself, or a cuttable network link to it), on Customers (see `signIn`).
 */
export async function openDevice(
  browser: Browser,
  host: ClientHostProcess,
  serverUrl: string,
  username: string,
): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, host, serverUrl, username);
  return page;
}

/**
 * Signs in on the device's app in `page` (opened at `host.url` first when it is not yet). The app lands
 * on Today after login; this then opens Customers and waits for the first sync's rows there.
 */
export async function signIn(
  page: Page,
  host: ClientHostProcess,
  serverUrl: string,
  username: string,
): Promise<void> {
  if (!page.url().startsWith(new URL(host.url).origin)) await page.goto(host.url);
  await new LoginPage(page).login(serverUrl, username, DEMO_PASSWORD);
  await expect(page.getByTestId('today-page')).toBeVisible({ timeout: 60_000 });
  await new AppShell(page).goToCustomers();
  await new CustomersPage(page).waitForRows();
}
