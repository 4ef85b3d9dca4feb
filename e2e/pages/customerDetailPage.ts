import { expect, type Locator, type Page } from '@playwright/test';
import { OpportunityCard, OpportunityForm, type OpportunityInput } from './opportunityCard';

export type FollowUpInput = { type: string; content: string; outcome?: string; nextFollowUpDate?: string };
export type ContactInput = {
  name: string;
  title?: string;
  phone?: string;
  email?: string;
  primary?: boolean;
};
export type TaskInput = { title: string; type?: string; dueDate: string };

/**
 * A customer's (or lead's) detail: the follow-up timeline and the "log follow-up" form, contacts,
 * opportunities, tasks and ownership history.
 */
export class CustomerDetailPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('customer-detail');
  }

  get name(): Locator {
    return this.page.getByTestId('customer-name');
  }

  async id(): Promise<string> {
    return (await this.root.getAttribute('data-id')) ?? '';
  }

  /** customer / lead */
  async expectKind(kind: 'customer' | 'lead'): Promise<void> {
    await expect(this.root).toHaveAttribute('data-kind', kind);
  }

  // Timeline

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

  /** Logs a follow-up through the dialog and waits for it in the timeline. */
  async logFollowUp(input: FollowUpInput): Promise<void> {
    await this.openFollowUpForm();
    await this.fillFollowUp(input);
    await this.submitFollowUp();
    await expect(this.page.getByTestId('followup-form')).toHaveCount(0);
    await expect(this.followUp(input.content)).toBeVisible();
  }

  // Contacts

  get contacts(): Locator {
    return this.page.getByTestId('contact-item');
  }

  async addContact(input: ContactInput): Promise<void> {
    await this.page.getByTestId('add-contact').click();
    await expect(this.page.getByTestId('contact-form')).toBeVisible();
    await this.page.getByTestId('contact-field-name').fill(input.name);
    if (input.title) await this.page.getByTestId('contact-field-title').fill(input.title);
    if (input.phone) await this.page.getByTestId('contact-field-phone').fill(input.phone);
    if (input.email) await this.page.getByTestId('contact-field-email').fill(input.email);
    if (input.primary) await this.page.getByTestId('contact-field-isPrimary').check();
    await this.page.getByTestId('contact-submit').click();
    await expect(this.page.getByTestId('contact-form')).toHaveCount(0);
    await expect(this.contacts.filter({ hasText: input.name })).toBeVisible();
  }

  // Opportunities

  get opportunityItems(): Locator {
    return this.page.getByTestId('opportunity-item');
  }

  opportunity(name: string): OpportunityCard {
    return new OpportunityCard(this.page, this.opportunityItems.filter({ hasText: name }));
  }

  /** The first opportunity as the card lists them (open ones first). */
  firstOpportunity(): OpportunityCard {
    return new OpportunityCard(this.page, this.opportunityItems.first());
  }

  async openNewOpportunityForm(): Promise<OpportunityForm> {
    await this.page.getByTestId('new-opportunity').click();
    const form = new OpportunityForm(this.page);
    await expect(form.root).toBeVisible();
    return form;
  }

  /** Creates an opportunity through the dialog and returns its card. */
  async createOpportunity(input: OpportunityInput): Promise<OpportunityCard> {
    const form = await this.openNewOpportunityForm();
    await form.fill(input);
    await form.submit();
    await expect(form.root).toHaveCount(0);
    const card = this.opportunity(input.name);
    await expect(card.root).toBeVisible();
    return card;
  }

  // Tasks

  get tasksCard(): Locator {
    return this.page.getByTestId('tasks');
  }

  /** Open tasks in the tasks card whose title contains `title`. */
  task(title: string): Locator {
    return this.tasksCard.getByTestId('task-item').filter({ hasText: title });
  }

  async createTask(input: TaskInput): Promise<void> {
    await this.page.getByTestId('new-task').click();
    await expect(this.page.getByTestId('task-form')).toBeVisible();
    await this.page.getByTestId('task-field-title').fill(input.title);
    if (input.type) await this.page.getByTestId('task-field-type').selectOption(input.type);
    await this.page.getByTestId('task-field-dueAt').fill(input.dueDate);
    await this.page.getByTestId('task-submit').click();
    await expect(this.page.getByTestId('task-form')).toHaveCount(0);
    await expect(this.task(input.title)).toBeVisible();
  }

  // Ownership

  get ownershipItems(): Locator {
    return this.page.getByTestId('ownership-item');
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
