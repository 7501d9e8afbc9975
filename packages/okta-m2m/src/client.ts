/**
 * `createOktaClient(options)`: validates the options, loads the key, and wires one transport, one token provider,
 * the Users API and one metrics instance. One client per process (per org and app); `close()` it on shutdown.
 */
import { checkSeparateKey, createDpopProver, importDpopKey } from './auth/dpop.js';
import {
  fileKeySource,
  fixedKeySource,
  functionKeySource,
  type KeySourceContext,
  type KeyStatus,
  type SigningKeySource,
} from './auth/key-source.js';
import { loadSigningKey, readPrivateKeyFile, type SigningKey } from './auth/keys.js';
import type { OktaAccessToken } from './auth/access-token.js';
import { ServerClock } from './auth/server-clock.js';
import { TokenProvider } from './auth/token-provider.js';
import { resolveConfig, tokenSettings, type OktaClientOptions, type ResolvedConfig } from './config.js';
import { describeConfig, type ConfigDescription } from './config-describe.js';
import { defaultDeps } from './deps.js';
import type { BreakerState } from './http/circuit-breaker.js';
import type { RateLimitInfo } from './http/rate-limit.js';
import type { RetryPolicy } from './http/retry-policy.js';
import { createTransport, type OktaTransport } from './http/transport.js';
import type { Circuit, CloseOptions } from './http/types.js';
import { createSafeLogger } from './observability/logger.js';
import { Metrics, type MetricsSnapshot } from './observability/metrics.js';
import { UsersApi } from './users/users-api.js';

/**
 * What a token is, without its value: type, expiry and scopes (what `JSON.stringify(token)` shows).
 * @example
 * const info: TokenInfo = await client.tokens.warmUp();
 * console.log(info.type, new Date(info.expiresAt).toISOString(), info.scopes);
 */
export interface TokenInfo {
  /** `Bearer`, or `DPoP` for a sender-constrained token. */
  readonly type: 'Bearer' | 'DPoP';
  /** When it expires (ms since epoch, client clock). */
  readonly expiresAt: number;
  /** When it was obtained (ms since epoch, client clock). */
  readonly obtainedAt: number;
  /** Scopes the server granted. */
  readonly scopes: readonly string[];
  /** Scopes that were asked for. */
  readonly requestedScopes: readonly string[];
  /** Requested scopes the server did not grant (empty when all were granted). */
  readonly missingScopes: readonly string[];
  /** RFC 7638 thumbprint of the DPoP key a DPoP token is bound to. */
  readonly jkt?: string | undefined;
}

/** Per-call options of the token methods. */
export interface TokenCallOptions {
  /** Stop waiting (the shared fetch goes on for other callers). */
  signal?: AbortSignal | undefined;
}

/**
 * The client's tokens: get one, see what it is, warm the cache up. Tokens are cached per scope set, refreshed
 * ahead of expiry and shared by concurrent callers; the API methods use them on their own.
 * @example
 * await client.tokens.warmUp();                       // fail at start, not on the first request
 * const token = await client.tokens.getToken(['okta.users.read']);
 * fetch(url, { headers: { authorization: `${token.type} ${token.value}` } }); // DPoP needs a proof too
 */
export interface OktaTokens {
  /** A valid access token for `scopes` (default: the configured ones), from the cache when possible. */
  getToken(scopes?: readonly string[], options?: TokenCallOptions): Promise<OktaAccessToken>;
  /** Fetch the token for `scopes` now (or find it cached) and describe it; throws what a fetch would throw. */
  warmUp(scopes?: readonly string[], options?: TokenCallOptions): Promise<TokenInfo>;
  /** Whether token requests carry DPoP proofs (always for `dpop: true`; after the server asks, for `'auto'`). */
  readonly dpopActive: boolean;
  /** The configured scopes (sorted, de-duplicated), used when none are given. */
  readonly scopes: readonly string[];
  /** The client key's state: its kid, whether it is usable, changes seen, the latest problem (no key material). */
  keyStatus(): KeyStatus;
  /**
   * Re-read the key file (or call the key function) now, forgetting keys Okta refused before, e.g. on SIGHUP
   * after a rotation. The next token request signs with the key; tokens already issued stay in use.
   */
  reloadKey(): Promise<KeyStatus>;
}

