import { expect, type Locator, type Page } from '@playwright/test';

/** The kanban board of opportunities (`#/pipeline`): a column per stage, a card per opportunity. */
export class PipelinePage {
  constructor(private readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByTestId('nav-pipeline').click();
    await expect(this.board).toBeVisible({ timeout: 30_000 });
  }

  get board(): Locator {
    return this.page.getByTestId('pipeline-board');
  }

  get cards(): Locator {
    return this.page.getByTestId('pipeline-card');
  }

  column(stageKey: string): Locator {
    return this.page.locator(`[data-testid="pipeline-column"][data-stage="${stageKey}"]`);
  }

  /** The card of the opportunity with this id. */
  card(id: string): Locator {
    return this.page.locator(`[data-testid="pipeline-card"][data-id="${id}"]`);
  }
}
