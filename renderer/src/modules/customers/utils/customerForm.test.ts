import { describe, expect, it } from 'vitest';
import {
  customerFormFieldOf,
  customerFormValues,
  emptyCustomerForm,
  NEW_CUSTOMER_FIELDS,
  validateCustomerForm,
  validateNewCustomerForm,
  type EditableCustomer,
} from './customerForm';

/** A real unified social credit code (its check character is right). */
const CREDIT_CODE = '91350100M000100Y43';

const customer: EditableCustomer = {
  id: '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e',
  name: '上海恒瑞精密机械有限公司',
  shortName: '恒瑞机械',
  industry: '机械制造',
  region: null,
  address: null,
  phone: '13800138000',
  website: null,
  creditCode: null,
  source: null,
  level: 'B',
  status: 'active',
};

describe('the edit-customer form', () => {
  it('sends only the changed fields, each with the value this device saw as its base', () => {
    const values = { ...customerFormValues(customer), phone: '139 0013 9000', region: '上海' };
    const { input, errors } = validateCustomerForm(customer, values);
    expect(errors).toEqual({});
    expect(input).toEqual({
      id: customer.id,
      set: { region: '上海', phone: '139 0013 9000' },
      base: { region: null, phone: '13800138000' },
    });
  });

  it('does nothing when nothing changed (blanks around a value do not count)', () => {
    const values = { ...customerFormValues(customer), industry: ' 机械制造 ' };
    expect(validateCustomerForm(customer, values)).toEqual({ errors: {}, input: null, changed: [] });
  });

  it('clears a field to null and a level to none', () => {
    const values = { ...customerFormValues(customer), shortName: '', level: '' };
    const { input } = validateCustomerForm(customer, values);
    expect(input?.set).toEqual({ shortName: null, level: null });
    expect(input?.base).toEqual({ shortName: '恒瑞机械', level: 'B' });
  });

  it('refuses what the shared schema refuses, per field', () => {
    const values = {
      ...customerFormValues(customer),
      name: '  ',
      phone: '12345',
      website: 'not a site',
      address: '路'.repeat(301),
    };
    const { input, errors } = validateCustomerForm(customer, values);
    expect(input).toBeNull();
    expect(errors).toEqual({
      name: { key: 'required' },
      phone: { key: 'invalidPhone' },
      website: { key: 'invalidWebsite' },
      address: { key: 'tooLong', params: { max: 300 } },
    });
  });

  it('maps the core’s field paths back to the form', () => {
    expect(customerFormFieldOf('set.phone')).toBe('phone');
    expect(customerFormFieldOf('id')).toBeNull();
    expect(customerFormFieldOf(undefined)).toBeNull();
  });
});

describe('the new-customer form', () => {
  it('offers every base field but the status (a new customer is always active)', () => {
    expect(NEW_CUSTOMER_FIELDS).not.toContain('status');
    expect(NEW_CUSTOMER_FIELDS).toContain('creditCode');
    expect(NEW_CUSTOMER_FIELDS).toContain('source');
  });

  it('builds the customers.create input: trimmed, blanks as null, credit code upper-cased', () => {
    const values = {
      ...emptyCustomerForm(),
      name: ' 苏州新禾包装材料有限公司 ',
      creditCode: CREDIT_CODE.toLowerCase(),
      phone: '0512-6888 8888',
      level: 'A',
      source: '展会',
    };
    const { errors, input } = validateNewCustomerForm(values);
    expect(errors).toEqual({});
    expect(input).toEqual({
      name: '苏州新禾包装材料有限公司',
      shortName: null,
      creditCode: CREDIT_CODE,
      industry: null,
      region: null,
      address: null,
      phone: '0512-6888 8888',
      website: null,
      source: '展会',
      level: 'A',
    });
  });

  it('names the broken rule per field: required name, malformed phone, wrong credit code check character', () => {
    const values = {
      ...emptyCustomerForm(),
      phone: '12345',
      creditCode: `${CREDIT_CODE.slice(0, 17)}4`,
      website: 'nope',
      source: '源'.repeat(101),
    };
    const { errors, input } = validateNewCustomerForm(values);
    expect(input).toBeNull();
    expect(errors).toEqual({
      name: { key: 'required' },
      phone: { key: 'invalidPhone' },
      creditCode: { key: 'invalidCreditCode' },
      website: { key: 'invalidWebsite' },
      source: { key: 'tooLong', params: { max: 100 } },
    });
  });

  it('checks a credit code on edit too, sending it upper-cased', () => {
    const bad = validateCustomerForm(customer, { ...customerFormValues(customer), creditCode: '123' });
    expect(bad.errors).toEqual({ creditCode: { key: 'invalidCreditCode' } });
    const good = validateCustomerForm(customer, {
      ...customerFormValues(customer),
      creditCode: CREDIT_CODE.toLowerCase(),
    });
    expect(good.input?.set).toEqual({ creditCode: CREDIT_CODE });
    expect(good.input?.base).toEqual({ creditCode: null });
  });
});
