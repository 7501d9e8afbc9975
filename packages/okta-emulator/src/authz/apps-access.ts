/**
 * Who may use the Apps API: the admin API token, or an access token with an apps scope; and the app lookup
 * with Okta's 404.
 */
import type { FastifyRequest } from 'fastify';
import { notFound, OktaApiError } from '../lib/errors.js';
import { pathOf } from '../lib/http-paths.js';
import type { OidcApp } from '../state/org-records.js';
import { hasAnyScope, insufficientScope } from './scope-challenge.js';

/**
 * Apps routes accept the admin API token (Super Admin) or an access token carrying one of `anyOf`.
 * A token without them gets Okta's 403: empty body and a `WWW-Authenticate … error="insufficient_scope"`
 * challenge naming the first scope.
 */
export function requireAnyScope(
  state: { readonly orgUrl: string },
  request: FastifyRequest,
  anyOf: readonly string[],
): void {
  const principal = request.principal;
  if (!principal) throw new OktaApiError('E0000011');
  if (principal.kind === 'api-token') return;
  if (hasAnyScope(principal.scopes, anyOf)) return;
  throw insufficientScope(principal, state.orgUrl, anyOf[0] ?? '', pathOf(request.url));
}

/** Scopes that read apps. */
export const APPS_READ = ['okta.apps.read', 'okta.apps.manage'] as const;
/** Scopes that change apps. */
export const APPS_MANAGE = ['okta.apps.manage'] as const;

/** The app with this id, or Okta's 404 "Not found: Resource not found: {id} (AppInstance)". */
export function findApp(state: { readonly apps: ReadonlyMap<string, OidcApp> }, appId: string): OidcApp {
  const app = state.apps.get(appId);
  if (!app) throw notFound(appId, 'AppInstance');
  return app;
}
