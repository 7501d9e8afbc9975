import type { FastifyRequest } from 'fastify';
import { hasAnyScope, insufficientScopeChallenge } from '../authz/scope-challenge.js';
import { ChallengeResponse, notFound, OktaApiError } from '../errors.js';
import { pathOf } from '../plugins/api-auth.js';
import type { OidcApp, PlatformContext } from '../state.js';

/**
 * Apps routes accept the admin API token (Super Admin) or an access token carrying one of `anyOf`.
 * A token without them gets Okta's 403: empty body and a `WWW-Authenticate … error="insufficient_scope"`
 * challenge naming the first scope.
 */
export function requireAnyScope(
  ctx: PlatformContext,
  request: FastifyRequest,
  anyOf: readonly string[],
): void {
  const principal = request.principal;
  if (!principal) throw new OktaApiError('E0000011');
  if (principal.kind === 'api-token') return;
  if (hasAnyScope(principal.scopes, anyOf)) return;
  throw new ChallengeResponse(403, {
    'www-authenticate': insufficientScopeChallenge(
      principal.scheme,
      ctx.orgUrl,
      anyOf[0] ?? '',
      pathOf(request.url),
    ),
  });
}

/** Scopes that read apps. */
export const APPS_READ = ['okta.apps.read', 'okta.apps.manage'] as const;
/** Scopes that change apps. */
export const APPS_MANAGE = ['okta.apps.manage'] as const;

/** The app with this id, or Okta's 404 "Not found: Resource not found: {id} (AppInstance)". */
export function findApp(ctx: PlatformContext, appId: string): OidcApp {
  const app = ctx.state.apps.get(appId);
  if (!app) throw notFound(appId, 'AppInstance');
  return app;
}
