/**
 * The org authorization server's metadata documents and its public keys (`/oauth2/v1/keys`).
 */
import type { FastifyInstance } from 'fastify';
import { DPOP_ALGS_PARAM } from '../oauth/algorithms.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { TOKEN_PATH } from '../lib/http-paths.js';
import { SUPPORTED_GRANT_TYPES } from '../oauth/grant-types.js';

/** `Cache-Control` on `/oauth2/v1/keys`: long-lived, like Okta's. */
export const KEYS_CACHE_CONTROL = 'max-age=3832304, must-revalidate';

/**
 * Org authorization server metadata. Field names and endpoint paths follow Okta's `OrgASOidcMetadata`
 * (oauth.yaml); the lists describe what this emulator actually supports (client_credentials with
 * private_key_jwt, DPoP), not everything a real org offers.
 */
export function orgMetadata(orgUrl: string, oidc: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    issuer: orgUrl,
    authorization_endpoint: `${orgUrl}/oauth2/v1/authorize`,
    token_endpoint: orgUrl + TOKEN_PATH,
  };
  if (oidc) base.userinfo_endpoint = `${orgUrl}/oauth2/v1/userinfo`;
  return {
    ...base,
    registration_endpoint: `${orgUrl}/oauth2/v1/clients`,
    jwks_uri: `${orgUrl}/oauth2/v1/keys`,
    response_types_supported: [
      'code',
      'id_token',
      'code id_token',
      'code token',
      'id_token token',
      'code id_token token',
    ],
    response_modes_supported: ['query', 'fragment', 'form_post', 'okta_post_message'],
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    subject_types_supported: ['public'],
    ...(oidc ? { id_token_signing_alg_values_supported: ['RS256'] } : {}),
    scopes_supported: [
      'okta.users.read',
      'okta.users.manage',
      'okta.apps.read',
      'okta.apps.manage',
      'okta.roles.read',
      'okta.roles.manage',
    ],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'],
    claims_supported: ['ver', 'jti', 'iss', 'aud', 'iat', 'exp', 'cid', 'scp', 'sub', 'cnf'],
    introspection_endpoint: `${orgUrl}/oauth2/v1/introspect`,
    revocation_endpoint: `${orgUrl}/oauth2/v1/revoke`,
    end_session_endpoint: `${orgUrl}/oauth2/v1/logout`,
    dpop_signing_alg_values_supported: DPOP_ALGS_PARAM.split(' '),
  };
}

/** `/.well-known/oauth-authorization-server`, `/.well-known/openid-configuration`, `/oauth2/v1/keys`. */
export function registerWellKnownRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get('/.well-known/openid-configuration', async () => orgMetadata(state.orgUrl, true));
  app.get('/.well-known/oauth-authorization-server', async () => orgMetadata(state.orgUrl, false));
  app.get('/oauth2/v1/keys', async (_request, reply) => {
    const { kty, alg, kid, use, e, n } = state.signingKey.publicJwk;
    reply.header('cache-control', KEYS_CACHE_CONTROL);
    return { keys: [{ kty, alg, kid, use, e, n }] };
  });
}
