import { CustomerDetailPage } from './pages/customerDetailPage';
import { CustomersPage } from './pages/customersPage';
import { Notices } from './pages/noticesPanel';
import { PublicSeaPage } from './pages/publicSeaPage';
import { TodayPage } from './pages/todayPage';
import { ARTIFACTS, DEMO_PASSWORD } from './support/devices';
import { expect, test, type World } from './support/world';

const DAY_MS = 86_400_000;

/**
 * One of a rep's customers the demo pool's rules judge by silence alone: private, level B, no deal,
 * not locked, no opportunity (so no exemption and no opportunity rule decides for it).
 */
async function quietCustomerOf(
  world: World,
  username: string,
  skip: string[] = [],
): Promise<{ id: string; name: string }> {
  const { rows } = await world.db.query<{ id: string; name: string }>(
    `SELECT c.id, c.name FROM customers c JOIN users u ON u.id = c.owner_id
     WHERE u.username = $1 AND c.kind = 'customer' AND c.pool_state = 'private' AND c.deleted_at IS NULL
       AND c.last_deal_at IS NULL AND NOT c.locked AND c.status = 'active'
       AND NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = c.id)
       AND NOT (c.id = ANY($2::uuid[]))
     ORDER BY c.name LIMIT 1`,
    [username, skip],
  );
  const found = rows[0];
  if (!found) throw new Error(`no quiet customer of ${username} in the seed`);
  return found;
}

/** Sets when the customer was last followed up (and claimed), as if that many days had passed. */
async function silentFor(world: World, customerId: string, days: number): Promise<void> {
  const at = Date.now() - days * DAY_MS;
  await world.db.query(
    `UPDATE customers SET level = 'B', last_follow_up_at = $2, claimed_at = $3, pool_id = NULL
     WHERE id = $1`,
    [customerId, at, at - 30 * DAY_MS],
  );
}

/** The admin's "run now" of the recycle job, over HTTP as the admin screen does it. */
async function runRecycleNow(world: World): Promise<{ moved: number; sample: { id: string }[] }> {
  const login = await fetch(`${world.server.url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const run = await fetch(`${world.server.url}/admin/pools/run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ dryRun: false }),
  });
  expect(run.status).toBe(200);
  return (await run.json()) as { moved: number; sample: { id: string }[] };
}

test('the recycle countdown shows on Today, the list and the detail, and a follow-up logged offline resets it', async ({
  world,
}) => {
  await world.start({ demoCustomers: 40 });
  const quiet = await quietCustomerOf(world, 'zhangwei');
  // 88 of the pool's 90 days without a follow-up: recycled in 2 days, inside the 7-day warning window.
  await silentFor(world, quiet.id, 88);
  const rep = await world.device('zhangwei', { cuttable: true });
  const { page, shell } = rep;

  const today = new TodayPage(page);
  await today.open();
  const warned = page.locator(`[data-testid="today-recycling-item"][data-customer-id="${quiet.id}"]`);
  await expect(warned).toBeVisible();
  await expect(warned.getByTestId('recycle-countdown')).toHaveAttribute('data-days', '2');
  await expect(warned).toHaveAttribute('data-rule', 'noFollowUp');

  await shell.goToCustomers();
  const list = new CustomersPage(page);
  await list.search(quiet.name);
  const row = list.rowsNamed(quiet.name).first();
  await expect(row.getByTestId('recycle-countdown')).toHaveAttribute('data-days', '2');
  await row.click();

  const detail = new CustomerDetailPage(page);
  await expect(detail.name).toHaveText(quiet.name);
  const badge = page.getByTestId('customer-detail').getByTestId('recycle-countdown').first();
  await expect(badge).toHaveAttribute('data-days', '2');
  await expect(badge).toHaveAttribute('data-tone', 'warning');
  await expect(page.getByTestId('recycle-banner')).toBeVisible();
  await page.screenshot({ path: `${ARTIFACTS}/recycle-countdown.zh-CN.png` });

  // In the car park, no network: the visit resets the countdown on the device at once.
  rep.link?.cut();
  await detail.logFollowUp({ type: 'visit', content: '上门拜访：确认下季度备件需求', outcome: '有采购意向' });
  await expect(page.getByTestId('recycle-banner')).toBeHidden();
  await expect(badge).toHaveAttribute('data-days', '90');
  await expect(badge).toHaveAttribute('data-tone', 'calm');
  await today.open();
  await expect(warned).toBeHidden();

  rep.link?.restore();
  await shell.syncAndSettle();
  await shell.expectPending(0);
  // The server holds the follow-up: its job would not recycle the customer now.
  const { rows } = await world.db.query<{ last: string }>(
    `SELECT last_follow_up_at::text AS last FROM customers WHERE id = $1`,
    [quiet.id],
  );
  expect(Number(rows[0]?.last)).toBeGreaterThan(Date.now() - DAY_MS);
});

