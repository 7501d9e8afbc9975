/**
 * okta-m2m/core: the building blocks `createOktaClient` is made of, for those who compose their own client (a
 * different cache, another API family, their own transport). Applications need only the main entry,
 * `okta-m2m`; the errors and data types live there and are not repeated here.
 *
 * The blocks and the one-way flow of a call (see docs/architecture.md):
 * `UsersApi` → `sendAuthorized` → `Transport.send` (retry policy, circuit breaker) → `TokenProvider.authorize`
 * → `buildTokenRequest` / `processTokenResponse` (client assertion, DPoP prover) → `SigningKey`.
 *
 * @example
 * import { createTransport, defaultDeps, Metrics, TokenProvider, tokenSettings, UsersApi } from 'okta-m2m/core';
 * import { loadSigningKey, resolveConfig } from 'okta-m2m';
 * const config = resolveConfig({ orgUrl: 'https://acme.okta.com', clientId: '0oa1', privateKeyPath: './key.pem', dpop: false });
 * const transport = createTransport(config.transport, { ...defaultDeps(), metrics: new Metrics() });
 * const signingKey = loadSigningKey({ privateKeyPath: './key.pem' });
 * const tokens = new TokenProvider({ ...tokenSettings(config), transport, signingKey });
 * const users = new UsersApi({ transport, authorizer: tokens, orgUrl: config.orgUrl });
 */

// Configuration: defaults, and the resolved settings the blocks take.
export {
  DEFAULT_SCOPES,
  CONFIG_DEFAULTS,
  TRANSPORT_DEFAULTS,
  resolveTransportOptions,
  tokenSettings,
} from './config.js';
export type { TokenSettings } from './config-types.js';
export { ENV_VARIABLES } from './config-env.js';

// Keys and client assertions.
export { SigningKey, jwkThumbprint } from './auth/keys.js';
export { createClientAssertion, MAX_ASSERTION_LIFETIME_SECONDS } from './auth/client-assertion.js';
export type { ClientAssertionClaims } from './auth/client-assertion.js';

// Tokens.
export {
  buildTokenRequest,
  processTokenResponse,
  CLIENT_ASSERTION_TYPE,
  DEFAULT_EXPIRES_IN_SECONDS,
} from './auth/token-request.js';
export type {
  TokenRequestInput,
  TokenResponseResult,
  ProcessTokenResponseOptions,
} from './auth/token-request.js';
export {
  TokenProvider,
  MAX_TOKEN_REQUESTS_PER_FETCH,
  MAX_KEY_RETRIES_PER_FETCH,
} from './auth/token-provider.js';
export { fileKeySource, functionKeySource, fixedKeySource } from './auth/key-source.js';
export type { SigningKeySource, KeySourceContext } from './auth/key-source.js';
export type { TokenProviderOptions } from './auth/token-provider.js';
export { createAccessToken } from './auth/access-token.js';
export { tokenCacheKey } from './auth/token-store.js';
export type { TokenCacheKeyInput } from './auth/token-store.js';
export type { AccessTokenInit } from './auth/access-token.js';
export type {
  AccessToken,
  AuthorizeRequest,
  Authorization,
  RequestAuthorizer,
  DpopProver,
} from './auth/types.js';
export { OAUTH_HINT_RULES, oauthHintFor } from './auth/oauth-hints.js';
export type { OAuthHintRule } from './auth/oauth-hints.js';

// DPoP.
export { createDpopProver, normalizeHtu, DPOP_ALGORITHMS } from './auth/dpop.js';
export type { DpopProverOptions } from './auth/dpop.js';

// HTTP.
export { createTransport } from './http/transport.js';
export type { TransportDeps, OktaTransport } from './http/transport.js';
export { DEFAULT_RETRY_POLICY, resolveRetryPolicy } from './http/retry-policy.js';
export { DEFAULT_BREAKER_OPTIONS } from './http/circuit-breaker.js';
export { headerValue, headerValues } from './http/types.js';
export type { HttpRequest, RequestFactory, SendOptions, Transport } from './http/types.js';
export { sendAuthorized, assertOrgOrigin } from './http/authorized-request.js';
export type { AuthorizedContext, AuthorizedCall } from './http/authorized-request.js';
export { processOktaResponse, oktaErrorFromResponse } from './http/okta-response.js';
export type { ResponseContext } from './http/okta-response.js';
export type { OktaM2MErrorOptions, OAuthErrorDetails, OktaApiErrorDetails } from './errors.js';

// Users API.
export { UsersApi } from './users/users-api.js';
export type { UsersApiOptions } from './users/users-api.js';

// Observability and side effects.
export { Metrics } from './observability/metrics.js';
export { redact, redactString, REDACTED } from './observability/redact.js';
export { createSafeLogger, silentLogger } from './observability/logger.js';
export { defaultDeps } from './deps.js';
