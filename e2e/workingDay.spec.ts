import { CustomerDetailPage } from './pages/customerDetailPage';
import { newCreditCode } from './pages/customerForm';
import { CustomersPage } from './pages/customersPage';
import { LeadDetail, LeadsPage } from './pages/leadsPage';
import { LostReasonDialog } from './pages/opportunityCard';
import { TodayPage } from './pages/todayPage';
import { deviceDate } from './support/dates';
import { ARTIFACTS } from './support/devices';
import { DEVICE_TIME_ZONE } from './support/processes';
import { expect, test } from './support/world';

/** The calendar day (YYYY-MM-DD) an instant falls on for the devices. */
function dayOf(epochMs: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: DEVICE_TIME_ZONE }).format(epochMs);
}

test('a rep’s offline day (new customer, contact, visit with a next step, opportunity moved on) reaches the manager', async ({
  world,
}) => {
  await world.start({ demoCustomers: 40 });
  const rep = await world.device('zhangwei', { cuttable: true });
  const manager = await world.device('wangfang');
  const { page, shell } = rep;
  await shell.expectPending(0);

  // In the car park: no network for this device, the server and the manager stay up.
  rep.link?.cut();

  const name = '潮汐测试智能装备（无锡）有限公司';
  const creditCode = newCreditCode();
  const form = await new CustomersPage(page).openNewCustomerForm();
  await form.fill({ name, creditCode, phone: '13912340001', industry: '智能装备', region: '江苏省无锡市' });
  // Offline, only what the device holds could be checked, and the form says so.
  await expect(form.offlineNote).toBeVisible();
  const customerId = await form.create();
  const detail = new CustomerDetailPage(page);
  await expect(detail.name).toHaveText(name);
  await shell.expectPending(1);

  await detail.addContact({ name: '陈静', title: '采购经理', phone: '13800001111', primary: true });
  await shell.expectPending(2);

  // The visit, with the next step two days out: it becomes a task at once, on the card and on Today.
  const visit = '首次拜访：参观产线，约定带样机到现场演示';
  const nextDate = deviceDate(2);
  await detail.logFollowUp({
    type: 'visit',
    content: visit,
    outcome: '意向明确',
    nextFollowUpDate: nextDate,
  });
  await expect(detail.followUp(visit)).toHaveAttribute('data-pending', 'true');
  await shell.expectPending(3);
  await expect(detail.task(visit)).toBeVisible();
  await expect(detail.task(visit)).toHaveAttribute('data-bucket', 'upcoming');

  const today = new TodayPage(page);
  await today.open();
  const planned = today.tasksOf(customerId).filter({ hasText: visit });
  await expect(today.section('upcoming').getByTestId('task-item').filter({ hasText: visit })).toBeVisible();
  await expect(planned.getByTestId('task-customer')).toHaveText(name);
  // The task's customer link leads back to the customer.
  await planned.getByTestId('task-customer').click();
  await expect(detail.name).toHaveText(name);

  const card = await detail.createOpportunity({
    name: '在线检测设备采购（两台）',
    amount: '1,280,000.50',
    stageKey: 'discovery',
  });
  await card.expectStage('discovery');
  await expect(card.amount).toHaveAttribute('data-amount-minor', '128000050');
  await card.expectPending(true);
  await shell.expectPending(4);

  await card.moveTo('needs');
  await shell.expectPending(5);
  await expect(await card.openHistory()).toHaveCount(2);

  // Back in coverage: everything goes up in one sync.
  rep.link?.restore();
  await shell.syncAndSettle();
  await card.expectPending(false);
  await expect(detail.followUp(visit)).toHaveAttribute('data-pending', 'false');

  const customerRow = await world.db.query(
    `SELECT c.credit_code, c.kind, u.username AS owner FROM customers c JOIN users u ON u.id = c.owner_id
      WHERE c.id = $1`,
    [customerId],
  );
  expect(customerRow.rows).toEqual([{ credit_code: creditCode, kind: 'customer', owner: 'zhangwei' }]);
  const opportunity = await world.db.query(
    `SELECT o.id, o.stage_key, o.status, o.amount_minor::text AS amount, o.currency, u.username AS owner
       FROM opportunities o JOIN users u ON u.id = o.owner_id WHERE o.customer_id = $1`,
    [customerId],
  );
  expect(opportunity.rows).toHaveLength(1);
  expect(opportunity.rows[0]).toMatchObject({
    stage_key: 'needs',
    status: 'open',
    amount: '128000050',
    currency: 'CNY',
    owner: 'zhangwei',
  });
  const stages = await world.db.query(
    'SELECT from_stage, to_stage FROM stage_changes WHERE opportunity_id = $1 ORDER BY changed_at, id',
    [opportunity.rows[0].id],
  );
  expect(stages.rows).toEqual([
    { from_stage: null, to_stage: 'discovery' },
    { from_stage: 'discovery', to_stage: 'needs' },
  ]);
  const task = await world.db.query(
    `SELECT t.title, t.status, t.origin, t.due_at::float8 AS due_at, u.username AS assignee,
            f.content AS source_content
       FROM tasks t JOIN users u ON u.id = t.assignee_id LEFT JOIN follow_ups f ON f.id = t.source_follow_up_id
      WHERE t.customer_id = $1`,
    [customerId],
  );
  expect(task.rows).toHaveLength(1);
  expect(task.rows[0]).toMatchObject({
    title: visit,
    status: 'open',
    origin: 'followUp',
    assignee: 'zhangwei',
    source_content: visit,
  });
  expect(dayOf(task.rows[0].due_at)).toBe(nextDate);

  // The manager, on another device, finds the customer and sees the rep's whole day there.
  const managerCustomers = new CustomersPage(manager.page);
  await managerCustomers.search('智能装备（无锡）');
  await expect(managerCustomers.rowsNamed(name)).toHaveCount(1, { timeout: 30_000 });
  await managerCustomers.rowsNamed(name).click();
  const seen = new CustomerDetailPage(manager.page);
  await expect(seen.name).toHaveText(name);
  await expect(seen.contacts.filter({ hasText: '陈静' })).toBeVisible();
  await expect(seen.followUp(visit)).toBeVisible();
  await expect(seen.followUp(visit)).toHaveAttribute('data-pending', 'false');
  const seenCard = seen.opportunity('在线检测设备采购（两台）');
  await seenCard.expectStage('needs');
  await expect(seenCard.amount).toHaveAttribute('data-amount-minor', '128000050');
  const history = await seenCard.openHistory();
  await expect(history).toHaveCount(2);
  await expect(history.nth(0)).toHaveAttribute('data-to', 'needs');
  await expect(history.nth(1)).toHaveAttribute('data-to', 'discovery');
  await expect(seen.task(visit)).toBeVisible();
});