test('a recycled customer leaves the rep’s device with a notice; the public sea masks phones and a claim brings a customer in', async ({
  world,
}) => {
  await world.start({ demoCustomers: 40 });
  const gone = await quietCustomerOf(world, 'zhangwei');
  await silentFor(world, gone.id, 100);
  const rep = await world.device('zhangwei');
  const { page, shell } = rep;
  const list = new CustomersPage(page);
  await list.search(gone.name);
  await expect(list.rowsNamed(gone.name)).toHaveCount(1);

  // The job runs (the admin's "run now"); the server pokes the rep's device, which pulls the move.
  const run = await runRecycleNow(world);
  expect(run.moved).toBeGreaterThanOrEqual(1);
  await expect(list.rowsNamed(gone.name)).toHaveCount(0, { timeout: 15_000 });

  const today = new TodayPage(page);
  await today.open();
  const notice = new Notices(page).of(gone.id);
  await expect(notice).toHaveAttribute('data-kind', 'recycledAway');
  await expect(notice.getByTestId('notice-text')).toContainText(gone.name);
  await expect(notice.getByTestId('notice-text')).toContainText('90');
  await page.screenshot({ path: `${ARTIFACTS}/recycled-notice.zh-CN.png` });

  // In the public sea it is marked as the rep's own loss: no claiming it back during the cooldown.
  const sea = new PublicSeaPage(page);
  await sea.open();
  await sea.search(gone.name);
  await expect(sea.row(gone.id)).toHaveAttribute('data-state', 'cooldown');
  await expect(sea.row(gone.id).getByTestId('sea-previous-owner')).toContainText('张伟');

  // Another public customer: phones are masked, and a claim brings it into the private sea.
  await sea.search('');
  await expect(sea.rows.first()).toBeVisible();
  const masked = await page.getByTestId('sea-phone').allTextContents();
  expect(masked.filter((p) => p.trim().length > 0).every((p) => p.includes('****'))).toBe(true);
  const claimable = sea.rows.and(page.locator('[data-state="claimable"]')).first();
  const claimedId = (await claimable.getAttribute('data-id')) ?? '';
  expect(claimedId).not.toBe('');
  const { rows } = await world.db.query<{ name: string }>(`SELECT name FROM customers WHERE id = $1`, [
    claimedId,
  ]);
  const claimedName = rows[0]?.name ?? '';
  await page.screenshot({ path: `${ARTIFACTS}/public-sea-claim.zh-CN.png` });
  await sea.claim(claimedId);
  await shell.syncAndSettle();

  await shell.goToCustomers();
  await list.search(claimedName);
  await expect(list.rowsNamed(claimedName)).toHaveCount(1, { timeout: 15_000 });
  const owner = await world.db.query<{ username: string; action: string }>(
    `SELECT u.username, h.action FROM customers c JOIN users u ON u.id = c.owner_id
     JOIN ownership_history h ON h.customer_id = c.id
     WHERE c.id = $1 ORDER BY h.at DESC LIMIT 1`,
    [claimedId],
  );
  expect(owner.rows[0]).toEqual({ username: 'zhangwei', action: 'claim' });
});

