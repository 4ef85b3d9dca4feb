import type { FastifyInstance } from 'fastify';
import type { AdminRouteDeps } from '../admin/routes';

/**
 * Reactivation (docs/pools.md): `POST /events` (org API key) and the admin's recycle run
 * `POST /admin/pools/run`. STUB: to be written (issue 6).
 */
export function registerEventRoutes(_app: FastifyInstance, _deps: AdminRouteDeps): void {}
