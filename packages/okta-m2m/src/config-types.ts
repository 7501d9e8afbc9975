/**
 * The shapes of configuration: what `createOktaClient` accepts ({@link OktaClientOptions}, with the transport's
 * {@link TransportOptions}) and what {@link resolveConfig} makes of it ({@link ResolvedConfig}: every default
 * applied, nothing optional left, handed as is to the token provider and the transport).
 */
import type { Dispatcher } from 'undici';
import type { DpopAlgorithm, DpopKeyInput } from './auth/dpop-key.js';
import type { KeyFunction } from './auth/key-source.js';
import type { PrivateKeyInput } from './auth/keys.js';
import type { TokenStore } from './auth/token-store.js';
import type { Deps, Logger } from './deps.js';
import type { CircuitBreakerOptions } from './http/circuit-breaker.js';
import type { RetryOptions, RetryPolicy } from './http/retry-policy.js';

/** TLS settings passed to the connection pool: a private CA, or a client certificate for mutual TLS. */
export interface TlsOptions {
  /** Trusted CA certificate(s), PEM. Replaces the default trust store for this transport. */
  ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** Client certificate chain (PEM) for mutual TLS. */
  cert?: string | Buffer | undefined;
  /** Client private key (PEM) for mutual TLS. */
  key?: string | Buffer | undefined;
  /** Verify the server certificate. Default true; turning it off is for local experiments only. */
  rejectUnauthorized?: boolean | undefined;
}

/**
 * Transport settings. Every field has a documented default (see `TRANSPORT_DEFAULTS` in `okta-m2m/core`).
 * @example
 * const transport: TransportOptions = { timeoutMs: 5000, retry: { maxAttempts: 5 }, userAgent: 'users-service/1.2' };
 */
export interface TransportOptions {
  /** Time limit of one attempt, from sending to the last body byte (ms). Default 10 000. */
  timeoutMs?: number | undefined;
  /** Time limit of a whole call, retries and waits included (ms). Default 30 000. */
  deadlineMs?: number | undefined;
  /** The retry policy; `false` turns retries off. Default: see DEFAULT_RETRY_POLICY. */
  retry?: RetryOptions | undefined;
  /** Circuit-breaker settings; `false` turns it off. Default 5 failures in 60 s open it for 30 s. */
  breaker?: false | Partial<CircuitBreakerOptions> | undefined;
  /** Most sockets per origin. Default 32. Ignored when a `dispatcher` is given. */
  connections?: number | undefined;
  /** How long an idle keep-alive socket is kept (ms). Default 30 000. Ignored when a `dispatcher` is given. */
  keepAliveTimeoutMs?: number | undefined;
  /** Largest response body accepted (bytes); more is a ResponseError. Default 10 MiB. */
  maxResponseBytes?: number | undefined;
  /** TLS options for a private CA or mutual TLS. Not combinable with `dispatcher` (configure TLS on it). */
  tls?: TlsOptions | undefined;
  /** A product token appended to the User-Agent, e.g. `users-service/1.2`. */
  userAgent?: string | undefined;
  /**
   * An undici dispatcher to send through instead of the library's keep-alive Agent: a `ProxyAgent` for an HTTP(S)
   * proxy, a `MockAgent` in your own tests, an `Agent` you share. The client does not close it.
   */
  dispatcher?: Dispatcher | undefined;
}

/**
 * DPoP settings: `'auto'` (default: switch when the server demands it), `true` (always), `false` (never), or a key.
 * @example
 * const dpop: DpopOption = { key: process.env.DPOP_KEY, alg: 'ES256' };
 */
export type DpopOption =
  | 'auto'
  | boolean
  | {
      /** The DPoP private key (PEM text, private JWK, KeyObject); never the client-authentication key. */
      key?: DpopKeyInput | undefined;
      /** A file holding the DPoP private key (PEM or JWK JSON), mode 600. Give this or `key`. */
      keyPath?: string | undefined;
      alg?: DpopAlgorithm | undefined;
    };

/**
 * Options of `createOktaClient`.
 * @example
 * const options: OktaClientOptions = {
 *   orgUrl: 'https://acme.okta.com', clientId: '0oa1...', keyId: 'kid-1', privateKeyPath: '/run/secrets/okta.pem',
 * };
 */
