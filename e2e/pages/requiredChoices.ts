import type { Locator, Page } from '@playwright/test';

/**
 * Fills the business-profile choices a template requires and the story does not care about (the demo
 * customer template requires 企业规模, the lead template 意向等级): each empty required select of the open
 * dialog gets its first option, as a rep would pick one. Specs about the profile itself fill it field by
 * field instead (profileForm.ts).
 */
export async function fillRequiredChoices(page: Page): Promise<void> {
  const dialog: Locator = page.getByRole('dialog').last();
  const required = dialog.locator('select[data-testid^="attr-"][aria-required="true"]');
  for (const select of await required.all()) {
    if ((await select.inputValue()) === '') await select.selectOption({ index: 1 });
  }
}