test('a lead converted offline keeps its follow-ups and contact, on the device and on the server', async ({
  world,
}) => {
  await world.start({ demoCustomers: 20 });
  const rep = await world.device('zhangwei', { cuttable: true });
  const { page, shell } = rep;

  const leads = new LeadsPage(page);
  await leads.open();
  const name = '潮汐测试智能仓储（昆山）有限公司';
  const leadId = await leads.create({
    name,
    industry: '仓储物流',
    region: '江苏省昆山市',
    source: '展会',
    contactName: '周敏',
    contactTitle: '设备主管',
    contactPhone: '13700002222',
  });
  const detail = new CustomerDetailPage(page);
  await detail.expectKind('lead');
  await expect(detail.contacts.filter({ hasText: '周敏' })).toBeVisible();
  const call = '展会后电话回访：对方确认二季度有自动化仓储改造预算';
  await detail.logFollowUp({ type: 'call', content: call });
  await shell.syncAndSettle();
  const asLead = await world.db.query('SELECT kind FROM customers WHERE id = $1', [leadId]);
  expect(asLead.rows).toEqual([{ kind: 'lead' }]);

  // Offline, the rep converts it, opening the first opportunity on the way.
  rep.link?.cut();
  const creditCode = newCreditCode();
  await new LeadDetail(page).convert({
    customer: { shortName: '潮汐仓储', creditCode },
    opportunity: { name: '自动化立体库改造', amount: '860000', stageKey: 'needs' },
    screenshot: `${ARTIFACTS}/convert-lead.zh-CN.png`,
  });
  // The same record, promoted: same id, and its history is there.
  await expect(detail.root).toHaveAttribute('data-id', leadId);
  await expect(detail.followUp(call)).toBeVisible();
  await expect(detail.contacts.filter({ hasText: '周敏' })).toBeVisible();
  const card = detail.opportunity('自动化立体库改造');
  await card.expectStage('needs');
  await card.expectPending(true);
  await shell.expectPending(1);

  rep.link?.restore();
  await shell.syncAndSettle();
  await card.expectPending(false);
  await detail.expectKind('customer');
  await expect(detail.followUp(call)).toHaveAttribute('data-pending', 'false');
  await expect(detail.contacts.filter({ hasText: '周敏' })).toBeVisible();

  const customer = await world.db.query(
    `SELECT kind, lead_status, credit_code, short_name, converted_at IS NOT NULL AS converted FROM customers
      WHERE id = $1`,
    [leadId],
  );
  expect(customer.rows).toEqual([
    {
      kind: 'customer',
      lead_status: 'converted',
      credit_code: creditCode,
      short_name: '潮汐仓储',
      converted: true,
    },
  ]);
  const followUp = await world.db.query('SELECT customer_id FROM follow_ups WHERE content = $1', [call]);
  expect(followUp.rows).toEqual([{ customer_id: leadId }]);
  const contact = await world.db.query('SELECT customer_id, is_primary FROM contacts WHERE name = $1', [
    '周敏',
  ]);
  expect(contact.rows).toEqual([{ customer_id: leadId, is_primary: true }]);
  const opportunity = await world.db.query(
    'SELECT customer_id, stage_key, status FROM opportunities WHERE name = $1',
    ['自动化立体库改造'],
  );
  expect(opportunity.rows).toEqual([{ customer_id: leadId, stage_key: 'needs', status: 'open' }]);

  // It is a customer now: in the customer list, no longer among the open leads.
  await shell.goToCustomers();
  const customers = new CustomersPage(page);
  await customers.search('智能仓储');
  await expect(customers.rowsNamed(name)).toHaveCount(1);
  await leads.open();
  await leads.search('智能仓储');
  await expect(leads.rows.filter({ hasText: name })).toHaveCount(0);
});

