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

  async applyMine(item: Locator): Promise<void> {
    await item.getByTestId('inbox-apply-mine').click();
  }
}
