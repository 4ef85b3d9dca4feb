import { describe, expect, it } from 'vitest';
import { emptyLeadForm, leadFormFieldOf, validateLeadForm } from './leadForm';

describe('validateLeadForm (the shared createLeadInput)', () => {
  it('needs only a name, and sends no contact when the person is left blank', () => {
    expect(validateLeadForm(emptyLeadForm()).errors).toEqual({ name: { key: 'required' } });
    const { errors, input } = validateLeadForm({
      ...emptyLeadForm(),
      name: ' 杭州云栖科技 ',
      source: '展会',
    });
    expect(errors).toEqual({});
    expect(input).toMatchObject({ name: '杭州云栖科技', source: '展会', industry: null, contact: null });
  });

  it('asks for the person’s name once anything about them is given', () => {
    const { errors } = validateLeadForm({ ...emptyLeadForm(), name: '云栖', contactTitle: '采购经理' });
    expect(errors).toEqual({ contactName: { key: 'required' } });
  });

  it('names a bad phone or email under its own field', () => {
    const { errors, input } = validateLeadForm({
      ...emptyLeadForm(),
      name: '云栖',
      phone: '12',
      contactName: '李娜',
      contactEmail: 'not-an-email',
    });
    expect(input).toBeNull();
    expect(errors).toEqual({ phone: { key: 'invalidPhone' }, contactEmail: { key: 'invalidEmail' } });
  });

  it('builds the contact of the input', () => {
    const { input } = validateLeadForm({
      ...emptyLeadForm(),
      name: '云栖',
      contactName: '李娜',
      contactPhone: '138 0013 8000',
      contactWechat: 'lina_yq',
    });
    expect(input?.contact).toMatchObject({ name: '李娜', wechat: 'lina_yq', title: null, email: null });
  });

  it('maps core field paths to form fields', () => {
    expect(leadFormFieldOf('contact.email')).toBe('contactEmail');
    expect(leadFormFieldOf('phone')).toBe('phone');
    expect(leadFormFieldOf('contact.nothing')).toBeNull();
    expect(leadFormFieldOf(undefined)).toBeNull();
  });
});
