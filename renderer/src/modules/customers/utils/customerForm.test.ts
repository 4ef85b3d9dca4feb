import { describe, expect, it } from 'vitest';
import {
  customerFormFieldOf,
  customerFormValues,
  validateCustomerForm,
  type EditableCustomer,
} from './customerForm';

const customer: EditableCustomer = {
  id: '0b3c1f9e-6f5d-4c55-9a39-1f2a3b4c5d6e',
  name: '上海恒瑞精密机械有限公司',
  shortName: '恒瑞机械',
  industry: '机械制造',
  region: null,
  address: null,
  phone: '13800138000',
  website: null,
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
