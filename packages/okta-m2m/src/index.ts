/**
 * okta-m2m: an Okta service-app client for Node.js: OAuth 2.0 client credentials with private_key_jwt
 * (RS256/ES256), automatic DPoP, a cached and refreshed-ahead token, a resilient transport, the Users API and
 * typed errors with hints. Every export is named here (design rule 2); each declaration carries TSDoc with an
 * example.
 *
 * @example
 * import { createOktaClient, fromEnv } from 'okta-m2m';
 * const client = createOktaClient(fromEnv());
 * const user = await client.users.get('00u1');
 * await client.users.updateName(user.id, { firstName: 'Ada', lastName: 'Lovelace' });
 * await client.close();
 */

// The client and its configuration.
export { createOktaClient } from './client.js';
export type { OktaClient } from './client.js';
export { resolveConfig, fromEnv, DEFAULT_SCOPES, CONFIG_DEFAULTS, ENV_VARIABLES } from './config.js';
export type { OktaClientOptions, ResolvedConfig, DpopOption } from './config.js';

// Errors.
export {
  ERROR_CODES,
  OktaM2MError,
  ConfigError,
  KeyError,
  OAuthError,
  ScopesNotGrantedError,
  OktaApiError,
  RateLimitError,
  TimeoutError,
  NetworkError,
  CircuitOpenError,
  ResponseError,
  DpopError,
  ForeignOriginError,
  InvalidArgumentError,
  ClosedError,
} from './errors.js';
export type {
  ErrorCode,
  OktaM2MErrorOptions,
  ConfigProblem,
  OAuthErrorDetails,
  OktaApiErrorDetails,
  AuthChallenge,
} from './errors.js';
export { OAUTH_HINT_RULES, oauthHintFor } from './auth/oauth-hints.js';
export type { OAuthHintRule } from './auth/oauth-hints.js';

// Keys and client assertions.
export { loadSigningKey, generateKeyPair, jwkThumbprint, SigningKey } from './auth/keys.js';
export type {
  SigningAlg,
  KidSource,
  PublicJwk,
  PrivateKeyInput,
  WebCryptoKey,
  LoadSigningKeyOptions,
  GeneratedKeyPair,
} from './auth/keys.js';
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
export { TokenProvider, MAX_TOKEN_REQUESTS_PER_FETCH } from './auth/token-provider.js';
export type { TokenProviderOptions } from './auth/token-provider.js';
export { createAccessToken } from './auth/access-token.js';
export { tokenCacheKey } from './auth/token-store.js';
export type {
  TokenStore,
  StoredToken,
  TokenLease,
  TokenStoreSetOptions,
  TokenCacheKeyInput,
} from './auth/token-store.js';
export { MemoryTokenStore } from './auth/memory-token-store.js';
export type { MemoryTokenStoreOptions } from './auth/memory-token-store.js';
export type { OktaAccessToken, AccessTokenInit } from './auth/access-token.js';
export type {
  AccessToken,
  AuthorizeRequest,
  Authorization,
  RequestAuthorizer,
  DpopProver,
} from './auth/types.js';

// DPoP.
export { createDpopProver, normalizeHtu, DPOP_ALGORITHMS } from './auth/dpop.js';
export type { DpopProverOptions, DpopAlgorithm, DpopKeyInput } from './auth/dpop.js';

// HTTP.
export { createTransport, TRANSPORT_DEFAULTS } from './http/transport.js';
export type { TransportOptions, TransportDeps, TlsOptions, OktaTransport } from './http/transport.js';
export { DEFAULT_RETRY_POLICY, resolveRetryPolicy } from './http/retry-policy.js';
export type { RetryOptions, RetryPolicy, RetryContext } from './http/retry-policy.js';
export { DEFAULT_BREAKER_OPTIONS } from './http/circuit-breaker.js';
export type { CircuitBreakerOptions, BreakerState } from './http/circuit-breaker.js';
export type { RateLimitInfo } from './http/rate-limit.js';
export { headerValue, headerValues } from './http/types.js';
export type { HttpRequest, HttpResponse, RequestFactory, SendOptions, Transport } from './http/types.js';

// Users API.
export { UsersApi } from './users/users-api.js';
export type {
  UsersApiOptions,
  CallOptions,
  ListUsersOptions,
  UsersPage,
  NameUpdate,
} from './users/users-api.js';
export type {
  OktaUser,
  OktaUserProfile,
  OktaUserProfileUpdate,
  OktaUserStatus,
  OktaLink,
} from './users/types.js';

// Observability and side effects.
export { Metrics } from './observability/metrics.js';
export type { MetricsSnapshot } from './observability/metrics.js';
export { CHANNELS } from './observability/events.js';
export type {
  TokenFetchEvent,
  TokenCacheEvent,
  RequestEvent,
  RetryEvent,
  BreakerEvent,
} from './observability/events.js';
export { redact, redactString, REDACTED } from './observability/redact.js';
export { createSafeLogger, silentLogger } from './observability/logger.js';
export { defaultDeps } from './deps.js';
export type { Deps, Clock, Sleep, Random, Logger } from './deps.js';
