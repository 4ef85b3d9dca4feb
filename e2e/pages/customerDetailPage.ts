import { expect, type Locator, type Page } from '@playwright/test';

export type FollowUpInput = { type: string; content: string; outcome?: string; nextFollowUpDate?: string };

/** A customer's detail with its follow-up timeline and the "log follow-up" form. */
export class CustomerDetailPage {
  constructor(private readonly page: Page) {}

  get followUps(): Locator {
    return this.page.getByTestId('followup-item');
  }

  followUp(content: string): Locator {
    return this.followUps.filter({ hasText: content });
  }

  async openFollowUpForm(): Promise<Locator> {
    await this.page.getByTestId('log-followup').click();
    const form = this.page.getByTestId('followup-form');
    await expect(form).toBeVisible();
    return form;
  }

  async fillFollowUp(input: FollowUpInput): Promise<void> {
    await this.page.getByTestId('followup-type').selectOption(input.type);
    await this.page.getByTestId('followup-content').fill(input.content);
    if (input.outcome) await this.page.getByTestId('followup-outcome').fill(input.outcome);
    if (input.nextFollowUpDate) await this.page.getByTestId('followup-next-at').fill(input.nextFollowUpDate);
  }

  async submitFollowUp(): Promise<void> {
    await this.page.getByTestId('followup-submit').click();
  }
}

/** Editing base fields and (for managers) transferring, from the customer's detail. */
export class CustomerEditor {
  constructor(private readonly page: Page) {}

  async setField(field: string, value: string): Promise<void> {
    await this.page.getByTestId('edit-customer').click();
    await expect(this.page.getByTestId('customer-form')).toBeVisible();
    await this.page.getByTestId(`customer-field-${field}`).fill(value);
    await this.page.getByTestId('customer-save').click();
    await expect(this.page.getByTestId('customer-form')).toHaveCount(0);
  }

  async transferTo(displayName: string, reason: string): Promise<void> {
    await this.page.getByTestId('transfer-customer').click();
    await expect(this.page.getByTestId('transfer-form')).toBeVisible();
    const picker = this.page.getByTestId('transfer-to');
    if ((await picker.evaluate((el) => el.tagName)) === 'SELECT') {
      await picker.selectOption({ label: displayName });
    } else {
      await picker.fill(displayName);
      await this.page.getByRole('option', { name: displayName }).first().click();
    }
    await this.page.getByTestId('transfer-reason').fill(reason);
    await this.page.getByTestId('transfer-submit').click();
    await expect(this.page.getByTestId('transfer-form')).toHaveCount(0);
  }
}
