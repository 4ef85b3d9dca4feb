import { expect, type Locator, type Page } from '@playwright/test';
import { CustomerForm, type CustomerFields } from './customerForm';
import type { OpportunityInput } from './opportunityCard';
import { fillRequiredChoices } from './requiredChoices';

export type LeadInput = {
  name: string;
  industry?: string;
  region?: string;
  phone?: string;
  source?: string;
  contactName?: string;
  contactTitle?: string;
  contactPhone?: string;
  contactEmail?: string;
  contactWechat?: string;
};

/** The lead list (`#/leads`) and the new-lead dialog. */
export class LeadsPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-leads').click();
    await expect(this.page.getByTestId('new-lead')).toBeVisible();
  }

  get table(): Locator {
    return this.page.getByTestId('lead-table');
  }

  get rows(): Locator {
    return this.page.getByTestId('lead-row');
  }

  async waitForRows(): Promise<void> {
    await expect(this.table).toBeVisible({ timeout: 60_000 });
    await expect(this.rows.first()).toBeVisible({ timeout: 60_000 });
  }

  async search(text: string): Promise<void> {
    await this.page.getByTestId('lead-search').fill(text);
  }

  /** Captures a lead through the dialog; the app opens its detail. Returns the lead's id. */
  async create(input: LeadInput): Promise<string> {
    await this.page.getByTestId('new-lead').click();
    const form = this.page.getByTestId('lead-form');
    await expect(form).toBeVisible();
    for (const [field, value] of Object.entries(input)) {
      await this.page.getByTestId(`lead-field-${field}`).fill(value as string);
    }
    await fillRequiredChoices(this.page);
    await this.page.getByTestId('lead-submit').click();
    await expect(form).toHaveCount(0);
    const detail = new LeadDetail(this.page);
    await expect(this.page.getByTestId('customer-name')).toHaveText(input.name);
    await expect(detail.banner).toBeVisible();
    return (await this.page.getByTestId('customer-detail').getAttribute('data-id')) ?? '';
  }
}

/** What a lead's detail adds to the customer page: the banner with its status and "convert". */
export class LeadDetail {
  constructor(private readonly page: Page) {}

  get banner(): Locator {
    return this.page.getByTestId('lead-banner');
  }

  /**
   * Converts the lead: the customer fields (prefilled from the lead) with `customer` on top, and an
   * opportunity when given. Waits for the customer page the app opens.
   */
  async convert(opts: {
    customer?: CustomerFields;
    opportunity?: OpportunityInput;
    /** Where to save a screenshot of the filled form, before it is submitted. */
    screenshot?: string;
  }): Promise<void> {
    await this.page.getByTestId('convert-lead').click();
    const form = new CustomerForm(this.page, 'convert-form');
    await expect(form.root).toBeVisible();
    if (opts.customer) await form.fill(opts.customer);
    if (opts.opportunity) {
      await this.page.getByTestId('convert-with-opportunity').check();
      const o = opts.opportunity;
      await this.page.getByTestId('opportunity-field-name').fill(o.name);
      await this.page.getByTestId('opportunity-field-amount').fill(o.amount);
      if (o.currency) await this.page.getByTestId('opportunity-field-currency').selectOption(o.currency);
      if (o.stageKey) await this.page.getByTestId('opportunity-field-stageKey').selectOption(o.stageKey);
    }
    await fillRequiredChoices(this.page);
    if (opts.screenshot) await this.page.screenshot({ path: opts.screenshot });
    await this.page.getByTestId('convert-submit').click();
    await expect(form.root).toHaveCount(0);
    await expect(this.page.getByTestId('customer-detail')).toHaveAttribute('data-kind', 'customer');
  }
}
