/**
 * Unknown paths and unimplemented methods, as Okta answers them: 404 E0000008 for a path no route serves,
 * 405 E0000022 for a known path with another method.
 */
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { OktaApiError } from '../lib/errors.js';
import { pathOf } from '../lib/http-paths.js';

/**
 * Installs the not-found handler; call it before routes are added (it learns their patterns).
 *
 * @example
 * installNotFound(app);
 */
export function installNotFound(app: FastifyInstance): void {
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = new RegExp(
      '^' + route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+') + '$',
    );
    for (const method of methods) routes.push({ method: String(method), pattern });
  });
  app.setNotFoundHandler(async (request) => {
    const path = pathOf(request.url);
    if (routes.some((r) => r.method !== request.method && r.pattern.test(path))) {
      throw new OktaApiError('E0000022');
    }
    throw new OktaApiError('E0000008');
  });
}

const ALL_METHODS: readonly HTTPMethods[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];

/**
 * Answers the methods a path does not implement with 405 E0000022, as routes of their own (so rate limits
 * and statistics see the route pattern).
 *
 * @example
 * methodNotAllowed(app, '/api/v1/users', ['GET', 'POST']);
 */
export function methodNotAllowed(
  app: FastifyInstance,
  url: string,
  implemented: readonly HTTPMethods[],
): void {
  const others = ALL_METHODS.filter((m) => !implemented.includes(m));
  if (others.length === 0) return;
  app.route({
    method: [...others],
    url,
    handler: () => {
      throw new OktaApiError('E0000022');
    },
  });
}