test('an admin tightens a pool’s rule, previews what it would move today, and runs it', async ({ world }) => {
  await world.start({ demoCustomers: 40 });
  const admin = await world.device('admin');
  const { page, shell } = admin;
  await shell.goToHash('#/pools');
  await expect(page.getByTestId('pools-page')).toBeVisible();
  await page.locator('[data-testid="pools-item"][data-kind="customer"][data-default="true"]').click();
  const editor = page.getByTestId('pool-editor');
  await expect(editor).toBeVisible();

  // What the saved rules would move now.
  await page.getByTestId('pools-preview-this').click();
  const preview = page.getByTestId('pools-preview');
  await expect(preview).toHaveAttribute('data-dry-run', 'true');
  const before = Number(await preview.getAttribute('data-moved'));
  await page.getByTestId('pools-preview-close').click();

  // 30 days of silence instead of 90 (A-level customers keep their own threshold).
  const silence = editor.locator('[data-testid="pool-rule"][data-kind="noFollowUp"]');
  await silence.getByTestId('pool-rule-days').fill('30');
  await page.getByTestId('pools-save').click();
  await expect(editor).not.toHaveAttribute('data-dirty');

  await page.getByTestId('pools-preview-this').click();
  await expect(preview).toHaveAttribute('data-dry-run', 'true');
  const after = Number(await preview.getAttribute('data-moved'));
  expect(after).toBeGreaterThan(before);
  await expect(
    preview.locator('[data-testid="pools-preview-rule"][data-rule="noFollowUp"]').first(),
  ).not.toHaveAttribute('data-count', '0');
  await page.screenshot({ path: `${ARTIFACTS}/pool-preview.zh-CN.png` });
  // Nothing moved by a preview.
  const publicCount = async () =>
    Number(
      (
        await world.db.query<{ n: string }>(
          `SELECT count(*)::text AS n FROM customers WHERE pool_state = 'public' AND kind = 'customer'`,
        )
      ).rows[0]?.n,
    );
  const publicBefore = await publicCount();

  await page.getByTestId('pools-run-now').click();
  await page.getByTestId('confirm-ok').click();
  await expect(preview).toHaveAttribute('data-dry-run', 'false');
  await expect(preview).toHaveAttribute('data-moved', String(after));
  expect(await publicCount()).toBe(publicBefore + after);

  await page.getByTestId('pools-preview-close').click();
  await shell.setLocale('en');
  await page.getByTestId('pools-preview-this').click();
  await expect(preview).toHaveAttribute('data-moved', '0');
  await page.screenshot({ path: `${ARTIFACTS}/pool-run.en.png` });
});

test('a manager who administers a pool tunes its rules, but not whom it serves', async ({ world }) => {
  await world.start({ demoCustomers: 40 });
  const manager = await world.device('wangfang');
  const { page } = manager;
  await page.getByTestId('nav-pools').click();
  await expect(page.getByTestId('pools-page')).toBeVisible();
  // Only the pools they administer, and no new pools.
  const administered = await world.db.query<{ id: string }>(
    `SELECT p.id FROM pools p, users u WHERE u.username = 'wangfang' AND p.admin_ids ? u.id::text ORDER BY p.id`,
  );
  expect(administered.rows.length).toBeLessThan(
    Number((await world.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM pools`)).rows[0]?.n),
  );
  const listed = await page
    .getByTestId('pools-item')
    .evaluateAll((items) => items.map((i) => i.getAttribute('data-id') ?? '').sort());
  expect(listed).toEqual(administered.rows.map((r) => r.id).sort());
  await expect(page.getByTestId('pools-new')).toHaveCount(0);
  await page.locator('[data-testid="pools-item"][data-kind="customer"][data-default="true"]').click();
  const editor = page.getByTestId('pool-editor');
  await expect(editor.getByTestId('pool-field-team').first()).toBeDisabled();
  await expect(editor.getByTestId('pool-field-isDefault')).toBeDisabled();

  await editor.getByTestId('pool-field-warnDays').fill('10');
  await page.getByTestId('pools-save').click();
  await expect(editor).not.toHaveAttribute('data-dirty');
  const { rows } = await world.db.query<{ warn: number; teams: string[] }>(
    `SELECT (recycle->>'warnDays')::int AS warn, team_ids AS teams FROM pools WHERE is_default AND kind = 'customer'`,
  );
  expect(rows[0]?.warn).toBe(10);
  expect(rows[0]?.teams.length).toBeGreaterThan(0);

  await page.getByTestId('pools-preview-this').click();
  await expect(page.getByTestId('pools-preview')).toHaveAttribute('data-dry-run', 'true');
  await page.screenshot({ path: `${ARTIFACTS}/pool-admin-manager.zh-CN.png` });
});
