import { expect, test } from '@playwright/test';
import { ARTIFACTS, openDevice } from './support/devices';
import { AppShell } from './pages/appShell';
import { CustomerDetailPage, CustomerEditor } from './pages/customerDetailPage';
import { CustomersPage } from './pages/customersPage';
import { SyncPage } from './pages/syncPage';
import {
  createScratchDatabase,
  startClientHost,
  startNetworkLink,
  startSyncServer,
} from './support/processes';

test('concurrent edits: different fields both survive, the same field becomes a conflict the rep resolves', async ({
  browser,
}) => {
  const db = await createScratchDatabase();
  const server = await startSyncServer({ databaseUrl: db.url, demoCustomers: 120 });
  const link = await startNetworkLink(server.url);
  const repHost = await startClientHost({ serverUrl: link.url });
  const managerHost = await startClientHost({ serverUrl: server.url });
  try {
    const rep = await openDevice(browser, repHost, link.url, 'zhangwei');
    const manager = await openDevice(browser, managerHost, server.url, 'wangfang');
    const repShell = new AppShell(rep);

    const name = await new CustomersPage(rep).openFirst();
    link.cut();

    // Offline, the rep changes the phone and the address.
    const repEditor = new CustomerEditor(rep);
    await repEditor.setField('phone', '13911112222');
    await repEditor.setField('address', '上海市浦东新区张江路 88 号');
    await repShell.expectPending(2);

    // Meanwhile the manager, online, changes the same phone.
    await new CustomersPage(manager).open(name);
    await new CustomerEditor(manager).setField('phone', '13833334444');
    await new AppShell(manager).expectPending(0);

    // The rep comes back: the address applies, the phone edit lost and waits in the inbox.
    link.restore();
    await repShell.syncNow();
    await repShell.expectPending(0);
    const row = async () =>
      (await db.query('SELECT phone, address FROM customers WHERE name = $1', [name])).rows[0] as {
        phone: string;
        address: string;
      };
    expect(await row()).toEqual({ phone: '13833334444', address: '上海市浦东新区张江路 88 号' });

    const inbox = new SyncPage(rep);
    await inbox.open();
    const conflict = inbox.item('conflict', '13911112222');
    await expect(conflict).toBeVisible();
    await expect(conflict).toContainText('13833334444');
    await rep.screenshot({ path: `${ARTIFACTS}/inbox-conflict.zh-CN.png` });

    // "Apply mine" re-issues the rep's value on top of what the server has now.
    await inbox.applyMine(conflict);
    await expect(inbox.item('conflict', '13911112222')).toHaveCount(0);
    await repShell.expectPending(0);
    await expect.poll(async () => (await row()).phone, { timeout: 20_000 }).toBe('13911112222');
  } finally {
    await repHost.stop();
    await managerHost.stop();
    await link.close();
    await server.stop();
    await db.drop();
  }
});

test('a transfer by the manager takes the customer off rep A’s device and puts it, whole, on rep B’s', async ({
  browser,
}) => {
  const db = await createScratchDatabase();
  const server = await startSyncServer({ databaseUrl: db.url, demoCustomers: 120 });
  const hostA = await startClientHost({ serverUrl: server.url });
  const hostB = await startClientHost({ serverUrl: server.url });
  const managerHost = await startClientHost({ serverUrl: server.url });
  try {
    const repA = await openDevice(browser, hostA, server.url, 'zhangwei');
    const repB = await openDevice(browser, hostB, server.url, 'lina');
    const manager = await openDevice(browser, managerHost, server.url, 'wangfang');

    const name = await new CustomersPage(repA).openFirst();
    const followUpsOnA = await new CustomerDetailPage(repA).followUps.count();
    await new AppShell(repA).goToCustomers();

    await new CustomersPage(manager).open(name);
    await new CustomerEditor(manager).transferTo('李娜', '区域调整：转交华东一组李娜跟进');
    await new AppShell(manager).expectPending(0);

    // Without anyone pressing sync, the poke brings the change to both reps.
    const listA = new CustomersPage(repA);
    await listA.search(name);
    await expect(listA.rows.filter({ hasText: name })).toHaveCount(0, { timeout: 10_000 });

    const listB = new CustomersPage(repB);
    await listB.search(name);
    await expect(listB.rows.filter({ hasText: name })).toHaveCount(1, { timeout: 10_000 });
    await listB.rows.filter({ hasText: name }).first().click();
    await expect(new CustomerDetailPage(repB).followUps).toHaveCount(followUpsOnA);
  } finally {
    await hostA.stop();
    await hostB.stop();
    await managerHost.stop();
    await server.stop();
    await db.drop();
  }
});
