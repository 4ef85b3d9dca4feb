import { describe, expect, it } from 'vitest';
import { emptyContactForm, validateContactForm } from './contactForm';

const customerId = '0196b3f2-7c1e-7a3b-9c2d-1e2f3a4b5c6d';

describe('contact form', () => {
  it('builds the contacts.add input: trimmed, blanks as null', () => {
    const { input, errors } = validateContactForm(customerId, {
      ...emptyContactForm(),
      name: ' 陈静 ',
      phone: '138 0013 8000',
      isPrimary: true,
    });
    expect(errors).toEqual({});
    expect(input).toEqual({
      customerId,
      name: '陈静',
      title: null,
      phone: '138 0013 8000',
      email: null,
      wechat: null,
      isPrimary: true,
    });
  });

  it('names each wrong field with its rule', () => {
    const { input, errors } = validateContactForm(customerId, {
      ...emptyContactForm(),
      phone: '12345',
      email: 'not-an-email',
    });
    expect(input).toBeNull();
    expect(errors).toEqual({
      name: { key: 'required' },
      phone: { key: 'invalidPhone' },
      email: { key: 'invalidEmail' },
    });
  });
});
