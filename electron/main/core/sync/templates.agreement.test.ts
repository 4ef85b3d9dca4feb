import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiContract, type ApiHandlers } from '../../../../shared/api/contract';
import { AppError } from '../../../../shared/errors';
import { newId } from '../../../../shared/ids';
import {
  SAMPLE_OPTION_LISTS,
  SAMPLE_USER_IDS,
  templateArb,
  valuesArb,
} from '../../../../shared/templates/arbitraries';
import { validateAttrs, type TemplateShape } from '../../../../shared/templates';
import {
  loginAs,
  sendJson,
  startTestServer,
  SyncDevice,
  type TestServer,
} from '../../../../server/src/testing';
import { createClientCore, type ClientCore } from '../index';
import { makeTempDir } from '../testing';

/**
 * SPEC §3 "one validator": for random templates published through the real admin API and random values,
 * the renderer's verdict (the shared validator over what the device holds, as the form runs it), the
 * client core's (the mutation before it enters the outbox) and the server's (the same mutation pushed
 * by another device of the rep, judged in the server's transaction) agree — and values accepted
 * round-trip through sync unchanged. Runs TIDEPOOL_PROPERTY_RUNS templates (default 12) × 4 values.
 */

const RUNS = Number(process.env['TIDEPOOL_PROPERTY_RUNS'] ?? 12);
const LISTS = SAMPLE_OPTION_LISTS.map((l) => ({ ...l, key: `agree_${l.key}` }));

let server: TestServer;
let core: ClientCore;
let adminToken: string;
let device: SyncDevice;
let repId: string;
const temp = makeTempDir();

async function call<C extends keyof ApiHandlers>(channel: C, input: Parameters<ApiHandlers[C]>[0]) {
  return await (core.handlers[channel] as (i: typeof input) => ReturnType<ApiHandlers[C]>)(input);
}

async function admin(method: 'POST' | 'PUT', path: string, body?: unknown) {
  const res = await sendJson(method, `${server.url}${path}`, body ?? {}, adminToken);
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Gives the generated fields keys of their own in the org's library and the test's option lists. */
function prepare(shape: TemplateShape, run: number): TemplateShape {
  const key = (k: string) => `agree${run}_${k}`;
  const rename = (c: unknown): unknown => {
    if (!c || typeof c !== 'object') return c;
    const o = c as Record<string, unknown>;
    if ('field' in o) return { ...o, field: key(String(o['field'])) };
    if ('all' in o) return { all: (o['all'] as unknown[]).map(rename) };
    if ('any' in o) return { any: (o['any'] as unknown[]).map(rename) };
    return { not: rename(o['not']) };
  };
  return {
    fields: shape.fields.map((f) => ({
      ...f,
      key: key(f.key),
      optionList: f.optionList ? `agree_${f.optionList}` : null,
      // Uniqueness depends on other records, not on the template: its own tests cover it.
      validation: { ...f.validation, unique: false },
    })),
    sections: shape.sections.map((s) => ({
      ...s,
      fields: s.fields.map((f) => ({
        ...f,
        field: key(f.field),
        visibleWhen: f.visibleWhen ? (rename(f.visibleWhen) as typeof f.visibleWhen) : null,
      })),
    })),
  };
}

function renameValues(values: Record<string, unknown>, run: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    // The generated "known user" is the rep; the other sample ids are strangers to the org.
    out[`agree${run}_${k}`] = v === SAMPLE_USER_IDS[0] ? repId : v;
  }
  return out;
}

async function publish(shape: TemplateShape, run: number): Promise<string> {
  for (const f of shape.fields) await admin('PUT', `/admin/fields/${f.key}`, f);
  const { id } = (await admin('POST', '/admin/templates', {
    entity: 'customer',
    category: `一致性-${run}`,
    nameZh: `一致性模板 ${run}`,
    nameEn: `Agreement ${run}`,
  })) as { id: string };
  await admin('PUT', `/admin/templates/${id}`, {
    nameZh: `一致性模板 ${run}`,
    nameEn: `Agreement ${run}`,
    category: `一致性-${run}`,
    layout: { sections: shape.sections },
  });
  const { versionId } = (await admin('POST', `/admin/templates/${id}/publish`)) as { versionId: string };
  return versionId;
}

