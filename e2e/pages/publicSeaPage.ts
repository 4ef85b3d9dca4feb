import { expect, type Locator, type Page } from '@playwright/test';

/** The public sea (`#/sea`): browse, filter and claim public customers (online only). */
export class PublicSeaPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-sea').click();
    await expect(this.page.getByTestId('public-sea-page')).toBeVisible();
    await expect(this.rows.first()).toBeVisible({ timeout: 30_000 });
  }

  get rows(): Locator {
    return this.page.getByTestId('sea-row');
  }

  row(customerId: string): Locator {
    return this.page.locator(`[data-testid="sea-row"][data-id="${customerId}"]`);
  }

  get standing(): Locator {
    return this.page.getByTestId('sea-standing');
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('sea-search').fill(text);
  }

  /** Claims a row; the claim is queued and the row waits for the server's answer. */
  async claim(customerId: string): Promise<void> {
    await this.row(customerId).getByTestId('sea-claim').click();
    await expect(this.row(customerId)).toHaveAttribute('data-state', 'pending');
  }
}
