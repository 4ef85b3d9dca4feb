import { expect, type Locator, type Page } from '@playwright/test';

export type OptionValueInput = { key: string; labelZh: string; labelEn: string; color?: string };
export type OptionListInput = { key: string; labelZh: string; labelEn: string; values: OptionValueInput[] };
export type FieldInput = {
  key: string;
  labelZh: string;
  labelEn: string;
  /** A `FieldType` (`text`, `select`, `number`…). */
  type: string;
  optionList?: string;
  /** Bounds as the editor takes them (money in 元). */
  min?: string;
  max?: string;
};
export type SimpleCondition = { field: string; op: string; value: string };

/**
 * The admin's form designer (`#/forms`): the option lists, the field library and the template editor
 * with its live preview. Everything it saves goes to the server at once (the designer works online).
 */
export class DesignerPage {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('designer-page');
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-forms').click();
    await expect(this.root).toBeVisible();
  }

  async tab(which: 'templates' | 'library' | 'lists'): Promise<void> {
    await this.page.getByTestId(`designer-tab-${which}`).click();
    const panel = { templates: 'designer-templates', library: 'designer-library', lists: 'designer-lists' };
    await expect(this.page.getByTestId(panel[which])).toBeVisible();
  }

  /** The app's confirmation toast (saved, published). */
  get toast(): Locator {
    return this.page.getByTestId('app-toast');
  }

  // Option lists

  get listEditor(): Locator {
    return this.page.getByTestId('list-editor');
  }

  /** The server's refusal of a list save (`data-code`, `data-count`). */
  get listError(): Locator {
    return this.page.getByTestId('list-error');
  }

  listItem(key: string): Locator {
    return this.page.locator(`[data-testid="lists-item"][data-key="${key}"]`);
  }

  listValue(key: string): Locator {
    return this.listEditor.locator(`[data-testid="list-value"][data-key="${key}"]`);
  }

  async createOptionList(input: OptionListInput): Promise<void> {
    await this.tab('lists');
    await this.page.getByTestId('lists-new').click();
    const editor = this.listEditor;
    await editor.getByTestId('list-labelZh').fill(input.labelZh);
    await editor.getByTestId('list-labelEn').fill(input.labelEn);
    await editor.getByTestId('list-key').fill(input.key);
    for (const [i, v] of input.values.entries()) {
      await editor.getByTestId('list-add-value').click();
      const row = editor.getByTestId('list-value').nth(i);
      await row.getByTestId('value-labelZh').fill(v.labelZh);
      // The key follows the English label until typed, so the label goes first.
      await row.getByTestId('value-labelEn').fill(v.labelEn);
      await row.getByTestId('value-key').fill(v.key);
      if (v.color) await row.getByTestId('value-color').selectOption(v.color);
    }
    await this.saveList();
    await expect(editor).toHaveAttribute('data-key', input.key);
    await expect(this.listItem(input.key)).toBeVisible();
  }

  async openList(key: string): Promise<void> {
    await this.tab('lists');
    await this.listItem(key).click();
    await expect(this.listEditor).toHaveAttribute('data-key', key);
  }

  async setValueActive(key: string, active: boolean): Promise<void> {
    await this.listValue(key).getByTestId('value-active').setChecked(active);
    await expect(this.listValue(key)).toHaveAttribute('data-active', String(active));
  }

  async removeValue(key: string): Promise<void> {
    await this.listValue(key).getByTestId('value-remove').click();
    await expect(this.listValue(key)).toHaveCount(0);
  }

  /**
   * Saves the list and waits until the server has answered: the refusal banner, or the editor holding
   * what was saved (nothing left to save, and no save running).
   */
  async saveList(): Promise<void> {
    await this.listEditor.getByTestId('list-save').click();
    const settled = this.listEditor.locator('[data-testid="list-save"]:disabled:not([aria-busy])');
    await expect(this.listError.or(settled).first()).toBeVisible({ timeout: 30_000 });
  }

  // Field library

  libraryField(key: string): Locator {
    return this.page.locator(`[data-testid="library-field"][data-key="${key}"]`);
  }

  get fieldEditor(): Locator {
    return this.page.getByTestId('field-editor');
  }

  async createField(input: FieldInput): Promise<void> {
    await this.tab('library');
    await this.page.getByTestId('library-new-field').click();
    const editor = this.fieldEditor;
    await expect(editor).toBeVisible();
    await editor.getByTestId('field-labelZh').fill(input.labelZh);
    await editor.getByTestId('field-labelEn').fill(input.labelEn);
    await editor.getByTestId('field-key').fill(input.key);
    await editor.getByTestId('field-type').selectOption(input.type);
    if (input.optionList) await editor.getByTestId('field-optionList').selectOption(input.optionList);
    await this.fillBoundsAndSave(input);
    await expect(this.libraryField(input.key)).toBeVisible();
  }

  /** Opens a library field's editor and changes its bounds. */
  async editFieldBounds(key: string, bounds: Pick<FieldInput, 'min' | 'max'>): Promise<void> {
    await this.tab('library');
    await this.libraryField(key).getByTestId('library-edit').click();
    await expect(this.fieldEditor).toBeVisible();
    await expect(this.fieldEditor.getByTestId('field-key')).toHaveValue(key);
    await this.fillBoundsAndSave(bounds);
  }

  private async fillBoundsAndSave(bounds: Pick<FieldInput, 'min' | 'max'>): Promise<void> {
    const editor = this.fieldEditor;
    if (bounds.min !== undefined) await editor.getByTestId('field-min').fill(bounds.min);
    if (bounds.max !== undefined) await editor.getByTestId('field-max').fill(bounds.max);
    await editor.getByTestId('field-save').click();
    await expect(editor).toHaveCount(0, { timeout: 30_000 });
  }

  // Templates

  /** Opens the template for (entity, category); `category` '' is the entity's default template. */
  async openTemplate(entity: string, category = ''): Promise<TemplateEditor> {
    await this.tab('templates');
    const item = this.page.locator(
      `[data-testid="designer-template-item"][data-entity="${entity}"][data-category="${category}"]`,
    );
    await item.click();
    const id = await item.getAttribute('data-id');
    const editor = new TemplateEditor(this.page);
    await expect(editor.root).toHaveAttribute('data-id', id ?? '');
    return editor;
  }
}

