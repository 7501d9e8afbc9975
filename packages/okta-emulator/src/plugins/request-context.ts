/**
 * The one request context: what the emulator's hooks attach to every fastify request (request id, arrival
 * time on the emulator clock, the authenticated principal, token-endpoint bookkeeping), and the hook that
 * stamps every response with `X-Okta-Request-Id` and a `Date` on the emulator's clock.
 */
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../authz/principal.js';
import type { EmulatorState } from '../state/emulator-state.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** `X-Okta-Request-Id` of this request. */
    oktaRequestId: string;
    /** Start of request handling on the emulator's clock (for the `Date` header). */
    receivedAt: number;
    /** Set by the API-auth hook for routes under `/api/v1` and `/oauth2/v1/clients`; undefined elsewhere. */
    principal?: Principal;
    /** Token endpoint bookkeeping for the stats: the assertion's kid, the authenticated client and the outcome. */
    tokenOutcome?: { clientId?: string; outcome?: string; kid?: string };
  }
}

/**
 * Decorates requests and stamps every response with `X-Okta-Request-Id` and a `Date` on the emulator's
 * clock (SDKs compute 429 waits from it).
 *
 * @example
 * registerRequestContext(app, state);
 */
export function registerRequestContext(app: FastifyInstance, state: EmulatorState): void {
  app.decorateRequest('oktaRequestId', '');
  app.decorateRequest('receivedAt', 0);
  app.addHook('onRequest', async (request, reply) => {
    request.oktaRequestId = state.ids.requestId();
    request.receivedAt = state.clock.now();
    reply.header('x-okta-request-id', request.oktaRequestId);
    reply.header('date', new Date(request.receivedAt).toUTCString());
  });
}
