import type { Locator, Page } from '@playwright/test';
import type { Locale } from './pages/appShell';
import { CustomerDetailPage, CustomerEditor } from './pages/customerDetailPage';
import { CustomersPage } from './pages/customersPage';
import { LeadsPage } from './pages/leadsPage';
import { PipelinePage } from './pages/pipelinePage';
import { PublicSeaPage } from './pages/publicSeaPage';
import { TodayPage } from './pages/todayPage';
import { deviceDate } from './support/dates';
import { ARTIFACTS } from './support/devices';
import { expect, test, type Device } from './support/world';

/**
 * The screens of the rep's working day, in both languages, over the demo data, saved as
 * `e2e/artifacts/<screen>.<locale>.png` at the configured desktop viewport (1440×900) for a person to
 * look at: Today, the customer list, a customer's detail, the pipeline and the leads.
 */
test('screenshots of the working day, in zh-CN and en', async ({ world }) => {
  await world.start({ demoCustomers: 300 });
  // A customer of lina's with an open opportunity and the most history: the manager hands it to
  // zhangwei, so its page shows an ownership history and his Today a customer "recently assigned".
  const picked = await world.db.query<{ id: string; name: string }>(
    `SELECT c.id, c.name FROM customers c JOIN users u ON u.id = c.owner_id
      WHERE u.username = 'lina' AND c.kind = 'customer'
        AND EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = c.id AND o.status = 'open')
      ORDER BY (SELECT count(*) FROM tasks t WHERE t.customer_id = c.id AND t.status = 'open') DESC,
               (SELECT count(*) FROM follow_ups f WHERE f.customer_id = c.id) DESC, c.id
      LIMIT 1`,
  );
  const featured = picked.rows[0];
  if (!featured) throw new Error('The demo seed should give lina a customer with an open opportunity');

  const manager = await world.device('wangfang');
  const rep = await world.device('zhangwei');
  await new CustomersPage(manager.page).open(featured.name);
  await new CustomerEditor(manager.page).transferTo('张伟', '李娜调岗，客户转交张伟跟进');

  const customers = new CustomersPage(rep.page);
  await customers.search(featured.name);
  await expect(customers.rowsNamed(featured.name)).toHaveCount(1, { timeout: 30_000 });
  await customers.rowsNamed(featured.name).click();
  const detail = new CustomerDetailPage(rep.page);
  await expect(detail.name).toHaveText(featured.name);
  await detail.createTask({ title: '上门演示新款检测设备', type: 'visit', dueDate: deviceDate(1) });
  await rep.shell.syncAndSettle();

  for (const locale of ['zh-CN', 'en'] as const) {
    await rep.shell.setLocale(locale);
    await shootToday(rep, locale, featured.id);
    await shootCustomers(rep, locale);
    await shootDetail(rep, locale, featured.name);
    await shootPipeline(rep, locale);
    await shootLeads(rep, locale);
  }
});

/**
 * The public sea and its rules, in both languages: a customer two days from recycling on Today, in the
 * list and on its page; the public sea with masked phones; an admin's pool rules with today's preview.
 */
test('screenshots of the public sea and the pool rules, in zh-CN and en', async ({ world }) => {
  await world.start({ demoCustomers: 300 });
  const DAY = 86_400_000;
  const picked = await world.db.query<{ id: string; name: string }>(
    `SELECT c.id, c.name FROM customers c JOIN users u ON u.id = c.owner_id
      WHERE u.username = 'zhangwei' AND c.kind = 'customer' AND c.last_deal_at IS NULL AND NOT c.locked
        AND c.status = 'active' AND NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = c.id)
      ORDER BY c.name LIMIT 1`,
  );
  const quiet = picked.rows[0];
  if (!quiet) throw new Error('The demo seed should give zhangwei a customer without opportunities');
  const lastFollowUpAt = Date.now() - 88 * DAY;
  await world.db.query(
    `UPDATE customers SET level = 'B', last_follow_up_at = $2, claimed_at = $3, pool_id = NULL WHERE id = $1`,
    [quiet.id, lastFollowUpAt, lastFollowUpAt - 30 * DAY],
  );
  const rep = await world.device('zhangwei');
  const admin = await world.device('admin');
  for (const locale of ['zh-CN', 'en'] as const) {
    await rep.shell.setLocale(locale);
    const today = new TodayPage(rep.page);
    await today.open();
    await expect(rep.page.getByTestId('today-recycling-item').first()).toBeVisible();
    await save(rep.page, 'today-recycling', locale, today.root);

    await rep.shell.goToCustomers();
    await new CustomersPage(rep.page).open(quiet.name);
    await expect(rep.page.getByTestId('recycle-banner')).toBeVisible();
    await save(rep.page, 'customer-recycle', locale);

    const sea = new PublicSeaPage(rep.page);
    await sea.open();
    await save(rep.page, 'public-sea', locale);

    await admin.shell.setLocale(locale);
    await admin.shell.goToHash('#/pools');
    await admin.page.locator('[data-testid="pools-item"][data-kind="customer"][data-default="true"]').click();
    await admin.page.getByTestId('pools-preview-this').click();
    await expect(admin.page.getByTestId('pools-preview')).toHaveAttribute('data-dry-run', 'true');
    await save(admin.page, 'pool-rules', locale);
    await admin.page.getByTestId('pools-preview-close').click();
  }
});

