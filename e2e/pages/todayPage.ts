import { expect, type Locator, type Page } from '@playwright/test';

/** Today (`#/today`, where the app lands): overdue, due today, next 7 days, recently assigned. */
export class TodayPage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-today').click();
    await this.waitForContent();
  }

  get root(): Locator {
    return this.page.getByTestId('today-page');
  }

  /** Waits until the day is loaded (the summary line stands for it). */
  async waitForContent(): Promise<void> {
    await expect(this.root).toBeVisible();
    await expect(this.page.getByTestId('today-summary')).toBeVisible({ timeout: 30_000 });
  }

  section(which: 'overdue' | 'due-today' | 'upcoming'): Locator {
    return this.page.getByTestId(`today-${which}`);
  }

  /** Task rows anywhere on Today whose title contains `title`. */
  task(title: string): Locator {
    return this.root.getByTestId('task-item').filter({ hasText: title });
  }

  /** Task rows of one customer (their customer link carries its id). */
  tasksOf(customerId: string): Locator {
    return this.root
      .getByTestId('task-item')
      .filter({ has: this.page.locator(`[data-testid="task-customer"][data-id="${customerId}"]`) });
  }

  /** A "recently assigned to me" entry. */
  assigned(customerId: string): Locator {
    return this.page.locator(`[data-testid="today-assigned-item"][data-customer-id="${customerId}"]`);
  }
}
