import { describe, expect, it } from 'vitest';
import { navSection, parseRoute, routeToHash } from './routes';

describe('routes', () => {
  const id = '0190eafa-4bc7-7ee4-8714-3543b5ed0b85';

  it('round-trips every route through the hash', () => {
    for (const route of [
      { name: 'today' },
      { name: 'customers' },
      { name: 'sync' },
      { name: 'customer', id },
    ] as const) {
      expect(parseRoute(routeToHash(route))).toEqual(route);
    }
  });

  it('falls back to the customer list for anything unknown', () => {
    expect(parseRoute('')).toEqual({ name: 'customers' });
    expect(parseRoute('#/customers/not-an-id')).toEqual({ name: 'customers' });
    expect(parseRoute('#/admin')).toEqual({ name: 'customers' });
  });

  it('puts a customer detail under Customers in the navigation', () => {
    expect(navSection({ name: 'customer', id })).toBe('customers');
  });
});
