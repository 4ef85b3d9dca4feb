import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { ClientDatabase } from './db/open';
import { acknowledgeMutations, allPendingMutations, countPending } from './db/outbox';
import { getRow } from './db/rows';
import { mutate } from './mutate';
import { makeTempDir, openTestDatabase, seedRows, testCustomer, testUser } from './testing';

const NOW = 1_750_000_000_000;

describe('mutate', () => {
  const temp = makeTempDir();
  let db: ClientDatabase;
  const user = testUser();
  const customer = testCustomer({ ownerId: user.id });

  beforeEach(() => {
    db = openTestDatabase(temp.dir, `${newId()}.db`);
    seedRows(db, { users: [user], customers: [customer] });
  });
  afterEach(() => {
    db.close();
  });
  afterAll(() => temp.remove());

  const logArgs = (overrides: Record<string, unknown> = {}) => ({
    id: newId(),
    customerId: customer.id,
    type: 'visit',
    content: '拜访采购部，确认下季度需求',
    outcome: '意向明确',
    occurredAt: NOW - 60_000,
    nextFollowUpAt: NOW + 86_400_000,
    ...overrides,
  });

  it('writes the follow-up, moves the customer, and appends the outbox entry together', () => {
    const args = logArgs();
    const outcome = mutate(db, user, 'logFollowUp', args, NOW);
    expect(outcome.seq).toBe(1);
    expect([...outcome.tables].sort()).toEqual(['customers', 'followUps']);
    const row = getRow(db, 'followUps', args.id);
    expect(row).toMatchObject({ content: args.content, authorId: user.id, version: 0, createdAt: NOW });
    expect(getRow(db, 'customers', customer.id)?.lastFollowUpAt).toBe(args.occurredAt);
    const [entry] = allPendingMutations(db);
    expect(entry).toMatchObject({ seq: 1, name: 'logFollowUp', createdAt: NOW, attempts: 0 });
    expect(entry?.args).toMatchObject({ id: args.id, content: args.content });
    expect(entry?.effects).toHaveLength(2);
  });

  it('writes nothing when the mutator refuses', () => {
    const before = db.prepare('SELECT count(*) AS n FROM follow_ups').get();
    expect(() => mutate(db, user, 'logFollowUp', logArgs({ customerId: newId() }), NOW)).toThrow(AppError);
    expect(() =>
      mutate(
        db,
        user,
        'logFollowUp',
        logArgs({ occurredAt: NOW + 3 * 86_400_000, nextFollowUpAt: null }),
        NOW,
      ),
    ).toThrow(/future/);
    expect(db.prepare('SELECT count(*) AS n FROM follow_ups').get()).toEqual(before);
    expect(countPending(db)).toBe(0);
  });

  it('names the field and rule of invalid arguments', () => {
    try {
      mutate(db, user, 'logFollowUp', logArgs({ content: '   ' }), NOW);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('validation');
      expect((err as AppError).field).toBe('content');
    }
    expect(() => mutate(db, user, 'dropDatabase', {}, NOW)).toThrow(/unknown mutation/);
    expect(countPending(db)).toBe(0);
  });

  it('rolls the change back when the outbox write fails (one transaction)', () => {
    db.exec("CREATE TRIGGER outbox_full BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'disk full'); END");
    const args = logArgs();
    expect(() => mutate(db, user, 'logFollowUp', args, NOW)).toThrow(/disk full/);
    expect(getRow(db, 'followUps', args.id)).toBeUndefined();
    expect(getRow(db, 'customers', customer.id)?.lastFollowUpAt).toBeNull();
  });

  it('never reuses a mutation id the server has already processed', () => {
    // e.g. a database restored from a backup: the server has seen ids up to 10 from this client.
    db.transaction(() => acknowledgeMutations(db, 10, [], NOW))();
    expect(mutate(db, user, 'logFollowUp', logArgs(), NOW).seq).toBe(11);
    db.transaction(() => acknowledgeMutations(db, 11, [], NOW))();
    expect(mutate(db, user, 'logFollowUp', logArgs(), NOW).seq).toBe(12);
  });

  it('creates and updates customers in the user private sea', () => {
    const id = newId();
    mutate(
      db,
      user,
      'createCustomer',
      { id, name: '杭州西湖云栖科技有限公司', phone: '0571-8888 6666', level: 'A' },
      NOW,
    );
    expect(getRow(db, 'customers', id)).toMatchObject({
      ownerId: user.id,
      poolState: 'private',
      level: 'A',
      attrs: {},
      version: 0,
    });
    mutate(db, user, 'updateCustomer', { id, set: { level: 'C', industry: '软件' } }, NOW + 1);
    expect(getRow(db, 'customers', id)).toMatchObject({ level: 'C', industry: '软件', updatedAt: NOW + 1 });
    expect(() => mutate(db, user, 'createCustomer', { id, name: 'again' }, NOW)).toThrow(/already exists/);
    expect(() => mutate(db, user, 'updateCustomer', { id, set: { ownerId: newId() } }, NOW)).toThrow(
      AppError,
    );
    expect(countPending(db)).toBe(2);
    expect(allPendingMutations(db).map((m) => m.seq)).toEqual([1, 2]);
  });

  it('queues a server-only mutation (a claim) with no local effect, after validating its arguments', () => {
    const publicId = newId();
    const before = db.prepare('SELECT count(*) AS n FROM customers').get();
    const outcome = mutate(db, user, 'claimCustomer', { customerId: publicId, reason: '客户重新活跃' }, NOW);
    expect(outcome.tables.size).toBe(0);
    expect(allPendingMutations(db)).toMatchObject([
      { seq: outcome.seq, name: 'claimCustomer', args: { customerId: publicId }, effects: [] },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM customers').get()).toEqual(before);
    expect(() => mutate(db, user, 'claimCustomer', { customerId: publicId, reason: ' ' }, NOW)).toThrow(
      /reason/,
    );
    expect(countPending(db)).toBe(1);
  });

  it('skips the reads arguments do not call for, and reads the org settings by the org id', () => {
    db.prepare(
      `INSERT INTO settings (id, org_id, stages, follow_up_types, lost_reasons, follow_up_edit_window_hours, updated_at, version)
       SELECT ?, ?, '[]', json_array(json_object('key', 'site_visit', 'labelZh', '现场', 'labelEn', 'Site', 'active', json('true'))), '[]', 1, 0, 1`,
    ).run(user.orgId, user.orgId);
    // No opportunity, no task: their reads are skipped; the type is checked against this org's list.
    expect(() => mutate(db, user, 'logFollowUp', logArgs({ type: 'visit' }), NOW)).toThrow(/type/);
    mutate(db, user, 'logFollowUp', logArgs({ type: 'site_visit' }), NOW);
    expect(countPending(db)).toBe(1);
  });
});
