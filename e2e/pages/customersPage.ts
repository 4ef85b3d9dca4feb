import { expect, type Locator, type Page } from '@playwright/test';

/** The private-sea customer list (virtualised table, sorted and paged by the client core). */
export class CustomersPage {
  constructor(private readonly page: Page) {}

  get table(): Locator {
    return this.page.getByTestId('customer-table');
  }

  get rows(): Locator {
    return this.page.getByTestId('customer-row');
  }

  async waitForRows(): Promise<void> {
    await expect(this.table).toBeVisible({ timeout: 60_000 });
    await expect(this.rows.first()).toBeVisible({ timeout: 60_000 });
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('customer-search').fill(text);
  }

  async sortBy(column: string): Promise<void> {
    await this.page.getByTestId(`sort-${column}`).click();
  }

  /** Opens the first row and returns the customer's name as the list shows it. */
  async openFirst(): Promise<string> {
    const first = this.rows.first();
    await first.click();
    const name = await this.page.getByTestId('customer-name').textContent();
    return (name ?? '').trim();
  }

  async open(name: string): Promise<void> {
    await this.search(name);
    const row = this.rows.filter({ hasText: name }).first();
    await expect(row).toBeVisible();
    await row.click();
    await expect(this.page.getByTestId('customer-name')).toHaveText(name);
  }
}
