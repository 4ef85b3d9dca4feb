import type { Locator, Page } from '@playwright/test';
import type { Locale } from './pages/appShell';
import { CustomerDetailPage, CustomerEditor } from './pages/customerDetailPage';
import { CustomersPage } from './pages/customersPage';
import { LeadsPage } from './pages/leadsPage';
import { PipelinePage } from './pages/pipelinePage';
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
