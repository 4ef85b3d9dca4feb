import { ARTIFACTS } from './support/devices';
import { CustomerDetailPage, CustomerEditor } from './pages/customerDetailPage';
import { CustomersPage } from './pages/customersPage';
import { PipelinePage } from './pages/pipelinePage';
import { SyncPage } from './pages/syncPage';
import { TodayPage } from './pages/todayPage';
import { deviceDate } from './support/dates';
import { expect, test } from './support/world';

test('concurrent edits: different fields both survive, the same field becomes a conflict the rep resolves', async ({
  world,
}) => {
  await world.start({ demoCustomers: 120 });
  const { db } = world;
  const repDevice = await world.device('zhangwei', { cuttable: true });
  const managerDevice = await world.device('wangfang');
  const rep = repDevice.page;
  const manager = managerDevice.page;
  const repShell = repDevice.shell;

  const name = await new CustomersPage(rep).openFirst();
  repDevice.link?.cut();

  // Offline, the rep changes the phone and the address.
  const repEditor = new CustomerEditor(rep);
  await repEditor.setField('phone', '13911112222');
  await repEditor.setField('address', '上海市浦东新区张江路 88 号');
  await repShell.expectPending(2);

  // Meanwhile the manager, online, changes the same phone.
  await new CustomersPage(manager).open(name);
  await new CustomerEditor(manager).setField('phone', '13833334444');
  await managerDevice.shell.expectPending(0);

  // The rep comes back: the address applies, the phone edit lost and waits in the inbox.
  repDevice.link?.restore();
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
});

test('a transfer by the manager takes the customer off rep A’s device and puts it, whole (open opportunity and task included), on rep B’s', async ({
  world,
}) => {
  await world.start({ demoCustomers: 60 });
  const repA = await world.device('zhangwei');
  const repB = await world.device('lina');
  const manager = await world.device('wangfang');

  // Rep A's customer, with an open opportunity and an open task of A's own.
  const name = await new CustomersPage(repA.page).openFirst();
  const onA = new CustomerDetailPage(repA.page);
  const customerId = await onA.id();
  const card = await onA.createOpportunity({
    name: '年度备件框架协议',
    amount: '360000',
    stageKey: 'proposal',
  });
  const opportunityId = await card.id();
  const taskTitle = '电话确认备件清单和报价';
  await onA.createTask({ title: taskTitle, type: 'call', dueDate: deviceDate(1) });
  await repA.shell.syncAndSettle();
  const followUpsOnA = await onA.followUps.count();
  const todayA = new TodayPage(repA.page);
  await todayA.open();
  await expect(todayA.task(taskTitle)).toBeVisible();

  await new CustomersPage(manager.page).open(name);
  await new CustomerEditor(manager.page).transferTo('李娜', '区域调整：转交华东一组李娜跟进');
  await manager.shell.expectPending(0);

  // Without anyone pressing sync, the poke brings the change to both reps: off A's Today and list…
  await expect(todayA.task(taskTitle)).toHaveCount(0, { timeout: 10_000 });
  await repA.shell.goToCustomers();
  const listA = new CustomersPage(repA.page);
  await listA.search(name);
  await expect(listA.rowsNamed(name)).toHaveCount(0, { timeout: 10_000 });

  // …and onto B's, with its follow-ups, the opportunity and the task, now B's.
  const listB = new CustomersPage(repB.page);
  await listB.search(name);
  await expect(listB.rowsNamed(name)).toHaveCount(1, { timeout: 10_000 });
  await listB.rowsNamed(name).first().click();
  const onB = new CustomerDetailPage(repB.page);
  await expect(onB.followUps).toHaveCount(followUpsOnA);
  await onB.opportunity('年度备件框架协议').expectStage('proposal');
  await expect(onB.task(taskTitle)).toBeVisible();
  await expect(onB.ownershipItems.first().getByTestId('ownership-to')).toHaveText('李娜');

  const todayB = new TodayPage(repB.page);
  await todayB.open();
  await expect(todayB.tasksOf(customerId).filter({ hasText: taskTitle })).toBeVisible();
  await expect(todayB.assigned(customerId)).toBeVisible();
  // Who decided, beside where it came from: the manager's transfer names the manager.
  await expect(todayB.assigned(customerId).getByTestId('today-assigned-how')).toHaveText(
    '来自 张伟 · 王芳 转交',
  );
  const pipelineB = new PipelinePage(repB.page);
  await pipelineB.open();
  await expect(
    pipelineB.column('proposal').locator(`[data-testid="pipeline-card"][data-id="${opportunityId}"]`),
  ).toBeVisible();

  const moved = await world.db.query(
    `SELECT (SELECT u.username FROM opportunities o JOIN users u ON u.id = o.owner_id WHERE o.id = $1) AS opportunity_owner,
            (SELECT u.username FROM tasks t JOIN users u ON u.id = t.assignee_id
              WHERE t.customer_id = $2 AND t.title = $3) AS task_assignee`,
    [opportunityId, customerId, taskTitle],
  );
  expect(moved.rows).toEqual([{ opportunity_owner: 'lina', task_assignee: 'lina' }]);
});
