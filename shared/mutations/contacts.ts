import { z } from 'zod';
import { AppError } from '../errors';
import { emailSchema, optional, optionalText, phoneSchema, requiredText } from '../domain/validators';
import { attrsArg, planAttrs, planTemplatedUpdate, templateReads, templatedArgs } from './attrs';
import { visibleCustomer } from './customers';
import { defineMutation, read } from './types';

const contactFields = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  name: requiredText(100),
  title: optionalText(100),
  phone: optional(phoneSchema),
  email: optional(emailSchema),
  wechat: optionalText(100),
  isPrimary: z.boolean().default(false),
  ...templatedArgs,
});

export const addContactArgs = contactFields;
export type AddContactArgs = z.infer<typeof addContactArgs>;
/** What the form and the `contacts.add` channel validate: the same fields, the core makes the id. */
export const addContactInput = contactFields.omit({ id: true });

/**
 * A rep adds a person they met at a customer of their private sea (SPEC §2): name, title, phone, email,
 * WeChat id, primary flag, and the contact template's attributes. Runs offline like every mutation; the
 * server checks the customer's scope.
 */
export const addContact = defineMutation({
  name: 'addContact',
  args: addContactArgs,
  reads: (args, org) => ({
    customer: read('customers', args.customerId),
    existing: read('contacts', args.id),
    ...templateReads(args, org),
  }),
  plan: (args, { customer, existing, template, catalog }, ctx) => {
    visibleCustomer(customer, ctx);
    if (existing) throw new AppError('conflict', `id: contact ${args.id} already exists`, { field: 'id' });
    const { attrs, templateVersionId, ...fields } = args;
    const a = planAttrs({
      entity: 'contact',
      table: 'contacts',
      id: args.id,
      attrs,
      templateVersionId,
      template,
      catalog,
      current: null,
      ctx,
    });
    return [
      {
        kind: 'insert',
        table: 'contacts',
        row: {
          ...fields,
          orgId: ctx.orgId,
          attrs: a.attrs,
          templateVersionId: a.templateVersionId,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
      },
      ...a.effects,
    ];
  },
});

export const updateContactArgs = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  set: z
    .object({
      name: requiredText(100),
      title: optionalText(100),
      phone: optional(phoneSchema),
      email: optional(emailSchema),
      wechat: optionalText(100),
      isPrimary: z.boolean(),
      attrs: attrsArg,
    })
    .partial()
    .strict()
    .refine((s) => Object.keys(s).length > 0, { message: 'Nothing to change' }),
  /** The values the device last saw, for the field merge (as `updateCustomer`). */
  base: z.record(z.string(), z.unknown()).optional(),
  templateVersionId: z.uuid().optional(),
});
export type UpdateContactArgs = z.infer<typeof updateContactArgs>;

/** Edits a contact's details and attributes, merged field by field (protocol 4). */
export const updateContact = defineMutation({
  name: 'updateContact',
  args: updateContactArgs,
  reads: (args, org) => ({
    contact: read('contacts', args.id),
    customer: read('customers', args.customerId),
    ...templateReads({ attrs: args.set.attrs, templateVersionId: args.templateVersionId }, org),
  }),
  plan: (args, { contact, customer, template, catalog }, ctx) => {
    if (!contact || !customer || contact.customerId !== customer.id) {
      throw new AppError('not_found', 'id: no such contact in your private sea', { field: 'id' });
    }
    visibleCustomer(customer, ctx, 'id');
    return planTemplatedUpdate({
      entity: 'contact',
      table: 'contacts',
      current: contact,
      set: args.set,
      base: args.base,
      templateVersionId: args.templateVersionId,
      template,
      catalog,
      ctx,
    });
  },
});
