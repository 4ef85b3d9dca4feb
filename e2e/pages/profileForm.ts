import { expect, type Locator, type Page } from '@playwright/test';

/**
 * A template-rendered form (`attr-form` in a record dialog or the profile card, `preview-form` in the
 * designer): a shown field's cell `attr-field-<key>` (absent while its condition hides it), its control
 * `attr-<key>` and its message `error-attr-<key>`.
 */
export class DynamicFormView {
  constructor(readonly root: Locator) {}

  cell(key: string): Locator {
    return this.root.getByTestId(`attr-field-${key}`);
  }

  control(key: string): Locator {
    return this.root.getByTestId(`attr-${key}`);
  }

  error(key: string): Locator {
    return this.root.getByTestId(`error-attr-${key}`);
  }

  /** The options a single-select field offers now (`<option>` values, the blank placeholder left out). */
  async offeredOptions(key: string): Promise<string[]> {
    const values = await this.control(key)
      .locator('option')
      .evaluateAll((els) => els.map((el) => (el as unknown as { value: string }).value));
    return values.filter((v) => v !== '');
  }

  /** Types into a text or number field and leaves it (a touched field shows its message). */
  async type(key: string, value: string): Promise<void> {
    await this.control(key).fill(value);
    await this.control(key).blur();
  }

  async choose(key: string, optionKey: string): Promise<void> {
    await this.control(key).selectOption(optionKey);
  }
}

/** The business-profile card on a customer's detail: values to read, "编辑" turns it into the form. */
export class ProfileCard {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('profile-card');
  }

  /** The form while editing. */
  get form(): DynamicFormView {
    return new DynamicFormView(this.root.getByTestId('profile-form'));
  }

  /** A field's item as the card reads it: label and value (`data-empty` when blank; absent when hidden). */
  item(key: string): Locator {
    return this.root.getByTestId(`attr-value-${key}`);
  }

  /** The value of a field as the card reads it (its item without the label). */
  value(key: string): Locator {
    return this.item(key).locator('dd');
  }

  /** The template version the card renders with. */
  async expectVersion(versionId: string): Promise<void> {
    await expect(this.root).toHaveAttribute('data-version', versionId, { timeout: 30_000 });
  }

  async edit(): Promise<DynamicFormView> {
    await this.root.getByTestId('profile-edit').click();
    await expect(this.root).toHaveAttribute('data-mode', 'edit');
    await expect(this.form.root).toBeVisible();
    return this.form;
  }

  /** Clicks save; the caller checks what happened (back to view, or still editing with messages). */
  async clickSave(): Promise<void> {
    await this.root.getByTestId('profile-save').click();
  }

  /** Saves and waits for the card to read the values again. */
  async save(): Promise<void> {
    await this.clickSave();
    await expect(this.root).toHaveAttribute('data-mode', 'view');
  }

  async cancel(): Promise<void> {
    await this.root.getByTestId('profile-cancel').click();
    await expect(this.root).toHaveAttribute('data-mode', 'view');
  }
}
