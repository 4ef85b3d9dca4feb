import { describe, expect, it } from 'vitest';
import { navSection, parseRoute, recordRoute, routeToHash, type Route } from './routes';

describe('routes', () => {
  const id = '0190eafa-4bc7-7ee4-8714-3543b5ed0b85';

  it('round-trips every route through the hash', () => {
    const routes: Route[] = [
      { name: 'today' },
      { name: 'customers' },
      { name: 'customer', id },
      { name: 'leads' },
      { name: 'lead', id },
      { name: 'pipeline' },
      { name: 'followUps' },
      { name: 'sync' },
      { name: 'settings' },
      { name: 'forms' },
      { name: 'sea' },
      { name: 'pools' },
    ];
    for (const route of routes) expect(parseRoute(routeToHash(route))).toEqual(route);
  });

  it('spells the team feed with a hyphen', () => {
    expect(routeToHash({ name: 'followUps' })).toBe('#/follow-ups');
    expect(routeToHash({ name: 'lead', id })).toBe(`#/leads/${id}`);
    expect(routeToHash({ name: 'sea' })).toBe('#/sea');
    expect(routeToHash({ name: 'pools' })).toBe('#/pools');
  });

  it('lands on Today for anything unknown', () => {
    expect(parseRoute('')).toEqual({ name: 'today' });
    expect(parseRoute('#/customers/not-an-id')).toEqual({ name: 'today' });
    expect(parseRoute('#/admin')).toEqual({ name: 'today' });
    expect(parseRoute('#/constructor')).toEqual({ name: 'today' });
  });

  it('puts a detail under its list in the navigation', () => {
    expect(navSection({ name: 'customer', id })).toBe('customers');
    expect(navSection({ name: 'lead', id })).toBe('leads');
    expect(navSection({ name: 'followUps' })).toBe('followUps');
  });

  it('opens a lead under Leads and a customer under Customers', () => {
    expect(recordRoute('lead', id)).toEqual({ name: 'lead', id });
    expect(recordRoute('customer', id)).toEqual({ name: 'customer', id });
  });
});
