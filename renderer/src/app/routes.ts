/**
 * The screens, as data. The location hash mirrors the route (`#/customers/<id>`) so a reload, the back
 * button and a copied link land on the same screen; no router package is needed for a handful of screens.
 */
export type Route =
  | { name: 'today' }
  | { name: 'customers' }
  | { name: 'customer'; id: string }
  | { name: 'leads' }
  | { name: 'lead'; id: string }
  | { name: 'pipeline' }
  | { name: 'followUps' }
  | { name: 'sync' }
  | { name: 'settings' }
  | { name: 'forms' }
  | { name: 'sea' }
  | { name: 'pools' };

/** Where the app opens: the rep's working day. */
export const DEFAULT_ROUTE: Route = { name: 'today' };

/** The sidebar's items; every route belongs to one (a customer's detail is under Customers). */
export type NavSection =
  | 'today'
  | 'customers'
  | 'leads'
  | 'sea'
  | 'pipeline'
  | 'followUps'
  | 'sync'
  | 'settings'
  | 'forms'
  | 'pools';

const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Screens without parameters, by their hash path. */
const SIMPLE: Record<string, Route> = {
  today: { name: 'today' },
  customers: { name: 'customers' },
  leads: { name: 'leads' },
  pipeline: { name: 'pipeline' },
  'follow-ups': { name: 'followUps' },
  sync: { name: 'sync' },
  settings: { name: 'settings' },
  forms: { name: 'forms' },
  sea: { name: 'sea' },
  pools: { name: 'pools' },
};

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [head, id] = parts;
  if (head && parts.length === 1 && Object.hasOwn(SIMPLE, head)) return SIMPLE[head] ?? DEFAULT_ROUTE;
  if (id && parts.length === 2 && ID_RE.test(id)) {
    if (head === 'customers') return { name: 'customer', id: id.toLowerCase() };
    if (head === 'leads') return { name: 'lead', id: id.toLowerCase() };
  }
  return DEFAULT_ROUTE;
}

export function routeToHash(route: Route): string {
  switch (route.name) {
    case 'customer':
      return `#/customers/${route.id}`;
    case 'lead':
      return `#/leads/${route.id}`;
    case 'followUps':
      return '#/follow-ups';
    default:
      return `#/${route.name}`;
  }
}

/** The navigation item a route belongs to (a customer's detail is under Customers, a lead's under Leads). */
export function navSection(route: Route): NavSection {
  if (route.name === 'customer') return 'customers';
  if (route.name === 'lead') return 'leads';
  return route.name;
}

/** The detail route of a customers row: leads open under Leads. */
export function recordRoute(kind: 'customer' | 'lead', id: string): Route {
  return kind === 'lead' ? { name: 'lead', id } : { name: 'customer', id };
}
