/**
 * Bookkeeping after each response: count API requests by route for `/__emulator/stats`, and call the
 * state-file saver after a request that may have changed persisted state.
 */
import type { FastifyInstance } from 'fastify';
import { CONTROL_PREFIX, isProtectedPath, pathOf } from '../lib/http-paths.js';
import type { EmulatorState } from '../state/emulator-state.js';

/**
 * Registers the `onResponse` hook. `onChange` runs after a successful write under `/api/v1`,
 * `/oauth2/v1/clients` or `/__emulator` (token requests change nothing that is persisted).
 *
 * @example
 * registerStats(app, state, () => saver.schedule());
 */
export function registerStats(app: FastifyInstance, state: EmulatorState, onChange?: () => void): void {
  app.addHook('onResponse', async (request, reply) => {
    const path = pathOf(request.url);
    const managed = isProtectedPath(path);
    if (managed) {
      const route = `${request.method} ${request.routeOptions.url ?? 'unmatched'}`;
      state.stats.apiRequests++;
      state.stats.apiRequestsByRoute[route] = (state.stats.apiRequestsByRoute[route] ?? 0) + 1;
    }
    const persistent = managed || path.startsWith(`${CONTROL_PREFIX}/`);
    if (
      onChange &&
      persistent &&
      request.method !== 'GET' &&
      request.method !== 'HEAD' &&
      reply.statusCode < 400
    ) {
      onChange();
    }
  });
}