/**
 * Saves `<screen>.<locale>.png` as the 1440×900 window shows it; with `fullOf`, also
 * `<screen>-full.<locale>.png` with the window as tall as that element's content (the app scrolls
 * inside its frame, so a "full page" screenshot of the document would not show more).
 */
async function save(page: Page, screen: string, locale: Locale, fullOf?: Locator): Promise<void> {
  // No hover, no focus ring from the test's typing, the fonts in, nothing mid-transition.
  await page.mouse.move(0, 0);
  await page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()');
  await page.evaluate('document.fonts.ready');
  await page.screenshot({ path: `${ARTIFACTS}/${screen}.${locale}.png`, animations: 'disabled' });
  if (!fullOf) return;
  const viewport = page.viewportSize() ?? { width: 1440, height: 900 };
  const top = (await fullOf.boundingBox())?.y ?? 0;
  const height = await fullOf.evaluate((el) => el.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.ceil(top + height + 32) });
  try {
    await page.screenshot({ path: `${ARTIFACTS}/${screen}-full.${locale}.png`, animations: 'disabled' });
  } finally {
    await page.setViewportSize(viewport);
  }
}

async function shootToday(device: Device, locale: Locale, assignedId: string): Promise<void> {
  const today = new TodayPage(device.page);
  await today.open();
  await expect(today.assigned(assignedId)).toBeVisible();
  await expect(device.page.getByTestId('task-item').first()).toBeVisible();
  await save(device.page, 'today', locale, today.root);
}

async function shootCustomers(device: Device, locale: Locale): Promise<void> {
  await device.shell.goToCustomers();
  const customers = new CustomersPage(device.page);
  await customers.search('');
  await customers.waitForRows();
  await expect(device.page.getByTestId('customer-count')).toHaveAttribute('data-count', /^[1-9]\d+$/);
  await save(device.page, 'customers', locale);
}

async function shootDetail(device: Device, locale: Locale, name: string): Promise<void> {
  await device.shell.goToCustomers();
  await new CustomersPage(device.page).open(name);
  const detail = new CustomerDetailPage(device.page);
  await expect(detail.opportunityItems.first()).toBeVisible();
  await expect(detail.ownershipItems).not.toHaveCount(0);
  await expect(detail.tasksCard.getByTestId('task-item').first()).toBeVisible();
  await detail.firstOpportunity().openHistory();
  await save(device.page, 'customer-detail', locale, detail.root);
}

async function shootPipeline(device: Device, locale: Locale): Promise<void> {
  const pipeline = new PipelinePage(device.page);
  await pipeline.open();
  await expect(pipeline.cards.first()).toBeVisible();
  await save(device.page, 'pipeline', locale);
}

async function shootLeads(device: Device, locale: Locale): Promise<void> {
  const leads = new LeadsPage(device.page);
  await leads.open();
  await leads.search('');
  await leads.waitForRows();
  await save(device.page, 'leads', locale);
}

/**
 * Business profiles from templates (issue 5), in both languages: a machinery customer's profile as a rep
 * reads it and edits it, the customer list with template columns and a filter, and the admin's form
 * designer with its live preview, a visibility condition, the field library and an option list.
 */
test('screenshots of business profiles and the form designer, in zh-CN and en', async ({ world }) => {
  await world.start({ demoCustomers: 120 });
  // One of zhangwei's machinery customers (its own template) with the most profile values filled in.
  const picked = await world.db.query<{ id: string; name: string }>(
    `SELECT c.id, c.name FROM customers c JOIN users u ON u.id = c.owner_id
      WHERE u.username = 'zhangwei' AND c.kind = 'customer' AND c.industry = '机械制造'
      ORDER BY (SELECT count(*) FROM jsonb_object_keys(c.attrs)) DESC, c.id
      LIMIT 1`,
  );
  const customer = picked.rows[0];
  if (!customer) throw new Error('The demo seed should give zhangwei a machinery customer');

  const rep = await world.device('zhangwei');
  const admin = await world.device('admin');
  for (const locale of ['zh-CN', 'en'] as const) {
    await rep.shell.setLocale(locale);
    await shootProfile(rep, locale, customer.name);
    await shootCustomerColumns(rep, locale);
    await admin.shell.setLocale(locale);
    await shootDesigner(admin, locale);
  }
});

