/**
 * {@link describeConfig}: the effective configuration as plain JSON, safe to print (a `doctor` command, a startup
 * log line, `client.config`). Key material never appears: the client key, the DPoP key and the mutual-TLS key are
 * reported by where they come from, not what they are; functions (a logger, a `shouldRetry`, a dispatcher) by
 * whether they are set.
 */
import type { DpopAlgorithm } from './auth/dpop-key.js';
import type { ResolvedConfig, TlsOptions } from './config-types.js';
import type { CircuitBreakerOptions } from './http/circuit-breaker.js';
import type { RetryPolicy } from './http/retry-policy.js';

/** Where a key comes from: a file, or given inline (its value is never shown). */
export type KeySource = { file: string } | 'inline' | 'none';

/**
 * The effective configuration, JSON-safe and free of key material.
 * @example
 * console.log(JSON.stringify(describeConfig(resolveConfig(fromEnv())), null, 2));
 */
export interface ConfigDescription {
  orgUrl: string;
  clientId: string;
  /** The client-authentication key's source. */
  privateKey: KeySource;
  /** The kid given, or `from the key`: the JWK's own kid, else none (no `kid` header). */
  keyId: string;
  scopes: readonly string[];
  tokenEndpoint: string;
  audience: string;
  assertionLifetimeSeconds: number;
  dpop: {
    mode: 'auto' | boolean;
    /** The DPoP key's source; `none`: a key is generated in memory when DPoP is first needed. */
    key: KeySource;
    alg: DpopAlgorithm | 'from the key';
  };
  refreshAheadSeconds: number;
  refreshIdleSeconds: number;
  requireAllScopes: boolean;
  allowInsecureKeyFile: boolean;
  transport: {
    timeoutMs: number;
    deadlineMs: number;
    retry: Omit<RetryPolicy, 'shouldRetry'> & { shouldRetry: 'custom' | 'none' };
    breaker: false | CircuitBreakerOptions;
    connections: number;
    keepAliveTimeoutMs: number;
    maxResponseBytes: number;
    /** CA and client certificates as given (they are public); the mutual-TLS client key is left out. */
    tls: { ca?: string | string[]; cert?: string; rejectUnauthorized?: boolean } | null;
    userAgent: string;
    dispatcher: 'custom' | 'default';
  };
  logger: 'custom' | 'silent';
  /** The side effects replaced (e.g. `clock` in tests). */
  deps: string[];
}

/**
 * Describe a resolved configuration for printing: plain JSON, no key material.
 * @example
 * const config = resolveConfig(fromEnv());
 * process.stdout.write(`${JSON.stringify(describeConfig(config), null, 2)}\n`);
 */
export function describeConfig(config: ResolvedConfig): ConfigDescription {
  const t = config.transport;
  const { shouldRetry, ...retry } = t.retry;
  const tls = t.tls;
  return {
    orgUrl: config.orgUrl.href,
    clientId: config.clientId,
    privateKey: keySource(config.privateKeyPath, config.privateKey),
    keyId: config.keyId ?? 'from the key',
    scopes: [...config.scopes],
    tokenEndpoint: config.tokenEndpoint.href,
    audience: config.audience,
    assertionLifetimeSeconds: config.assertionLifetimeSeconds,
    dpop: {
      mode: config.dpop.mode,
      key: keySource(config.dpop.keyPath, config.dpop.key),
      alg: config.dpop.alg ?? 'from the key',
    },
    refreshAheadSeconds: config.refreshAheadSeconds,
    refreshIdleSeconds: config.refreshIdleSeconds,
    requireAllScopes: config.requireAllScopes,
    allowInsecureKeyFile: config.allowInsecureKeyFile,
    transport: {
      timeoutMs: t.timeoutMs,
      deadlineMs: t.deadlineMs,
      retry: {
        ...retry,
        retryOn: { ...retry.retryOn, statuses: [...retry.retryOn.statuses] },
        rateLimit: { ...retry.rateLimit },
        shouldRetry: shouldRetry === undefined ? 'none' : 'custom',
      },
      breaker: t.breaker === false ? false : { ...t.breaker },
      connections: t.connections,
      keepAliveTimeoutMs: t.keepAliveTimeoutMs,
      maxResponseBytes: t.maxResponseBytes,
      tls: tls === undefined ? null : publicTls(tls),
      userAgent: t.userAgent,
      dispatcher: t.dispatcher === undefined ? 'default' : 'custom',
    },
    logger: config.logger === undefined ? 'silent' : 'custom',
    deps: Object.keys(config.deps).sort(),
  };
}

function keySource(path: string | undefined, inline: unknown): KeySource {
  if (path !== undefined) return { file: path };
  return inline === undefined ? 'none' : 'inline';
}

function publicTls(tls: TlsOptions): NonNullable<ConfigDescription['transport']['tls']> {
  const out: NonNullable<ConfigDescription['transport']['tls']> = {};
  if (tls.ca !== undefined) out.ca = certificates(tls.ca);
  if (tls.cert !== undefined) out.cert = String(tls.cert);
  if (tls.rejectUnauthorized !== undefined) out.rejectUnauthorized = tls.rejectUnauthorized;
  return out;
}

function certificates(ca: string | Buffer | readonly (string | Buffer)[]): string | string[] {
  return typeof ca === 'string' || Buffer.isBuffer(ca) ? String(ca) : ca.map(String);
}