export interface OktaClientOptions {
  /** The org URL, e.g. `https://acme.okta.com` (a bare host is taken as https). `http` only for loopback hosts. */
  orgUrl: string;
  /** The service app's client ID. */
  clientId: string;
  /**
   * The private key: PEM (PKCS#8, PKCS#1, SEC1), a private JWK (object or JSON text), or a KeyObject; or a
   * function returning the current key (or `{ privateKey, keyId }`), called before each token request, so the
   * key can be rotated without a restart.
   */
  privateKey?: PrivateKeyInput | KeyFunction | undefined;
  /**
   * A file holding the private key (PEM or JWK JSON), mode 600. Give this or `privateKey`. Re-read when it (or
   * `<file>.kid`, which names its kid) changes; the next token request signs with the new key.
   */
  privateKeyPath?: string | undefined;
  /** The kid of the registered public key. Default: the JWK's kid, else none (no `kid` header: Okta then needs the app to have a single key). */
  keyId?: string | undefined;
  /** Scopes to request. Default `['okta.users.read', 'okta.users.manage']` (the guide's two). */
  scopes?: readonly string[] | undefined;
  /** Token endpoint. Default `${orgUrl}/oauth2/v1/token` (the org authorization server). */
  tokenEndpoint?: string | undefined;
  /** Client assertion `aud`. Default: the token endpoint URL (Okta refuses the issuer). */
  audience?: string | undefined;
  /**
   * Client assertion lifetime in seconds, 1..3300. Default 300. Okta refuses an `exp` more than an hour ahead of
   * its own clock; the cap keeps a 5-minute margin for a host clock that runs fast.
   */
  assertionLifetimeSeconds?: number | undefined;
  /** DPoP mode or key. Default `'auto'`. */
  dpop?: DpopOption | undefined;
  /** Refresh a token this many seconds before expiry, or at 80% of its lifetime if earlier. Default 300. */
  refreshAheadSeconds?: number | undefined;
  /**
   * The refresh timer refreshes ahead only the scope sets used within this many seconds; others are fetched again
   * on their next use. Default 900.
   */
  refreshIdleSeconds?: number | undefined;
  /** Fail with ScopesNotGrantedError when fewer scopes are granted than requested. Default false (warn). */
  requireAllScopes?: boolean | undefined;
  /** Timeouts, retries, circuit breaker, TLS (private CA, mutual TLS), user agent, dispatcher. */
  transport?: TransportOptions | undefined;
  /** Accept a key file readable by group/others. Default false. */
  allowInsecureKeyFile?: boolean | undefined;
  /** A pino-compatible logger. Default: silent. Everything logged is redacted. */
  logger?: Logger | undefined;
  /** Replace side effects (clock, sleep, random, uuid), e.g. in tests. */
  deps?: Partial<Omit<Deps, 'logger'>> | undefined;
  /**
   * Share tokens between processes and fetch once for all of them, e.g. `RedisTokenStore` of okta-m2m-redis.
   * Default: the in-process store (this process only).
   */
  tokenStore?: TokenStore | undefined;
}

/**
 * Transport settings after validation, every default applied: what the transport receives.
 * @example
 * const transport = createTransport(resolveTransportOptions({ timeoutMs: 5000 }), { ...defaultDeps(), metrics });
 */
export interface ResolvedTransportOptions {
  timeoutMs: number;
  deadlineMs: number;
  /** The effective policy (`retry: false` resolves to a single attempt). */
  retry: RetryPolicy;
  /** `false` when the breaker is turned off. */
  breaker: false | CircuitBreakerOptions;
  connections: number;
  keepAliveTimeoutMs: number;
  maxResponseBytes: number;
  tls: TlsOptions | undefined;
  /** The whole `User-Agent` header value, e.g. `okta-m2m/0.1.0 node/20.20.2 users-service/1.2`. */
  userAgent: string;
  /** The caller's dispatcher, or `undefined` for the library's own keep-alive Agent. */
  dispatcher: Dispatcher | undefined;
}

/**
 * What the token provider is configured with, every default applied (a part of {@link ResolvedConfig}).
 * @example
 * const settings: TokenSettings = tokenSettings(resolveConfig(options));
 */
export interface TokenSettings {
  /** The token endpoint URL, e.g. `https://acme.okta.com/oauth2/v1/token`. */
  tokenEndpoint: URL;
  clientId: string;
  /** The client assertion's `aud`. */
  audience: string;
  /** Scopes used when `getToken()`/`authorize()` are called without scopes. */
  scopes: readonly string[];
  /** Client assertion lifetime (s), 1..3300. */
  assertionLifetimeSeconds: number;
  /** `'auto'`, `true` or `false`. */
  dpop: 'auto' | boolean;
  /** Refresh when this close to expiry (s), or at 80% of the lifetime if earlier. */
  refreshAheadSeconds: number;
  /** The refresh timer skips scope sets unused for this long (s). */
  refreshIdleSeconds: number;
  /** Throw ScopesNotGrantedError when the server grants fewer scopes than requested. */
  requireAllScopes: boolean;
  /** The store shared between processes; `undefined`: an in-process `MemoryTokenStore` on the provider's clock. */
  tokenStore: TokenStore | undefined;
}

/**
 * Options after validation, every default applied. Holds key material (`privateKey`, `dpop.key`, `transport.tls.key`):
 * print `describeConfig(config)` instead.
 * @example
 * const { tokenEndpoint, audience }: ResolvedConfig = resolveConfig(options);
 */
export interface ResolvedConfig {
  orgUrl: URL;
  clientId: string;
  privateKey: PrivateKeyInput | KeyFunction | undefined;
  privateKeyPath: string | undefined;
  keyId: string | undefined;
  scopes: readonly string[];
  tokenEndpoint: URL;
  audience: string;
  assertionLifetimeSeconds: number;
  dpop: {
    mode: 'auto' | boolean;
    key: DpopKeyInput | undefined;
    keyPath: string | undefined;
    /** `undefined`: ES256 for a generated key, else the algorithm the key's type implies. */
    alg: DpopAlgorithm | undefined;
  };
  refreshAheadSeconds: number;
  refreshIdleSeconds: number;
  requireAllScopes: boolean;
  transport: ResolvedTransportOptions;
  allowInsecureKeyFile: boolean;
  logger: Logger | undefined;
  deps: Partial<Omit<Deps, 'logger'>>;
  /** `undefined`: the in-process store. */
  tokenStore: TokenStore | undefined;
}
