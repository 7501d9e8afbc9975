/**
 * Operations endpoints, open to the network the service is deployed in (no API key): `/healthz` (the process
 * is up), `/readyz` (a token can be had and Okta answers, cached for a few seconds; it names the token store's
 * state, and a degraded store, Redis away, does not make the service unready), `/metrics` (Prometheus
 * text format) and `/openapi.json`.
 */
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { problem } from '../problem.js';
import type { Readiness } from '../ops/readiness.js';
import { sendProblem } from '../send-problem.js';

/** What the operations routes read. */
export interface OperationsDeps {
  readiness: { check(): Promise<Readiness> };
  registry: Registry;
  /** The token store's state: `degraded` (Redis away) is reported, never a reason to be unready. */
  tokenStore?: (() => Promise<'in-process' | 'shared' | 'degraded'>) | undefined;
}

/**
 * Register `/healthz`, `/readyz`, `/metrics` and `/openapi.json`.
 * @example
 * registerOperationsRoutes(app, { readiness, registry });
 */
export function registerOperationsRoutes(app: FastifyInstance, deps: OperationsDeps): void {
  const hide = { schema: { hide: true } };
  app.get('/healthz', hide, async () => ({ status: 'ok' }));

  app.get('/readyz', hide, async (request, reply) => {
    const [state, tokenStore] = await Promise.all([
      deps.readiness.check(),
      deps.tokenStore?.() ?? Promise.resolve('in-process' as const),
    ]);
    if (state.ready) {
      return { status: 'ready', checkedAt: new Date(state.checkedAt).toISOString(), tokenStore };
    }
    return sendProblem(
      request,
      reply,
      problem(503, `Not ready: ${state.detail}`, {
        code: state.code,
        ...(state.hint === undefined ? {} : { hint: state.hint }),
      }),
      { 'retry-after': '5' },
    );
  });

  app.get('/metrics', hide, async (_request, reply) => {
    const text = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(text);
  });

  app.get('/openapi.json', hide, async () => app.swagger());
}
