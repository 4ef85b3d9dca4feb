import { z } from 'zod';
import { fieldDefSchema, optionListSchema, TEMPLATE_ENTITIES, templateLayoutSchema } from './schema';

/**
 * The designer's server operations (docs/templates.md "Admin API"). They are not queued mutations: an
 * admin publishes online, the server answers at once, and the changed catalog / new version reaches
 * every device through the next pull. Bodies and answers are shared by the server (which validates them)
 * and the client core (which forwards the admin's requests and validates the answers).
 */

const categorySchema = z
  .string()
  .trim()
  .max(100)
  .nullable()
  .transform((v) => (v ? v : null));

/** `PUT /admin/option-lists/:key` — create or replace a list. Removing a value in use answers 409. */
export const saveOptionListRequest = optionListSchema;
/** `PUT /admin/fields/:key` — create or replace a library field; its type cannot change once created. */
export const saveFieldRequest = fieldDefSchema;

/** `POST /admin/templates` — a new, unpublished template. One template per (entity, category). */
export const createTemplateRequest = z.object({
  entity: z.enum(TEMPLATE_ENTITIES),
  category: categorySchema.default(null),
  nameZh: z.string().trim().min(1, { message: 'Required' }).max(60),
  nameEn: z.string().trim().min(1, { message: 'Required' }).max(60),
});

/** `PUT /admin/templates/:id` — save the draft (devices never see drafts). */
export const saveTemplateRequest = z.object({
  nameZh: z.string().trim().min(1, { message: 'Required' }).max(60),
  nameEn: z.string().trim().min(1, { message: 'Required' }).max(60),
  category: categorySchema,
  layout: templateLayoutSchema,
});

/** A template as the designer sees it: its draft and where publishing stands. */
export const templateDraftSchema = z.object({
  id: z.uuid(),
  entity: z.enum(TEMPLATE_ENTITIES),
  category: z.string().nullable(),
  nameZh: z.string(),
  nameEn: z.string(),
  layout: templateLayoutSchema,
  /** The number of the last published version (null: never published). */
  publishedNumber: z.int().positive().nullable(),
  /** The draft differs from the last published version. */
  dirty: z.boolean(),
  updatedAt: z.int().nonnegative(),
});
export type TemplateDraft = z.infer<typeof templateDraftSchema>;

/** `GET /admin/templates` */
export const listTemplatesResponse = z.object({ templates: z.array(templateDraftSchema) });
/** `POST /admin/templates/:id/publish` — checks the draft against the library, makes version n+1. */
export const publishTemplateResponse = z.object({ versionId: z.uuid(), number: z.int().positive() });
export const createTemplateResponse = z.object({ id: z.uuid() });
export const adminOkResponse = z.object({ ok: z.literal(true) });
