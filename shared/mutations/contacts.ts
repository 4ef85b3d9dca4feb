import { z } from 'zod';
import { AppError } from '../errors';
import { emailSchema, optional, optionalText, phoneSchema, requiredText } from '../domain/validators';
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
});

export const addContactArgs = contactFields;
export type AddContactArgs = z.infer<typeof addContactArgs>;
/** What the form and the `contacts.add` channel validate: the same fields, the core makes the id. */
export const addContactInput = contactFields.omit({ id: true });

/**
 * A rep adds a person they met at a customer of their private sea (SPEC §2): name, title, phone, email,
 * WeChat id, primary flag. Runs offline like every mutation; the server checks the customer's scope.
 */
export const addContact = defineMutation({
  name: 'addContact',
  args: addContactArgs,
  reads: (args) => ({ customer: read('customers', args.customerId), existing: read('contacts', args.id) }),
  plan: (args, { customer, existing }, ctx) => {
    visibleCustomer(customer, ctx);
    if (existing) throw new AppError('conflict', `id: contact ${args.id} already exists`, { field: 'id' });
    return [
      {
        kind: 'insert',
        table: 'contacts',
        row: { ...args, orgId: ctx.orgId, createdAt: ctx.now, updatedAt: ctx.now },
      },
    ];
  },
});