/** One template's draft in the designer, with its preview. */
export class TemplateEditor {
  constructor(private readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('template-editor');
  }

  /** `data-published` = the number of the last published version. */
  get status(): Locator {
    return this.root.getByTestId('template-status');
  }

  get publishButton(): Locator {
    return this.root.getByTestId('template-publish');
  }

  section(key: string): Locator {
    return this.root.locator(`[data-testid="designer-section"][data-key="${key}"]`);
  }

  field(key: string): Locator {
    return this.root.locator(`[data-testid="designer-field"][data-key="${key}"]`);
  }

  /** Adds a section at the end with these names; returns its key. */
  async addSection(labelZh: string, labelEn: string): Promise<string> {
    const sections = this.root.getByTestId('designer-section');
    const before = await sections.count();
    await this.root.getByTestId('designer-add-section').click();
    await expect(sections).toHaveCount(before + 1);
    const added = sections.nth(before);
    await added.getByTestId('section-name-zh').fill(labelZh);
    await added.getByTestId('section-name-en').fill(labelEn);
    return (await added.getAttribute('data-key')) ?? '';
  }

  /** Places a library field at the end of a section (the section's "add field" menu). */
  async placeField(sectionKey: string, fieldKey: string): Promise<void> {
    // The menu lists the library as the device holds it: a field saved a moment ago arrives with the
    // sync that follows the save, whose reload may also close a menu opened before it. Open it again
    // until the field is there.
    await expect(async () => {
      const item = this.page.getByTestId(`add-field-${fieldKey}`);
      if (!(await item.isVisible())) await this.section(sectionKey).getByTestId('section-add-field').click();
      await item.click({ timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await expect(
      this.section(sectionKey).locator(`[data-testid="designer-field"][data-key="${fieldKey}"]`),
    ).toBeVisible();
  }

  /** Gives a placed field a one-rule visibility condition through the condition editor. */
  async setCondition(fieldKey: string, rule: SimpleCondition): Promise<void> {
    await this.field(fieldKey).getByTestId('field-condition').click();
    const dialog = this.page.getByTestId('condition-dialog');
    await expect(dialog).toBeVisible();
    await dialog.getByTestId('condition-add-rule').click();
    const row = dialog.getByTestId('condition-rule').last();
    await row.getByTestId('condition-field').selectOption(rule.field);
    await row.getByTestId('condition-op').selectOption(rule.op);
    await row.getByTestId('condition-value').selectOption(rule.value);
    await dialog.getByTestId('condition-apply').click();
    await expect(dialog).toHaveCount(0);
    await expect(this.field(fieldKey).getByTestId('field-condition')).toHaveAttribute('data-count', '1');
  }

  async setWidth(fieldKey: string, width: 'full' | 'half' | 'third'): Promise<void> {
    await this.field(fieldKey).getByTestId('field-width').selectOption(width);
  }

  /** The preview's form (the same dynamic form reps get). */
  get preview(): Locator {
    return this.page.getByTestId('designer-preview').getByTestId('preview-form');
  }

  /** Starts the preview over an empty form (no sample values). */
  async emptyPreview(): Promise<void> {
    await this.page.getByTestId('preview-sample').setChecked(false);
  }

  /** Publishes (with its confirmation) and waits for the status to show version `expected`. */
  async publish(expected: number): Promise<void> {
    await this.publishButton.click();
    const confirm = this.page.getByTestId('confirm-dialog');
    await expect(confirm).toBeVisible();
    await confirm.getByTestId('confirm-ok').click();
    await expect(confirm).toHaveCount(0, { timeout: 30_000 });
    await expect(this.status).toHaveAttribute('data-published', String(expected), { timeout: 30_000 });
    await expect(this.root).not.toHaveAttribute('data-dirty');
  }
}
