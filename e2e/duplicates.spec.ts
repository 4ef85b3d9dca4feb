import { CustomerDetailPage } from './pages/customerDetailPage';
import { CustomersPage } from './pages/customersPage';
import { SyncPage } from './pages/syncPage';
import { ARTIFACTS } from './support/devices';
import { expect, test } from './support/world';

test('a duplicate captured offline is refused on sync, naming the holder and keeping the draft; a public-sea one can be claimed instead', async ({
  world,
}) => {
  await world.start({ demoCustomers: 40 });
  const { db } = world;
  const linas = await db.query<{ name: string }>(
    `SELECT c.name FROM customers c JOIN users u ON u.id = c.owner_id
      WHERE u.username = 'lina' AND c.kind = 'customer' AND c.pool_state = 'private' AND c.deleted_at IS NULL
      ORDER BY c.name LIMIT 1`,
  );
  const publics = await db.query<{ id: string; name: string }>(
    `SELECT id, name FROM customers
      WHERE kind = 'customer' AND pool_state = 'public' AND owner_id IS NULL AND deleted_at IS NULL
      ORDER BY name LIMIT 1`,
  );
  const linasCustomer = linas.rows[0];
  const publicCustomer = publics.rows[0];
  if (!linasCustomer || !publicCustomer) {
    throw new Error('The demo seed should give lina private customers and put one in 33 in the public sea');
  }

  const rep = await world.device('zhangwei', { cuttable: true });
  const { page, shell } = rep;
  const customers = new CustomersPage(page);
  const detail = new CustomerDetailPage(page);
  const inbox = new SyncPage(page);

  // Offline, the device can only check what it holds, and lina's customers are not on it.
  rep.link?.cut();
  const offlineForm = await customers.openNewCustomerForm();
  await offlineForm.fill({ name: linasCustomer.name, region: '上海市' });
  await expect(offlineForm.offlineNote).toBeVisible();
  await expect(offlineForm.duplicateWarning('name')).toHaveCount(0);
  const refusedId = await offlineForm.create();
  await shell.expectPending(1);

  rep.link?.restore();
  await shell.syncNow();
  await shell.expectPending(0);
  await shell.expectInboxCount(1);
  const refused = await db.query('SELECT id FROM customers WHERE id = $1', [refusedId]);
  expect(refused.rows).toEqual([]);

  // The inbox names who holds it (never their data) and keeps what the rep typed.
  await inbox.open();
  const rejection = inbox.item('rejection', linasCustomer.name);
  await expect(rejection).toBeVisible();
  await expect(inbox.reason(rejection)).toHaveAttribute('data-code', 'duplicate');
  await expect(inbox.reason(rejection)).toContainText('李娜');
  await expect(inbox.mine(rejection, 'name')).toHaveText(linasCustomer.name);
  await expect(inbox.mine(rejection, 'region')).toHaveText('上海市');
  await expect(rejection.getByTestId('inbox-claim')).toHaveCount(0);
  await page.screenshot({ path: `${ARTIFACTS}/inbox-duplicate.zh-CN.png` });

  // The refused record's own page says what happened instead of going blank.
  await shell.goToHash(`#/customers/${refusedId}`);
  const notice = page.getByTestId('customer-refused').or(page.getByTestId('customer-refused-banner'));
  await expect(notice).toBeVisible();
  await expect(notice).toHaveAttribute('data-code', 'duplicate');
  await expect(notice).toContainText('李娜');
  await page.screenshot({ path: `${ARTIFACTS}/customer-refused.zh-CN.png` });

  // Online, the live check asks the server: the public-sea customer is named, with a claim button.
  await shell.goToCustomers();
  const form = await customers.openNewCustomerForm();
  await form.fill({ name: publicCustomer.name });
  const warning = form.duplicateWarning('name');
  await expect(warning).toHaveAttribute('data-holder', 'public');
  await expect(warning).toHaveAttribute('data-online', 'true');
  await expect(warning).toContainText('公海');
  await expect(warning.getByTestId('duplicate-claim')).toBeVisible();
  await expect(form.offlineNote).toHaveCount(0);
  await page.screenshot({ path: `${ARTIFACTS}/duplicate-public.zh-CN.png` });

  // Saving anyway is allowed; the server refuses it, and the inbox offers "claim instead".
  await form.create();
  await shell.syncAndSettle();
  await shell.expectInboxCount(2);
  await inbox.open();
  const publicRejection = inbox.item('rejection', publicCustomer.name);
  await expect(inbox.reason(publicRejection)).toHaveAttribute('data-code', 'duplicate');
  await expect(inbox.reason(publicRejection)).toContainText('公海');
  await expect(publicRejection.getByTestId('inbox-claim')).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/inbox-claim.zh-CN.png` });
  await inbox.claimInstead(publicRejection);
  await expect(publicRejection).toHaveCount(0);
  await shell.expectInboxCount(1);
  await shell.syncAndSettle();

  // After the sync the public-sea customer is the rep's, with its history.
  await shell.goToCustomers();
  await customers.search(publicCustomer.name);
  await expect(customers.rowsNamed(publicCustomer.name)).toHaveCount(1, { timeout: 30_000 });
  await customers.rowsNamed(publicCustomer.name).click();
  await expect(detail.root).toHaveAttribute('data-id', publicCustomer.id);
  await expect(detail.ownershipItems.first().getByTestId('ownership-to')).toHaveText('张伟');
  const claimed = await db.query(
    `SELECT c.pool_state, u.username FROM customers c JOIN users u ON u.id = c.owner_id WHERE c.id = $1`,
    [publicCustomer.id],
  );
  expect(claimed.rows).toEqual([{ pool_state: 'private', username: 'zhangwei' }]);
});