/**
 * What the transport has observed: the latest rate-limit headers and the circuit breaker's state.
 * @example
 * if (client.transport.rateLimit?.remaining === 0) console.warn('rate limit reached');
 */
export interface TransportStatus {
  /** The rate-limit headers of the latest response that carried them. */
  readonly rateLimit: RateLimitInfo | undefined;
  /** The management API circuit's breaker state (`closed` when the breakers are turned off). */
  readonly breakerState: BreakerState;
  /** Both breakers: `api` (management API calls) and `token` (the token endpoint). */
  readonly breakerStates: Readonly<Record<Circuit, BreakerState>>;
  /** The effective retry policy. */
  readonly retryPolicy: Readonly<RetryPolicy>;
}

/**
 * A configured Okta client.
 * @example
 * const client = createOktaClient(fromEnv());
 * const user = await client.users.get('00u1');
 * console.log(client.metrics().token.cache);
 * await client.close();
 */
export interface OktaClient {
  /** The Users API (get, list, updateName, updateProfile). */
  readonly users: UsersApi;
  /** The client's tokens: get one, inspect its type, expiry and scopes, warm up. */
  readonly tokens: OktaTokens;
  /** The transport's rate-limit and breaker state. */
  readonly transport: TransportStatus;
  /** The effective configuration, every default applied, as printable JSON with no key material. */
  readonly config: ConfigDescription;
  /**
   * The client-authentication key in use (serialises as `{ alg, kid }` only). It follows a key file or key
   * function as it changes; undefined while a key function has not answered yet.
   */
  readonly signingKey: SigningKey | undefined;
  /** A copy of the counters: token fetches and latency, cache hits and misses, responses by class, retries. */
  metrics(): MetricsSnapshot;
  /**
   * Stop background token refreshes and close connections; later calls reject with ClosedError. By default the
   * close is graceful: calls waiting to retry stop with ClosedError, and requests already on the wire finish (up
   * to their timeouts) before the connections close. `{ force: true }` aborts the requests in flight at once
   * (their callers get ClosedError) and destroys the sockets.
   */
  close(options?: CloseOptions): Promise<void>;
}

/**
 * Create a client. Throws {@link ConfigError} listing every configuration problem, or {@link KeyError} when the
 * key cannot be used. No network traffic happens until the first call.
 * @example
 * const client = createOktaClient({
 *   orgUrl: 'https://acme.okta.com',
 *   clientId: '0oa1...',
 *   keyId: 'kid-1',
 *   privateKeyPath: '/run/secrets/okta-key.pem',
 *   scopes: ['okta.users.read', 'okta.users.manage'],
 * });
 * for await (const user of client.users.list({ limit: 200 })) console.log(user.profile.login);
 */