test('bad input is refused in the UI, naming the field, and nothing is queued', async ({ world }) => {
  await world.start({ demoCustomers: 20 });
  const rep = await world.device('zhangwei', { cuttable: true });
  const { page, shell } = rep;
  // Offline, so that whatever is queued stays counted.
  rep.link?.cut();
  await new CustomersPage(page).openFirst();
  const detail = new CustomerDetailPage(page);
  const card = await detail.createOpportunity({
    name: '输单原因校验商机',
    amount: '50000',
    stageKey: 'proposal',
  });
  await shell.expectPending(1);

  // A move to a lost stage needs a reason.
  const lost = new LostReasonDialog(page);
  await card.chooseStage('lost');
  await expect(lost.root).toBeVisible();
  await lost.submit();
  await expect(lost.error).toBeVisible();
  await expect(lost.error).not.toBeEmpty();
  await expect(lost.root).toBeVisible();
  await lost.cancel();
  await card.expectStage('proposal');

  // The opportunity form: an empty name and a negative amount.
  const before = await detail.opportunityItems.count();
  const form = await detail.openNewOpportunityForm();
  await form.fill({ name: '', amount: '' });
  await form.submit();
  await expect(form.error('name')).toBeVisible();
  await expect(form.error('name')).not.toBeEmpty();
  await expect(form.error('amount')).toBeVisible();
  await form.fill({ name: '负金额商机', amount: '-1000' });
  await form.submit();
  await expect(form.error('name')).toHaveCount(0);
  await expect(form.error('amount')).toBeVisible();
  await expect(form.error('amount')).toContainText('金额');
  await expect(form.root).toBeVisible();
  await form.cancel();
  await expect(detail.opportunityItems).toHaveCount(before);

  // Nothing of that was queued: the one valid move that follows is the only new change.
  await shell.expectPending(1);
  await card.chooseStage('lost');
  await lost.choose('price');
  await lost.submit();
  await expect(lost.root).toHaveCount(0);
  await card.expectStage('lost');
  await expect(card.root).toHaveAttribute('data-status', 'lost');
  await shell.expectPending(2);

  rep.link?.restore();
  await shell.syncAndSettle();
  const stored = await world.db.query(
    'SELECT stage_key, status, lost_reason FROM opportunities WHERE name = ANY($1)',
    [['输单原因校验商机', '负金额商机']],
  );
  expect(stored.rows).toEqual([{ stage_key: 'lost', status: 'lost', lost_reason: 'price' }]);
});
