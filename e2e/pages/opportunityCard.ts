import { expect, type Locator, type Page } from '@playwright/test';

export type OpportunityInput = { name: string; amount: string; currency?: string; stageKey?: string };

/** One opportunity (`opportunity-item`) on a customer's detail: stage, amount, moves, stage history. */
export class OpportunityCard {
  constructor(
    private readonly page: Page,
    readonly root: Locator,
  ) {}

  get name(): Locator {
    return this.root.getByTestId('opportunity-name');
  }

  get amount(): Locator {
    return this.root.getByTestId('opportunity-amount');
  }

  async id(): Promise<string> {
    return (await this.root.getAttribute('data-id')) ?? '';
  }

  async expectStage(stageKey: string): Promise<void> {
    await expect(this.root).toHaveAttribute('data-stage', stageKey);
  }

  async expectPending(pending: boolean): Promise<void> {
    await expect(this.root).toHaveAttribute('data-pending', String(pending), { timeout: 30_000 });
  }

  /** Opens "move to stage" and picks `stageKey`; a lost stage opens the lost-reason dialog instead. */
  async chooseStage(stageKey: string): Promise<void> {
    await this.root.getByTestId('opportunity-move').click();
    await this.page.locator(`[data-testid="stage-option"][data-stage="${stageKey}"]`).click();
  }

  /** Moves to an open or won stage and waits for the card to show it. */
  async moveTo(stageKey: string): Promise<void> {
    await this.chooseStage(stageKey);
    await this.expectStage(stageKey);
  }

  /** The stage history, opened (`stage-change-item`, newest first, `data-to` = the stage reached). */
  async openHistory(): Promise<Locator> {
    const history = this.root.getByTestId('stage-history');
    if ((await history.count()) === 0) await this.root.getByTestId('opportunity-history-toggle').click();
    await expect(history).toBeVisible();
    return history.getByTestId('stage-change-item');
  }
}

/** The new/edit opportunity dialog (`opportunity-form`). */
export class OpportunityForm {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('opportunity-form');
  }

  error(field: 'name' | 'amount' | 'currency' | 'stageKey' | 'expectedCloseAt'): Locator {
    return this.page.getByTestId(`error-${field}`);
  }

  async fill(input: Partial<OpportunityInput>): Promise<void> {
    if (input.name !== undefined) await this.page.getByTestId('opportunity-field-name').fill(input.name);
    if (input.amount !== undefined)
      await this.page.getByTestId('opportunity-field-amount').fill(input.amount);
    if (input.currency !== undefined)
      await this.page.getByTestId('opportunity-field-currency').selectOption(input.currency);
    if (input.stageKey !== undefined)
      await this.page.getByTestId('opportunity-field-stageKey').selectOption(input.stageKey);
  }

  async submit(): Promise<void> {
    await this.page.getByTestId('opportunity-submit').click();
  }

  /** Esc, and "discard" when the dialog asks whether to throw away what was entered. */
  async cancel(): Promise<void> {
    await dismissDialog(this.page, this.root);
  }
}

/** The "why was it lost" dialog a move to a lost stage opens. */
export class LostReasonDialog {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('lost-reason-form');
  }

  get error(): Locator {
    return this.page.getByTestId('error-lostReason');
  }

  async choose(reasonKey: string): Promise<void> {
    await this.page.getByTestId('lost-reason-select').selectOption(reasonKey);
  }

  async submit(): Promise<void> {
    await this.page.getByTestId('lost-reason-submit').click();
  }

  /** Esc, and "discard" when the dialog asks whether to throw away what was entered. */
  async cancel(): Promise<void> {
    await dismissDialog(this.page, this.root);
  }
}

/**
 * Dismisses a dialog with Esc. One the user typed or chose something in asks first (ui/Dialog.tsx):
 * then "discard" confirms it.
 */
async function dismissDialog(page: Page, root: Locator): Promise<void> {
  await page.keyboard.press('Escape');
  const ask = page.getByTestId('dialog-discard');
  // Either it is gone at once or it asks.
  await expect.poll(async () => (await ask.isVisible()) || (await root.count()) === 0).toBe(true);
  if (await ask.isVisible()) await page.getByTestId('dialog-discard-confirm').click();
  await expect(root).toHaveCount(0);
}