export function createOktaClient(options: OktaClientOptions): OktaClient {
  const config = resolveConfig(options);
  const logger = createSafeLogger(config.logger);
  const deps = defaultDeps({ ...config.deps, logger });
  const metrics = new Metrics();
  // The server's clock as learnt from its Date header: assertions and DPoP proofs are signed on it.
  const serverClock = new ServerClock(deps.clock);
  const keys = keySourceFor(config, { logger, metrics });
  const transport = createTransport(config.transport, {
    clock: deps.clock,
    sleep: deps.sleep,
    random: deps.random,
    metrics,
    logger,
  });
  // Import and check a given DPoP key now (file, PEM, JWK or KeyObject; algorithm; not the client key), so a bad
  // key fails at start like the client key does. A generated key is made on first use.
  const dpopKey =
    config.dpop.mode === false
      ? undefined
      : config.dpop.keyPath !== undefined
        ? importDpopKey(
            readPrivateKeyFile(
              config.dpop.keyPath,
              config.allowInsecureKeyFile,
              'dpop.keyPath (OKTA_DPOP_KEY_PATH)',
            ),
            config.dpop.alg,
            `The DPoP key file ${config.dpop.keyPath}`,
          )
        : config.dpop.key !== undefined
          ? importDpopKey(config.dpop.key, config.dpop.alg, 'dpop.key')
          : undefined;
  if (dpopKey !== undefined && keys.key !== undefined)
    checkSeparateKey(dpopKey.thumbprint, keys.key.thumbprint);
  const tokens = new TokenProvider({
    ...tokenSettings(config),
    transport,
    signingKey: keys,
    dpopProver:
      config.dpop.mode === false
        ? undefined
        : () =>
            createDpopProver({
              loaded: dpopKey,
              alg: config.dpop.alg,
              clientAuthThumbprint: keys.key?.thumbprint,
              deps: { clock: serverClock.now, uuid: deps.uuid },
            }),
    serverClock,
    metrics,
    deps,
  });
  const users = new UsersApi({ transport, authorizer: tokens, orgUrl: config.orgUrl, clock: deps.clock });
  let closing: Promise<void> | undefined;
  const client: OktaClient = {
    users,
    tokens: tokensView(tokens),
    transport: transportStatus(transport),
    config: deepFreeze(describeConfig(config)),
    get signingKey() {
      return keys.key;
    },
    metrics: () => metrics.snapshot(),
    close: (options: CloseOptions = {}) => {
      tokens.close();
      if (options.force === true) return transport.close({ force: true });
      closing ??= transport.close();
      return closing;
    },
  };
  INTERNALS.set(client, { tokens, transport });
  return client;
}

/** The parts a client is built from, for the library's own tests (not exported by any entry point). */
export interface ClientInternals {
  readonly tokens: TokenProvider;
  readonly transport: OktaTransport;
}

const INTERNALS = new WeakMap<OktaClient, ClientInternals>();

/**
 * The token provider and transport behind a client made by {@link createOktaClient}. Internal: for tests.
 * @example
 * await clientInternals(client).tokens.settled();
 */
export function clientInternals(client: OktaClient): ClientInternals {
  const internals = INTERNALS.get(client);
  if (internals === undefined) throw new TypeError('Not a client made by createOktaClient.');
  return internals;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function tokensView(provider: TokenProvider): OktaTokens {
  return Object.freeze({
    getToken: (scopes?: readonly string[], options?: TokenCallOptions) => provider.getToken(scopes, options),
    warmUp: async (scopes?: readonly string[], options?: TokenCallOptions): Promise<TokenInfo> =>
      describeToken(await provider.getToken(scopes, options)),
    get dpopActive() {
      return provider.dpopActive;
    },
    get scopes() {
      return provider.scopes;
    },
    keyStatus: () => provider.keyStatus(),
    reloadKey: () => provider.reloadKey(),
  });
}

/** The client key: a file re-read when it changes, a function, or a fixed key. */
function keySourceFor(config: ResolvedConfig, context: KeySourceContext): SigningKeySource {
  if (config.privateKeyPath !== undefined) {
    return fileKeySource(
      {
        path: config.privateKeyPath,
        keyId: config.keyId,
        allowInsecureKeyFile: config.allowInsecureKeyFile,
      },
      context,
    );
  }
  if (typeof config.privateKey === 'function')
    return functionKeySource(config.privateKey, context, config.keyId);
  return fixedKeySource(loadSigningKey({ privateKey: config.privateKey, keyId: config.keyId }));
}

function describeToken(token: OktaAccessToken): TokenInfo {
  const { type, expiresAt, obtainedAt, scopes, requestedScopes, missingScopes, jkt } = token;
  return { type, expiresAt, obtainedAt, scopes, requestedScopes, missingScopes, jkt };
}

function transportStatus(transport: OktaTransport): TransportStatus {
  return Object.freeze({
    get rateLimit() {
      return transport.rateLimit;
    },
    get breakerState() {
      return transport.breakerState;
    },
    get breakerStates() {
      return transport.breakerStates;
    },
    get retryPolicy() {
      return transport.retryPolicy;
    },
  });
}
