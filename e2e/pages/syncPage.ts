import { expect, type Locator, type Page } from '@playwright/test';

/** The Sync screen: the conflicts and rejections inbox. */
export class SyncPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-sync').click();
    await expect(this.page.getByTestId('inbox')).toBeVisible();
  }

  get items(): Locator {
    return this.page.getByTestId('inbox-item');
  }

  item(kind: 'conflict' | 'rejection', text: string): Locator {
    return this.page.locator(`[data-testid="inbox-item"][data-kind="${kind}"]`).filter({ hasText: text });
  }

  /** The reason line of an entry (`data-code`; a duplicate names its holder). */
  reason(item: Locator): Locator {
    return item.getByTestId('inbox-reason');
  }

  /** The user's value of `field` in an entry ("my values" of a rejection, "mine" of a conflict). */
  mine(item: Locator, field: string): Locator {
    return item.locator(`[data-testid="inbox-field"][data-field="${field}"]`).getByTestId('inbox-mine');
  }

  async applyMine(item: Locator): Promise<void> {
    await item.getByTestId('inbox-apply-mine').click();
  }

  /** "Claim instead" on a create refused as a duplicate of a public-sea customer. */
  async claimInstead(item: Locator): Promise<void> {
    await item.getByTestId('inbox-claim').click();
  }
}
