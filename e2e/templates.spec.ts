import { CustomersPage } from './pages/customersPage';
import { DesignerPage } from './pages/designerPage';
import { DynamicFormView, ProfileCard } from './pages/profileForm';
import { callCore } from './support/core';
import { expect, test } from './support/world';

type Placed = { field: string; visibleWhen: unknown };
type Section = { key: string; labelZh: string; labelEn: string; fields: Placed[] };
type Field = { key: string; type: string; optionList: string | null; validation: { max: number | null } };
type OptionList = {
  key: string;
  labelZh: string;
  labelEn: string;
  values: { key: string; active: boolean }[];
};

const INTENT = {
  key: 'partnership_intent',
  labelZh: '合作意向',
  labelEn: 'Partnership intent',
  values: [
    { key: 'strategic', labelZh: '战略合作', labelEn: 'Strategic partner', color: 'green' },
    { key: 'trial', labelZh: '试用评估', labelEn: 'On trial', color: 'blue' },
    { key: 'competing', labelZh: '在用竞品', labelEn: 'Uses a competitor', color: 'red' },
  ],
};
const COMPETITOR = '西门子 S7-1500 产线';

// A control that never appears fails in half a minute, not at the test's end.
test.use({ actionTimeout: 30_000 });

/**
 * Issue 5 end to end: the admin designs a profile field from an option list and a conditional field,
 * previews and publishes; a rep's device receives the version and fills it offline, where the one shared
 * validator refuses a bad value in the form and in the client core; the server stores the values with the
 * version; a deactivated option stays on the record that holds it but is no longer offered; an edit queued
 * offline under one version survives the admin publishing a stricter one; removing a used option is
 * refused with its count and changes nothing.
 */
