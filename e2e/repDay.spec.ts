import { ARTIFACTS } from './support/devices';
import { creditCodeCheckChar } from '../shared/domain/validators';
import { expect, test } from './support/world';
import { fillRequiredChoices } from './pages/requiredChoices';

test('offline, a rep captures a new customer and logs a visit through the quick-log shortcut; both reach the server', async ({
  world,
}) => {
  await world.start({ demoCustomers: 60 });
  const { db } = world;
  const { page, shell, link } = await world.device('zhangwei', { cuttable: true });
  link?.cut();

  const name = '潮汐测试精密仪器（苏州）有限公司';
  const first17 = '91320594MA1TEST0Q'.replace(/[IOSVZ]/g, '1');
  const creditCode = first17 + (creditCodeCheckChar(first17) ?? '0');

  await page.getByTestId('new-customer').click();
  await expect(page.getByTestId('customer-create-form')).toBeVisible();
  await page.getByTestId('customer-field-name').fill(name);
  await page.getByTestId('customer-field-phone').fill('1391234');
  await page.getByTestId('customer-field-creditCode').fill(first17 + 'X');
  // Malformed values are refused inline, naming the field, and nothing is queued.
  await page.getByTestId('customer-create-submit').click();
  await expect(page.getByTestId('error-phone')).toBeVisible();
  await expect(page.getByTestId('error-creditCode')).toBeVisible();
  await shell.expectPending(0);

  await page.getByTestId('customer-field-phone').fill('13912345678');
  await page.getByTestId('customer-field-creditCode').fill(creditCode);
  await fillRequiredChoices(page);
  await page.getByTestId('customer-create-submit').click();
  await expect(page.getByTestId('customer-name')).toHaveText(name);
  await shell.expectPending(1);

  // The person met there, with a malformed email refused inline first.
  await page.getByTestId('add-contact').click();
  await expect(page.getByTestId('contact-form')).toBeVisible();
  await page.getByTestId('contact-field-name').fill('陈静');
  await page.getByTestId('contact-field-title').fill('采购经理');
  await page.getByTestId('contact-field-email').fill('chenjing@');
  await page.getByTestId('contact-submit').click();
  await expect(page.getByTestId('error-email')).toBeVisible();
  await page.getByTestId('contact-field-email').fill('chenjing@example.cn');
  await page.getByTestId('contact-field-isPrimary').check();
  await page.getByTestId('contact-submit').click();
  await expect(page.getByTestId('contact-form')).toHaveCount(0);
  await expect(page.getByTestId('contact-list')).toContainText('陈静');
  await shell.expectPending(2);

  // After the visit: one shortcut, a Chinese substring finds the customer, one keystroke saves.
  await page.keyboard.press('Control+k');
  await page.getByTestId('quick-log-search').fill('精密仪器');
  const result = page.getByTestId('quick-log-result').filter({ hasText: name });
  await expect(result).toBeVisible();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('quick-log-customer')).toContainText(name);
  const content = '首次拜访：参观产线，对方计划三季度采购两台检测设备';
  await page.getByTestId('followup-content').fill(content);
  await page.screenshot({ path: `${ARTIFACTS}/quick-log.zh-CN.png` });
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('quick-log-saved')).toBeVisible();
  await shell.expectPending(3);

  link?.restore();
  await shell.syncNow();
  await shell.expectPending(0);
  const stored = await db.query(
    `SELECT c.credit_code, c.phone, u.username, f.content
       FROM customers c JOIN users u ON u.id = c.owner_id JOIN follow_ups f ON f.customer_id = c.id
      WHERE c.name = $1`,
    [name],
  );
  expect(stored.rows).toEqual([
    { credit_code: creditCode, phone: '13912345678', username: 'zhangwei', content },
  ]);
});
