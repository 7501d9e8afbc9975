/**
 * Caller authentication: a route that declares `config: { scope }` needs `Authorization: Bearer <API key>`
 * with that right. Checked on request arrival, before the body is read, so an unauthenticated caller learns
 * nothing about validation and nothing reaches Okta. Missing or unknown key → 401; a key without the right → 403.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { allows, findApiKey, type ApiKey, type ApiKeyScope } from './api-keys.js';
import { problem } from './problem.js';
import { sendProblem } from './send-problem.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The right a caller's key must carry; routes without it are open (health, metrics, OpenAPI). */
    scope?: ApiKeyScope;
  }
  interface FastifyRequest {
    /** The name of the caller's API key, once authenticated. */
    caller: string | undefined;
    /** The right of the caller's API key, once authenticated. */
    callerScope: ApiKeyScope | undefined;
  }
}

const CHALLENGE = 'Bearer realm="users-service"';

/**
 * Install the check on `app`.
 * @example
 * installCallerAuth(app, config.apiKeys);
 */
export function installCallerAuth(app: FastifyInstance, keys: readonly ApiKey[]): void {
  app.decorateRequest('caller', undefined);
  app.decorateRequest('callerScope', undefined);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const needed = request.routeOptions.config.scope;
    if (needed === undefined) return;
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
    if (match === null) {
      const detail =
        header === undefined
          ? 'Send an API key: Authorization: Bearer <key>.'
          : 'The Authorization header must be "Bearer <key>".';
      return sendProblem(request, reply, problem(401, detail, { code: 'USERS_SERVICE_UNAUTHENTICATED' }), {
        'www-authenticate': CHALLENGE,
      });
    }
    const key = findApiKey(keys, match[1] as string);
    if (key === undefined) {
      return sendProblem(
        request,
        reply,
        problem(401, 'Unknown API key.', {
          code: 'USERS_SERVICE_UNAUTHENTICATED',
          hint: 'Use a key whose SHA-256 is configured in API_KEYS.',
        }),
        { 'www-authenticate': `${CHALLENGE}, error="invalid_token"` },
      );
    }
    request.caller = key.name;
    request.callerScope = key.scope;
    if (!allows(key, needed)) {
      return sendProblem(
        request,
        reply,
        problem(403, `This API key (${key.name}) has ${key.scope}; this request needs ${needed}.`, {
          code: 'USERS_SERVICE_FORBIDDEN',
          hint: `Use a key configured with ${needed}.`,
        }),
      );
    }
  });
}
