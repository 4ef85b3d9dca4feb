import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { defKeySchema } from '../../../shared/templates';
import type { SessionUser } from '../../../shared/sync/protocol';
import type { ServerDb } from '../db/database';
import {
  createTemplate,
  listTemplates,
  publishTemplate,
  saveField,
  saveOptionList,
  saveTemplate,
} from './templates';

/**
 * The admin API's routes (docs/server.md "HTTP API", docs/templates.md "Admin API"): bearer token of an
 * admin (anyone else: 403), bodies and answers per shared/templates/admin.ts, errors in the one JSON shape
 * naming the offending field.
 */
export type AdminRouteDeps = {
  db: ServerDb;
  now: () => number;
  /** The request's session user (401 without a valid token). */
  user: (request: FastifyRequest) => Promise<SessionUser>;
};

async function adminOf(deps: AdminRouteDeps, request: FastifyRequest): Promise<SessionUser> {
  const user = await deps.user(request);
  if (user.role !== 'admin') {
    throw new AppError('forbidden', 'Only an admin can change templates, fields and option lists');
  }
  return user;
}

/** A path parameter, or 404: an address that cannot name a template, list or field names none. */
function param<T>(request: FastifyRequest, name: string, schema: z.ZodType<T>, what: string): T {
  const raw = (request.params as Record<string, unknown>)[name];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError('not_found', `${name}: no ${what} ${String(raw)}`, { field: name });
  return parsed.data;
}

const templateId = z.uuid();

export function registerAdminRoutes(app: FastifyInstance, deps: AdminRouteDeps): void {
  const { db, now } = deps;

  app.get('/admin/templates', async (request) => {
    const admin = await adminOf(deps, request);
    return { templates: await listTemplates(db, admin.orgId) };
  });

  app.post('/admin/templates', async (request) => {
    const admin = await adminOf(deps, request);
    return createTemplate(db, admin, request.body, now());
  });

  app.put('/admin/templates/:id', async (request) => {
    const admin = await adminOf(deps, request);
    return saveTemplate(db, admin, param(request, 'id', templateId, 'template'), request.body, now());
  });

  app.post('/admin/templates/:id/publish', async (request) => {
    const admin = await adminOf(deps, request);
    return publishTemplate(db, admin, param(request, 'id', templateId, 'template'), now());
  });

  app.put('/admin/option-lists/:key', async (request) => {
    const admin = await adminOf(deps, request);
    return saveOptionList(db, admin, param(request, 'key', defKeySchema, 'option list'), request.body, now());
  });

  app.put('/admin/fields/:key', async (request) => {
    const admin = await adminOf(deps, request);
    return saveField(db, admin, param(request, 'key', defKeySchema, 'field'), request.body, now());
  });
}