test('an admin publishes a profile field with a condition; a rep fills it offline and nothing is lost across versions', async ({
  world,
}) => {
  test.setTimeout(300_000);
  await world.start({ demoCustomers: 30 });
  const { db } = world;
  // Two of zhangwei's customers on the default customer template (machinery has its own).
  const picked = await db.query<{ id: string; name: string; attrs: Record<string, unknown> }>(
    `SELECT c.id, c.name, c.attrs FROM customers c JOIN users u ON u.id = c.owner_id
      WHERE u.username = 'zhangwei' AND c.kind = 'customer' AND c.pool_state = 'private'
        AND c.deleted_at IS NULL AND c.industry IS DISTINCT FROM '机械制造'
      ORDER BY c.name LIMIT 2`,
  );
  const [held, other] = picked.rows;
  if (!held || !other) throw new Error('The demo seed should give zhangwei two non-machinery customers');
  const template = await db.query<{ id: string }>(
    `SELECT id FROM templates WHERE entity = 'customer' AND category IS NULL`,
  );
  const templateId = template.rows[0]?.id ?? '';
  const versionOf = async (n: number) => {
    const r = await db.query<{ id: string; sections: Section[]; fields: Field[] }>(
      'SELECT id, sections, fields FROM template_versions WHERE template_id = $1 AND number = $2',
      [templateId, n],
    );
    const row = r.rows[0];
    if (!row) throw new Error(`The customer template has no version ${n} on the server`);
    return row;
  };
  const intentList = async () => {
    const r = await db.query<{ option_lists: OptionList[] }>('SELECT option_lists FROM catalogs');
    return r.rows[0]?.option_lists.find((l) => l.key === INTENT.key);
  };
  const storedCustomer = async (id: string) => {
    const r = await db.query<{ attrs: Record<string, unknown>; template_version_id: string | null }>(
      'SELECT attrs, template_version_id FROM customers WHERE id = $1',
      [id],
    );
    return r.rows[0];
  };

  const rep = await world.device('zhangwei', { cuttable: true });
  const admin = await world.device('admin');

  // 1. The admin designs: an option list, a select field using it, a text field shown only for one
  // value, both placed in a new section of the customer template; previewed, then published as v2.
  const designer = new DesignerPage(admin.page);
  await designer.open();
  await designer.createOptionList(INTENT);
  await designer.createField({
    key: INTENT.key,
    labelZh: INTENT.labelZh,
    labelEn: INTENT.labelEn,
    type: 'select',
    optionList: INTENT.key,
  });
  await designer.createField({
    key: 'competitor_name',
    labelZh: '竞品名称',
    labelEn: 'Competitor',
    type: 'text',
    max: '40',
  });
  const editor = await designer.openTemplate('customer');
  await expect(editor.status).toHaveAttribute('data-published', '1');
  const sectionKey = await editor.addSection('合作情况', 'Partnership');
  await editor.placeField(sectionKey, INTENT.key);
  await editor.placeField(sectionKey, 'competitor_name');
  await editor.setCondition('competitor_name', { field: INTENT.key, op: 'eq', value: 'competing' });

  // The live preview applies the condition as a rep's form will.
  await editor.emptyPreview();
  const preview = new DynamicFormView(editor.preview);
  await expect(preview.cell(INTENT.key)).toBeVisible();
  await expect(preview.cell('competitor_name')).toHaveCount(0);
  await preview.choose(INTENT.key, 'competing');
  await expect(preview.cell('competitor_name')).toBeVisible();
  await preview.choose(INTENT.key, 'trial');
  await expect(preview.cell('competitor_name')).toHaveCount(0);

  await editor.publish(2);
  await expect(designer.toast).toContainText('第 2 版');
  const v2 = await versionOf(2);
  expect(v2.sections.find((s) => s.key === sectionKey)).toMatchObject({
    labelZh: '合作情况',
    labelEn: 'Partnership',
    fields: [
      { field: INTENT.key, visibleWhen: null },
      { field: 'competitor_name', visibleWhen: { field: INTENT.key, op: 'eq', value: 'competing' } },
    ],
  });
  expect(v2.fields.find((f) => f.key === INTENT.key)).toMatchObject({
    type: 'select',
    optionList: INTENT.key,
  });
  expect(v2.fields.find((f) => f.key === 'competitor_name')).toMatchObject({
    type: 'text',
    validation: { max: 40 },
  });
  expect(await intentList()).toMatchObject({
    labelZh: INTENT.labelZh,
    values: INTENT.values.map((v) => ({ key: v.key, labelZh: v.labelZh, active: true })),
  });

  // 2. The rep's device syncs and renders the customer's profile with v2; then, offline, fills it in.
  const customers = new CustomersPage(rep.page);
  const card = new ProfileCard(rep.page);
  const openCustomer = async (name: string) => {
    await rep.shell.goToCustomers();
    await customers.open(name);
  };
  await openCustomer(held.name);
  await rep.shell.syncNow();
  await card.expectVersion(v2.id);
  rep.link?.cut();
  await rep.shell.expectPending(0);

  let form = await card.edit();
  await expect(form.cell(INTENT.key)).toBeVisible();
  await expect(form.cell('competitor_name')).toHaveCount(0);
  expect(await form.offeredOptions(INTENT.key)).toEqual(['strategic', 'trial', 'competing']);
  await form.choose(INTENT.key, 'competing');
  await expect(form.cell('competitor_name')).toBeVisible();
  await form.type('competitor_name', COMPETITOR);
  // A head count beyond the library's bound is refused under the field, naming the rule…
  await form.type('employee_count', '2000000');
  await expect(form.error('employee_count')).toHaveText('不能大于 1,000,000');
  await card.clickSave();
  await expect(card.root).toHaveAttribute('data-mode', 'edit');
  await expect(form.error('employee_count')).toBeVisible();
  await expect(form.control('employee_count')).toBeFocused();
  // …and the client core, running the same validator, refuses it too before anything is queued.
  const refused = await callCore(rep.page, 'customers.update', {
    id: held.id,
    set: { attrs: { employee_count: 2_000_000 } },
    base: { attrs: { employee_count: held.attrs['employee_count'] ?? null } },
    templateVersionId: v2.id,
  });
  expect(refused).toMatchObject({
    ok: false,
    error: { code: 'validation', field: 'attrs.employee_count', params: { rule: 'max', max: 1_000_000 } },
  });
  await form.type('employee_count', '800');
  await expect(form.error('employee_count')).toHaveCount(0);
  await card.save();
  // Exactly one change waits: neither the refused save nor the core's refusal queued anything.
  await rep.shell.expectPending(1);
  await expect(card.value(INTENT.key)).toHaveText('在用竞品');
  await expect(card.value('competitor_name')).toHaveText(COMPETITOR);
  await expect(card.value('employee_count')).toHaveText('800');

  rep.link?.restore();
  await rep.shell.syncAndSettle();
  const afterEdit = await storedCustomer(held.id);
  expect(afterEdit).toEqual({
    attrs: { ...held.attrs, [INTENT.key]: 'competing', competitor_name: COMPETITOR, employee_count: 800 },
    template_version_id: v2.id,
  });

  // 3. The admin stops offering "在用竞品"; the customer that holds it keeps it.
  await designer.openList(INTENT.key);
  await designer.setValueActive('competing', false);
  await designer.saveList();
  await expect(designer.listError).toHaveCount(0);
  expect((await intentList())?.values.find((v) => v.key === 'competing')).toEqual(
    expect.objectContaining({ active: false }),
  );
  await rep.shell.syncNow();
  // Another customer is no longer offered the value (once the device has the new catalog)…
  await openCustomer(other.name);
  form = await card.edit();
  await expect(form.control(INTENT.key).locator('option[value="competing"]')).toHaveCount(0, {
    timeout: 30_000,
  });
  expect(await form.offeredOptions(INTENT.key)).toEqual(['strategic', 'trial']);
  await card.cancel();
  // …and the core refuses it for that customer, naming the rule.
  const notOffered = await callCore(rep.page, 'customers.update', {
    id: other.id,
    set: { attrs: { [INTENT.key]: 'competing' } },
    base: { attrs: { [INTENT.key]: null } },
    templateVersionId: v2.id,
  });
  expect(notOffered).toMatchObject({
    ok: false,
    error: { code: 'validation', field: `attrs.${INTENT.key}`, params: { rule: 'inactiveOption' } },
  });
  // The customer that holds it still reads it, marked as no longer offered; its conditional field too,
  // and its form keeps it.
  await openCustomer(held.name);
  await expect(card.value(INTENT.key)).toHaveText('在用竞品已停用');
  await expect(card.value(INTENT.key).locator('[data-inactive="true"]')).toHaveCount(1);
  await expect(card.value('competitor_name')).toHaveText(COMPETITOR);
  form = await card.edit();
  await expect(form.control(INTENT.key)).toHaveValue('competing');
  await expect(form.cell('competitor_name')).toBeVisible();
  await card.cancel();
  await rep.shell.expectPending(0);

  // 4. Offline, the rep edits the head count under v2 while the admin publishes v3 with a stricter
  // bound the edit breaks. The server judges the edit by the version it was made with: it is kept.
  rep.link?.cut();
  form = await card.edit();
  await form.type('employee_count', '5000');
  await expect(form.error('employee_count')).toHaveCount(0);
  await card.save();
  await rep.shell.expectPending(1);
  await expect(card.value('employee_count')).toHaveText('5,000');

  await designer.editFieldBounds('employee_count', { max: '1000' });
  const editorV3 = await designer.openTemplate('customer');
  await expect(editorV3.status).toHaveAttribute('data-published', '2');
  // A library change alone leaves the draft equal to v2, and the designer keeps Publish disabled until the
  // draft differs (the server would publish it and snapshot the new bound): a layout change goes with it.
  await editorV3.setWidth('employee_count', 'full');
  await editorV3.publish(3);
  const v3 = await versionOf(3);
  expect(v3.fields.find((f) => f.key === 'employee_count')?.validation.max).toBe(1000);

  rep.link?.restore();
  await rep.shell.syncAndSettle();
  await rep.shell.expectInboxCount(0);
  const afterVersionChange = await storedCustomer(held.id);
  expect(afterVersionChange).toEqual({
    attrs: { ...held.attrs, [INTENT.key]: 'competing', competitor_name: COMPETITOR, employee_count: 5000 },
    template_version_id: v2.id,
  });
  // The device now renders v3: the value is kept (a held value is not re-judged by a tighter rule), and
  // the stricter rule is what a new value meets.
  await card.expectVersion(v3.id);
  await expect(card.value('employee_count')).toHaveText('5,000');
  form = await card.edit();
  await form.type('employee_count', '5001');
  await expect(form.error('employee_count')).toHaveText('不能大于 1,000');
  await form.type('employee_count', '5000');
  await expect(form.error('employee_count')).toHaveCount(0);
  await card.cancel();
  await rep.shell.expectPending(0);

  // 5. Removing (not deactivating) a value records hold is refused with how many hold it; nothing changes.
  const catalogBefore = await db.query('SELECT option_lists, fields, version::text FROM catalogs');
  const holders = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM customers WHERE deleted_at IS NULL AND attrs @> $1::jsonb`,
    [JSON.stringify({ [INTENT.key]: 'competing' })],
  );
  expect(holders.rows[0]?.n).toBe(1);
  await designer.openList(INTENT.key);
  await designer.removeValue('competing');
  await designer.saveList();
  await expect(designer.listError).toHaveAttribute('data-code', 'conflict');
  await expect(designer.listError).toHaveAttribute('data-count', '1');
  await expect(designer.listError).toContainText('有 1 条记录正在使用选项“在用竞品”');
  await expect(designer.listError).toContainText('不能删除');
  expect((await db.query('SELECT option_lists, fields, version::text FROM catalogs')).rows).toEqual(
    catalogBefore.rows,
  );
  // The admin's draft is kept; discarding it shows the list as the server has it.
  await designer.listEditor.getByTestId('list-reset').click();
  await expect(designer.listValue('competing')).toHaveAttribute('data-active', 'false');
  await expect(designer.listEditor.getByTestId('list-value')).toHaveCount(3);
});
