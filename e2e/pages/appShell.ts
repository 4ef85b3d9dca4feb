import { expect, type Page } from '@playwright/test';

export type Locale = 'zh-CN' | 'en';

/** Navigation, language switch and the sync indicator, present on every screen after login. */
export class AppShell {
  constructor(private readonly page: Page) {}

  get syncIndicator() {
    return this.page.getByTestId('sync-indicator');
  }

  async expectPending(count: number): Promise<void> {
    await expect(this.page.getByTestId('sync-pending')).toHaveText(String(count), { timeout: 30_000 });
  }

  /** The number of changes waiting to be pushed, as the indicator shows it now. */
  async pending(): Promise<number> {
    return Number((await this.page.getByTestId('sync-pending').textContent())?.trim());
  }

  async expectOnline(online: boolean): Promise<void> {
    await expect(this.syncIndicator).toHaveAttribute('data-online', String(online), { timeout: 30_000 });
  }

  /** The inbox badge (conflicts + rejections); absent at 0. */
  async expectInboxCount(count: number): Promise<void> {
    const badge = this.page.getByTestId('inbox-count');
    if (count === 0) await expect(badge).toHaveCount(0, { timeout: 30_000 });
    else await expect(badge).toHaveText(String(count), { timeout: 30_000 });
  }

  async syncNow(): Promise<void> {
    await this.page.getByTestId('sync-now').click();
  }

  /** Asks for a sync and waits until nothing is left to push. */
  async syncAndSettle(): Promise<void> {
    await this.syncNow();
    await this.expectPending(0);
  }

  async goToCustomers(): Promise<void> {
    await this.page.getByTestId('nav-customers').click();
  }

  async goToToday(): Promise<void> {
    await this.page.getByTestId('nav-today').click();
    await expect(this.page.getByTestId('today-page')).toBeVisible();
  }

  async goToLeads(): Promise<void> {
    await this.page.getByTestId('nav-leads').click();
  }

  async goToPipeline(): Promise<void> {
    await this.page.getByTestId('nav-pipeline').click();
    await expect(this.page.getByTestId('pipeline-page')).toBeVisible();
  }

  async goToSync(): Promise<void> {
    await this.page.getByTestId('nav-sync').click();
    await expect(this.page.getByTestId('inbox')).toBeVisible();
  }

  /** Opens a screen by its address (`#/customers/<id>`), as a link or a reload would. */
  async goToHash(hash: string): Promise<void> {
    await this.page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
  }

  /** Switches the UI language (`lang-switch` toggles zh-CN ⇄ en) until it is `locale`. */
  async setLocale(locale: Locale): Promise<void> {
    const button = this.page.getByTestId('lang-switch');
    if ((await button.getAttribute('data-locale')) !== locale) await button.click();
    await expect(button).toHaveAttribute('data-locale', locale);
  }
}
