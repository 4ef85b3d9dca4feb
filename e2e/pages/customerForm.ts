import { expect, type Locator, type Page } from '@playwright/test';
import { creditCodeCheckChar } from '../../shared/domain/validators';
import { fillRequiredChoices } from './requiredChoices';

export type CustomerFields = Partial<
  Record<
    'name' | 'shortName' | 'creditCode' | 'industry' | 'region' | 'phone' | 'website' | 'address' | 'source',
    string
  >
> & { level?: string };

export type DuplicateField = 'name' | 'creditCode' | 'phone';

/**
 * A unified social credit code (GB 32100) with the right check character, unique per call: Shanghai
 * Pudong's division code and nine random digits.
 */
export function newCreditCode(): string {
  const digits = Array.from({ length: 9 }, () => Math.floor(Math.random() * 10)).join('');
  const first17 = `91310115${digits}`;
  return first17 + (creditCodeCheckChar(first17) ?? '0');
}

/**
 * The shared customer form (new customer: `customer-create-form`; edit: `customer-form`; the customer
 * part of a lead's conversion: `convert-form`) with its live duplicate warnings.
 */
export class CustomerForm {
  constructor(
    private readonly page: Page,
    private readonly formTestId: 'customer-create-form' | 'customer-form' | 'convert-form',
  ) {}

  get root(): Locator {
    return this.page.getByTestId(this.formTestId);
  }

  field(name: keyof CustomerFields): Locator {
    return this.page.getByTestId(`customer-field-${name}`);
  }

  error(name: string): Locator {
    return this.page.getByTestId(`error-${name}`);
  }

  async fill(values: CustomerFields): Promise<void> {
    for (const [name, value] of Object.entries(values) as [keyof CustomerFields, string][]) {
      if (name === 'level') await this.field(name).selectOption(value);
      else await this.field(name).fill(value);
    }
  }

  /** The live warning under a unique field (`data-holder` self / user / public, `data-online`). */
  duplicateWarning(field: DuplicateField): Locator {
    return this.page.getByTestId(`duplicate-${field}`);
  }

  /** The note that only this device's data was checked (offline). */
  get offlineNote(): Locator {
    return this.page.getByTestId('duplicate-offline');
  }

  /**
   * Saves a new customer (the button) and waits for its page; returns the new customer's id. Online,
   * a create the server refuses may already be gone by then, so its page may say it was refused.
   */
  async create(): Promise<string> {
    const name = (await this.field('name').inputValue()).trim();
    const before = this.page.url();
    await fillRequiredChoices(this.page);
    await this.page.getByTestId('customer-create-submit').click();
    await expect(this.root).toHaveCount(0);
    await expect(this.page).not.toHaveURL(before);
    await expect(this.page).toHaveURL(/#\/customers\/[0-9a-f-]{36}$/);
    const shown = this.page
      .getByTestId('customer-name')
      .filter({ hasText: name })
      .or(this.page.getByTestId('customer-refused'));
    await expect(shown).toBeVisible();
    return this.page.url().split('/').at(-1) ?? '';
  }
}