async function shootProfile(device: Device, locale: Locale, name: string): Promise<void> {
  const page = device.page;
  await device.shell.goToCustomers();
  await new CustomersPage(page).open(name);
  const card = page.getByTestId('profile-card');
  await expect(card.getByTestId('attr-view')).toBeVisible();
  await card.scrollIntoViewIfNeeded();
  await save(page, 'profile-view', locale, new CustomerDetailPage(page).root);
  await card.getByTestId('profile-edit').click();
  await expect(card.getByTestId('profile-form')).toBeVisible();
  // A value typed wrong shows the shared validator's message under its field.
  const employees = card.getByTestId('attr-employee_count');
  if (await employees.count()) {
    await employees.fill('-5');
    await employees.blur();
  }
  await card.scrollIntoViewIfNeeded();
  await save(page, 'profile-edit', locale, new CustomerDetailPage(page).root);
  await card.getByTestId('profile-cancel').click();
  await expect(card).toHaveAttribute('data-mode', 'view');
}

async function shootCustomerColumns(device: Device, locale: Locale): Promise<void> {
  const page = device.page;
  await device.shell.goToCustomers();
  const customers = new CustomersPage(page);
  await customers.search('');
  await customers.waitForRows();
  await page.getByTestId('column-chooser').click();
  const panel = page.getByTestId('column-chooser-panel');
  await expect(panel).toBeVisible();
  const options = panel.locator('input[type="checkbox"]');
  for (let i = 0; i < Math.min(3, await options.count()); i++) {
    if (!(await options.nth(i).isChecked())) await options.nth(i).check();
  }
  await save(page, 'customers-columns-chooser', locale);
  await page.keyboard.press('Escape');
  await page.getByTestId('attr-filter-add').click();
  await page.locator('[data-testid^="attr-filter-field-"]').first().click();
  const editor = page.getByTestId('attr-filter-editor');
  await expect(editor).toBeVisible();
  const firstOption = editor.locator('[data-testid^="attr-filter-option-"]').first();
  if (await firstOption.count()) await firstOption.check();
  else await editor.getByTestId('attr-filter-mode-notEmpty').check();
  await editor.getByTestId('attr-filter-apply').click();
  await customers.waitForRows();
  await save(page, 'customers-columns', locale);
  // Leave the list as it was for the next language's shots.
  await page.getByTestId('attr-filter-clear-all').click();
  await page.getByTestId('column-chooser').click();
  await page.getByTestId('column-chooser-reset').click();
  await page.keyboard.press('Escape');
}

async function shootDesigner(device: Device, locale: Locale): Promise<void> {
  const page = device.page;
  await page.getByTestId('nav-forms').click();
  await expect(page.getByTestId('designer-page')).toBeVisible();
  // The machinery customer template: most sections, conditions and field types.
  const item = page.locator(
    '[data-testid="designer-template-item"][data-entity="customer"][data-category="机械制造"]',
  );
  await item.click();
  const editor = page.getByTestId('template-editor');
  await expect(editor).toBeVisible();
  await expect(page.getByTestId('designer-preview').getByTestId('preview-form')).toBeVisible();
  await save(page, 'designer', locale, page.getByTestId('designer-page'));
  // A field's visibility condition.
  const conditioned = editor.locator('[data-testid="field-condition"]:not([data-count="0"])').first();
  await ((await conditioned.count()) ? conditioned : editor.getByTestId('field-condition').first()).click();
  await expect(page.getByTestId('condition-dialog')).toBeVisible();
  await save(page, 'designer-condition', locale);
  await page.keyboard.press('Escape');
  await page.getByTestId('designer-tab-library').click();
  await expect(page.getByTestId('library-field').first()).toBeVisible();
  await save(page, 'designer-library', locale);
  // A money field with bounds, a help text and a default, if the demo library has it.
  const money = page.locator('[data-testid="library-field"][data-key="annual_purchase"]');
  await ((await money.count()) ? money : page.getByTestId('library-field').first())
    .getByTestId('library-edit')
    .click();
  await expect(page.getByTestId('field-editor')).toBeVisible();
  await save(page, 'designer-field', locale);
  await page.keyboard.press('Escape');
  await page.getByTestId('designer-tab-lists').click();
  await expect(page.getByTestId('list-editor')).toBeVisible();
  await save(page, 'designer-lists', locale);
  await page.getByTestId('designer-tab-templates').click();
}
