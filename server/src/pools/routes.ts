import type { FastifyInstance } from 'fastify';
import type { AdminRouteDeps } from '../admin/routes';

/**
 * Pools' HTTP routes (docs/pools.md): the admin's pool CRUD and the reps' public-sea browse.
 * STUB: to be written (issue 6).
 */
export function registerPoolRoutes(_app: FastifyInstance, _deps: AdminRouteDeps): void {}
