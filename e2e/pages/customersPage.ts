import { expect, type Locator, type Page } from '@playwright/test';
import { CustomerForm } from './customerForm';

/** The private-sea customer list (virtualised table, sorted and paged by the client core). */
export class CustomersPage {
  constructor(private readonly page: Page) {}

  get table(): Locator {
    return this.page.getByTestId('customer-table');
  }

  get rows(): Locator {
    return this.page.getByTestId('customer-row');
  }

  /** The rows whose text contains `name` (search first: the table renders only what is on screen). */
  rowsNamed(name: string): Locator {
    return this.rows.filter({ hasText: name });
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
    const row = this.rowsNamed(name).first();
    await expect(row).toBeVisible();
    await row.click();
    await expect(this.page.getByTestId('customer-name')).toHaveText(name);
  }

  /** Opens the new-customer form from the list's button. */
  async openNewCustomerForm(): Promise<CustomerForm> {
    await this.page.getByTestId('new-customer').click();
    const form = new CustomerForm(this.page, 'customer-create-form');
    await expect(form.root).toBeVisible();
    return form;
  }
}
