import { expect, type Page } from '@playwright/test';

/** Navigation, language switch and the sync indicator, present on every screen after login. */
export class AppShell {
  constructor(private readonly page: Page) {}

  get syncIndicator() {
    return this.page.getByTestId('sync-indicator');
  }

  async expectPending(count: number): Promise<void> {
    await expect(this.page.getByTestId('sync-pending')).toHaveText(String(count), { timeout: 30_000 });
  }

  async expectOnline(online: boolean): Promise<void> {
    await expect(this.syncIndicator).toHaveAttribute('data-online', String(online), { timeout: 30_000 });
  }

  async syncNow(): Promise<void> {
    await this.page.getByTestId('sync-now').click();
  }

  async goToCustomers(): Promise<void> {
    await this.page.getByTestId('nav-customers').click();
  }
}
