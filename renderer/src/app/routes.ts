/**
 * The screens, as data. The location hash mirrors the route (`#/customers/<id>`) so a reload, the back
 * button and a copied link land on the same screen; no router package is needed for four screens.
 */
export type Route =
  { name: 'today' } | { name: 'customers' } | { name: 'customer'; id: string } | { name: 'sync' };

export const DEFAULT_ROUTE: Route = { name: 'customers' };

const ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean);
  const [head, id] = parts;
  if (head === 'today' && parts.length === 1) return { name: 'today' };
  if (head === 'sync' && parts.length === 1) return { name: 'sync' };
  if (head === 'customers' && parts.length === 1) return { name: 'customers' };
  if (head === 'customers' && id && parts.length === 2 && ID_RE.test(id))
    return { name: 'customer', id: id.toLowerCase() };
  return DEFAULT_ROUTE;
}

export function routeToHash(route: Route): string {
  switch (route.name) {
    case 'today':
      return '#/today';
    case 'sync':
      return '#/sync';
    case 'customers':
      return '#/customers';
    case 'customer':
      return `#/customers/${route.id}`;
  }
}

/** The navigation item a route belongs to (a customer's detail is under Customers). */
export function navSection(route: Route): 'today' | 'customers' | 'sync' {
  return route.name === 'customer' ? 'customers' : route.name;
}
