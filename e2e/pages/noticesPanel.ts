import type { Locator, Page } from '@playwright/test';

/** The notices of what happened to my private sea (Today's stack; the shell's indicator panel). */
export class Notices {
  constructor(private readonly page: Page) {}

  /** Notices about one customer on Today. */
  of(customerId: string): Locator {
    return this.page
      .getByTestId('today-page')
      .locator(`[data-testid="notice-item"][data-customer-id="${customerId}"]`);
  }

  get indicator(): Locator {
    return this.page.getByTestId('notice-indicator');
  }
}
