import { ARTIFACTS } from './support/devices';
import { AppShell } from './pages/appShell';
import { CustomerDetailPage } from './pages/customerDetailPage';
import { CustomersPage } from './pages/customersPage';
import { LoginPage } from './pages/loginPage';
import { expect, test } from './support/world';

test('a rep logs a follow-up offline; it reaches the server and the manager once back online', async ({
  world,
}) => {
  await world.start({ demoCustomers: 300 });
  const { db, server } = world;
  const rep = (await world.device('zhangwei')).page;
  const repShell = new AppShell(rep);
  await repShell.expectOnline(true);
  await repShell.expectPending(0);
  await rep.screenshot({ path: `${ARTIFACTS}/customer-list.zh-CN.png` });

  const manager = (await world.device('wangfang')).page;

  // The network goes away: the sync server stops.
  await server.stop();

  const customers = new CustomersPage(rep);
  const customerName = await customers.openFirst();
  const detail = new CustomerDetailPage(rep);
  const before = await detail.followUps.count();

  // Bad input is refused inline, naming the field, and nothing is queued.
  await detail.openFollowUpForm();
  await detail.submitFollowUp();
  await expect(rep.getByTestId('error-content')).toBeVisible();
  await repShell.expectPending(0);

  const content = `E2E 现场拜访：客户确认下周安排样机试用 ${Date.now()}`;
  await detail.fillFollowUp({
    type: 'visit',
    content,
    outcome: '意向明确',
    nextFollowUpDate: '2030-01-15',
  });
  await rep.screenshot({ path: `${ARTIFACTS}/follow-up-form.zh-CN.png` });

  // A stray Esc or click outside does not throw the note away: the dialog asks first, and "keep
  // editing" brings the rep back to it, intact.
  await rep.keyboard.press('Escape');
  await expect(rep.getByTestId('dialog-discard')).toBeVisible();
  await expect(rep.getByTestId('followup-form')).toBeVisible();
  await rep.screenshot({ path: `${ARTIFACTS}/follow-up-discard.zh-CN.png` });
  await rep.getByTestId('dialog-discard-keep').click();
  await expect(rep.getByTestId('dialog-discard')).toHaveCount(0);
  await expect(rep.getByTestId('followup-content')).toHaveValue(content);
  // Back in the field the rep was typing in when the Esc came.
  await expect(rep.getByTestId('followup-next-at')).toBeFocused();
  await detail.submitFollowUp();

  // It shows at once, marked pending, and the indicator counts it while offline.
  await expect(detail.followUp(content)).toBeVisible();
  await expect(detail.followUp(content)).toHaveAttribute('data-pending', 'true');
  await expect(detail.followUps).toHaveCount(before + 1);
  await repShell.expectPending(1);
  await repShell.expectOnline(false);

  // "Discard" does throw a draft away: the dialog closes and nothing more is queued.
  await detail.openFollowUpForm();
  await rep.getByTestId('followup-content').fill('写了一半的草稿');
  await rep.mouse.click(5, 5); // outside the dialog, on its overlay
  await expect(rep.getByTestId('dialog-discard')).toBeVisible();
  await rep.getByTestId('dialog-discard-confirm').click();
  await expect(rep.getByTestId('followup-form')).toHaveCount(0);
  await expect(detail.followUps).toHaveCount(before + 1);
  await repShell.expectPending(1);

  // The server comes back: the agent retries by itself and the queue drains.
  await server.start();
  await repShell.expectPending(0);
  await repShell.expectOnline(true);
  await expect(detail.followUp(content)).toHaveAttribute('data-pending', 'false');

  const stored = await db.query(
    `SELECT f.content, f.type, u.username, c.name AS customer, c.last_follow_up_at
       FROM follow_ups f JOIN users u ON u.id = f.author_id JOIN customers c ON c.id = f.customer_id
      WHERE f.content = $1`,
    [content],
  );
  expect(stored.rows).toHaveLength(1);
  expect(stored.rows[0]).toMatchObject({ type: 'visit', username: 'zhangwei', customer: customerName });

  // The manager's device gets it on its next sync.
  const managerShell = new AppShell(manager);
  await managerShell.syncNow();
  await managerShell.expectPending(0);
  const managerCustomers = new CustomersPage(manager);
  await managerCustomers.open(customerName);
  await expect(new CustomerDetailPage(manager).followUp(content)).toBeVisible();

  // English reads naturally too.
  await rep.getByTestId('lang-switch').click();
  await repShell.goToCustomers();
  await customers.waitForRows();
  await rep.screenshot({ path: `${ARTIFACTS}/customer-list.en.png` });
});

test('a wrong password is refused with a clear message', async ({ world }) => {
  await world.start({ demoCustomers: 20 });
  const { page, serverUrl } = await world.app();
  const login = new LoginPage(page);
  await login.login(serverUrl, 'zhangwei', 'wrong-password');
  await login.expectError();
  await expect(page.getByTestId('customer-table')).toHaveCount(0);
  await expect(page.getByTestId('today-page')).toHaveCount(0);
});
