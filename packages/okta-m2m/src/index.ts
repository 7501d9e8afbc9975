/**
 * okta-m2m: an Okta service-app client for Node.js: OAuth 2.0 client credentials with private_key_jwt
 * (RS256/ES256), automatic DPoP, a cached and refreshed-ahead token, a resilient transport, the Users API and
 * typed errors with hints. This entry holds what an application uses: the client and its options, the
 * configuration helpers, the errors, key generation and loading, the data types, and the names of the metrics
 * and diagnostics channels. The building blocks the client is made of (token provider, transport, retry policy,
 * DPoP prover...) are in `okta-m2m/core`, for those who compose their own client. Every export is named here
 * (design rule 2); each declaration carries TSDoc with an example.
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
export type { OktaClient, OktaTokens, TokenInfo, TokenCallOptions, TransportStatus } from './client.js';
export { resolveConfig } from './config.js';
export { fromEnv } from './config-env.js';
export { describeConfig } from './config-describe.js';
export type { ConfigDescription, KeySource } from './config-describe.js';
export type {
  OktaClientOptions,
  DpopOption,
  TransportOptions,
  TlsOptions,
  ResolvedConfig,
  ResolvedTransportOptions,
} from './config-types.js';
export type { RetryOptions, RetryPolicy, RetryContext } from './http/retry-policy.js';
export type { CircuitBreakerOptions, BreakerState } from './http/circuit-breaker.js';
export type { Deps, Clock, Sleep, Random, Logger } from './deps.js';

// Errors.
export {
  ERROR_CODES,
  isOktaM2MError,
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
export type { ErrorCode, AnyOktaM2MError, OktaApiErrorCode, ConfigProblem, AuthChallenge } from './errors.js';
export type { Circuit, CloseOptions, HttpResponse } from './http/types.js';

// Keys.
export { loadSigningKey, generateKeyPair } from './auth/keys.js';
export type {
  SigningKey,
  SigningAlg,
  KidSource,
  PublicJwk,
  PrivateKeyInput,
  WebCryptoKey,
  LoadSigningKeyOptions,
  GeneratedKeyPair,
} from './auth/keys.js';
export type { DpopAlgorithm, DpopKeyInput } from './auth/dpop.js';
export { KID_SIDECAR_SUFFIX, keyFileKid, kidSidecarText, readKidSidecar } from './auth/kid-sidecar.js';
export type { KeyFileKid, KidSidecar } from './auth/kid-sidecar.js';
export type { KeyFunction, KeyFunctionResult, KeyStatus } from './auth/key-source.js';

// Token stores: share tokens between processes (okta-m2m-redis implements TokenStore on Redis).
export { MemoryTokenStore } from './auth/memory-token-store.js';
export type { MemoryTokenStoreOptions } from './auth/memory-token-store.js';
export {
  MAX_PACING_WAIT_MS,
  MAX_RESET_AHEAD_MS,
  paceTokenRequest,
  rateLimitBucket,
} from './auth/token-pacing.js';
export type {
  TokenStore,
  StoredToken,
  TokenLease,
  TokenStoreSetOptions,
  SharedRateLimit,
} from './auth/token-store.js';

// Data: tokens and users.
export type { OktaAccessToken } from './auth/access-token.js';
export type { UsersApi, CallOptions, ListUsersOptions, UsersPage, NameUpdate } from './users/users-api.js';
export type {
  OktaUser,
  OktaUserProfile,
  OktaUserProfileUpdate,
  OktaUserStatus,
  OktaLink,
} from './users/types.js';
export type { RateLimitInfo } from './http/rate-limit.js';

// Metrics and diagnostics channels.
export { CHANNELS } from './observability/events.js';
export type {
  TokenFetchEvent,
  TokenCacheEvent,
  RequestEvent,
  RetryEvent,
  BreakerEvent,
  KeyEvent,
} from './observability/events.js';
export type { MetricsSnapshot } from './observability/metrics.js';
