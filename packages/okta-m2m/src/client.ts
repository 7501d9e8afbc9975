/**
 * `createOktaClient(options)`: validates the options, loads the key, and wires one transport, one token provider,
 * the Users API and one metrics instance. One client per process (per org and app); `close()` it on shutdown.
 */
import { createDpopProver } from './auth/dpop.js';
import { loadSigningKey, readPrivateKeyFile, type SigningKey } from './auth/keys.js';
import { TokenProvider } from './auth/token-provider.js';
import { resolveConfig, type OktaClientOptions, type ResolvedConfig } from './config.js';
import { defaultDeps } from './deps.js';
import { createTransport, type OktaTransport } from './http/transport.js';
import { createSafeLogger } from './observability/logger.js';
import { Metrics, type MetricsSnapshot } from './observability/metrics.js';
import { UsersApi } from './users/users-api.js';

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
  /** The token provider: `getToken(scopes?)`, and the `RequestAuthorizer` the APIs use. */
  readonly tokens: TokenProvider;
  /** The transport, for its rate-limit and breaker state. */
  readonly transport: OktaTransport;
  /** The validated configuration (no key material: only the key's source is kept). */
  readonly config: Readonly<
    Omit<ResolvedConfig, 'privateKey' | 'logger' | 'deps' | 'dpop' | 'tokenStore'> & {
      dpop: Omit<ResolvedConfig['dpop'], 'key'>;
    }
  >;
  /** The client-authentication key (serialises as `{ alg, kid }` only). */
  readonly signingKey: SigningKey;
  /** A copy of the counters: token fetches and latency, cache hits and misses, responses by class, retries. */
  metrics(): MetricsSnapshot;
  /** Stop background token refreshes and close connections. Later calls reject with ClosedError. */
  close(): Promise<void>;
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
  const signingKey = loadSigningKey({
    privateKey: config.privateKey,
    privateKeyPath: config.privateKeyPath,
    keyId: config.keyId,
    allowInsecureKeyFile: config.allowInsecureKeyFile,
  });
  const logger = createSafeLogger(config.logger);
  const deps = defaultDeps({ ...config.deps, logger });
  const metrics = new Metrics();
  const transport = createTransport(config.transport, {
    clock: deps.clock,
    sleep: deps.sleep,
    random: deps.random,
    metrics,
    logger,
  });
  // Read a DPoP key file now, so a missing or loose file fails at start like the client key does.
  const dpopKey =
    config.dpop.keyPath === undefined
      ? config.dpop.key
      : readPrivateKeyFile(
          config.dpop.keyPath,
          config.allowInsecureKeyFile,
          'dpop.keyPath (OKTA_DPOP_KEY_PATH)',
        );
  const tokens = new TokenProvider({
    transport,
    tokenEndpoint: config.tokenEndpoint,
    clientId: config.clientId,
    audience: config.audience,
    signingKey,
    scopes: config.scopes,
    assertionLifetimeSeconds: config.assertionLifetimeSeconds,
    dpop: config.dpop.mode,
    dpopProver:
      config.dpop.mode === false
        ? undefined
        : () =>
            createDpopProver({
              key: dpopKey,
              alg: config.dpop.alg,
              clientAuthThumbprint: signingKey.thumbprint,
              deps: { clock: deps.clock, uuid: deps.uuid },
            }),
    refreshAheadSeconds: config.refreshAheadSeconds,
    requireAllScopes: config.requireAllScopes,
    tokenStore: config.tokenStore,
    metrics,
    deps,
  });
  const users = new UsersApi({ transport, authorizer: tokens, orgUrl: config.orgUrl, clock: deps.clock });
  const {
    privateKey: _key,
    logger: _logger,
    deps: _deps,
    tokenStore: _tokenStore,
    dpop,
    transport: transportOptions,
    ...rest
  } = config;
  // The mutual-TLS client key is key material too: keep it out of `config` (and so out of JSON and inspect).
  const { key: _tlsKey, ...publicTls } = transportOptions.tls ?? {};
  const publicConfig = {
    ...rest,
    transport:
      transportOptions.tls === undefined ? transportOptions : { ...transportOptions, tls: publicTls },
    dpop: { mode: dpop.mode, keyPath: dpop.keyPath, alg: dpop.alg },
  };
  let closing: Promise<void> | undefined;
  return {
    users,
    tokens,
    transport,
    config: Object.freeze(publicConfig),
    signingKey,
    metrics: () => metrics.snapshot(),
    close: () => {
      closing ??= (async () => {
        tokens.close();
        await transport.close();
      })();
      return closing;
    },
  };
}