function fieldOf(error: unknown): string {
  if (error instanceof AppError) return `${error.code}:${error.field}`;
  const e = error as { code?: string; field?: string };
  return `${e.code}:${e.field}`;
}

describe('one validator: renderer, client core and server agree', () => {
  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 10 });
    adminToken = await loginAs(server, 'admin');
    for (const list of LISTS) await admin('PUT', `/admin/option-lists/${list.key}`, list);
    core = await createClientCore({
      dataDir: `${temp.dir}/${newId()}`,
      syncIntervalMs: 600_000,
      maxBackoffMs: 60_000,
      pokes: false,
    });
    const session = await call('session.login', {
      serverUrl: server.url,
      username: 'zhangwei',
      password: 'tidepool123',
    });
    repId = session.user.id;
    device = new SyncDevice(server, await loginAs(server, 'zhangwei'));
  }, 120_000);
  afterAll(async () => {
    await core?.close();
    await server?.close();
    temp.remove();
  });

  it('gives the same verdict everywhere and stores exactly what it accepted', async () => {
    let run = 0;
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        templateArb.chain((shape) =>
          fc.tuple(fc.constant(shape), fc.array(valuesArb(shape), { minLength: 4, maxLength: 4 })),
        ),
        async ([generated, samples]) => {
          run += 1;
          const shape = prepare(generated, run);
          const versionId = await publish(shape, run);
          await core.syncNow();
          const { catalog, versions } = await call('templates.definitions', {});
          const version = versions.find((v) => v.id === versionId);
          expect(version, 'the published version reached the device').toBeDefined();
          const users = new Set((await call('users.list', {})).map((u) => u.id));

          for (const [i, sample] of samples.entries()) {
            const attrs = renameValues(sample, run);
            const name = `一致性客户 ${run}-${i}-${newId().slice(0, 8)}`;
            // The renderer: the shared validator over the device's own definitions, as the form runs it.
            const form = validateAttrs(version!, attrs, {
              optionLists: catalog?.optionLists ?? [],
              previous: null,
              userExists: (id) => users.has(id),
            });
            // The client core: the mutation, before anything enters the outbox.
            let coreVerdict: { ok: true; id: string } | { ok: false; field: string };
            try {
              const { id } = await call(
                'customers.create',
                // As the dispatcher does: the channel's schema parses the renderer's input first.
                apiContract['customers.create'].input.parse({ name, attrs, templateVersionId: versionId }),
              );
              coreVerdict = { ok: true, id };
            } catch (error) {
              coreVerdict = { ok: false, field: fieldOf(error) };
            }
            // The server: the same mutation from another device of the rep.
            const serverRefusal = await device.refusalOf('createCustomer', {
              id: newId(),
              name: `${name}·服务端`,
              attrs,
              templateVersionId: versionId,
            });

            if (form.ok) {
              accepted += 1;
              expect(coreVerdict).toMatchObject({ ok: true });
              expect(serverRefusal).toBeUndefined();
              if (coreVerdict.ok) {
                await core.syncNow();
                const [row] = await server.query('SELECT attrs FROM customers WHERE id = $1', [
                  coreVerdict.id,
                ]);
                expect(row?.['attrs'], 'the server stores what the validator accepted').toEqual(form.values);
                const local = await call('customers.get', { id: coreVerdict.id });
                expect(local.customer.attrs, 'and the device holds the same after sync').toEqual(form.values);
                expect(local.customer.templateVersionId).toBe(versionId);
              }
            } else {
              refused += 1;
              const field = `validation:attrs.${form.issues[0]!.field}`;
              expect(coreVerdict).toEqual({ ok: false, field });
              expect(serverRefusal && `${serverRefusal.code}:${serverRefusal.field}`).toBe(field);
            }
          }
        },
      ),
      { numRuns: RUNS },
    );
    // Both outcomes must have been exercised, or the agreement is vacuous.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 0 });
  }, 600_000);
});
