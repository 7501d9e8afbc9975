/**
 * Configuration: the documented defaults, and {@link resolveConfig}, which validates options and applies every
 * default once, here, into a {@link ResolvedConfig} that the token provider and the transport receive as is.
 * Validation runs one validator per section (org and endpoints, credentials, scopes, token timing, DPoP,
 * transport, logger, token store) and reports every problem of every section at once (design rule 4). `fromEnv`
 * lives in config-env.ts, the printable view in config-describe.ts, the value parsers in config-parse.ts.
 */
import { ConfigError, type ConfigProblem } from './errors.js';
import { DEFAULT_BREAKER_OPTIONS } from './http/circuit-breaker.js';
import { resolveRetryPolicy, retryPolicyProblems } from './http/retry-policy.js';
import { MAX_ASSERTION_LIFETIME_SECONDS } from './auth/client-assertion.js';
import { userAgent } from './http/user-agent.js';
import { parseDpop, parseHttpUrl } from './config-parse.js';
import type { TokenStore } from './auth/token-store.js';
import type {
  OktaClientOptions,
  ResolvedConfig,
  ResolvedTransportOptions,
  TokenSettings,
  TransportOptions,
} from './config-types.js';

export type {
  DpopOption,
  OktaClientOptions,
  ResolvedConfig,
  ResolvedTransportOptions,
  TlsOptions,
  TokenSettings,
  TransportOptions,
} from './config-types.js';

/**
 * The scopes the guide's service needs; the default of {@link OktaClientOptions.scopes}.
 * @example
 * createOktaClient({ ...options, scopes: [...DEFAULT_SCOPES] });
 */
export const DEFAULT_SCOPES: readonly string[] = Object.freeze(['okta.users.read', 'okta.users.manage']);

/**
 * Documented defaults of the client options.
 * @example
 * CONFIG_DEFAULTS.assertionLifetimeSeconds // 300
 */
export const CONFIG_DEFAULTS = Object.freeze({
  scopes: DEFAULT_SCOPES,
  assertionLifetimeSeconds: 300,
  dpop: 'auto' as const,
  refreshAheadSeconds: 300,
  refreshIdleSeconds: 900,
  requireAllScopes: false,
  allowInsecureKeyFile: false,
});

/**
 * Documented defaults of the transport options (the retry policy's and the breaker's are DEFAULT_RETRY_POLICY and
 * DEFAULT_BREAKER_OPTIONS).
 * @example
 * TRANSPORT_DEFAULTS.timeoutMs // 10000
 */
export const TRANSPORT_DEFAULTS = Object.freeze({
  timeoutMs: 10_000,
  deadlineMs: 30_000,
  connections: 32,
  keepAliveTimeoutMs: 30_000,
  maxResponseBytes: 10 * 1024 * 1024,
});

const KNOWN_OPTIONS = [
  'orgUrl',
  'clientId',
  'privateKey',
  'privateKeyPath',
  'keyId',
  'scopes',
  'tokenEndpoint',
  'audience',
  'assertionLifetimeSeconds',
  'dpop',
  'refreshAheadSeconds',
  'refreshIdleSeconds',
  'requireAllScopes',
  'transport',
  'allowInsecureKeyFile',
  'logger',
  'deps',
  'tokenStore',
] as const;

/** An option's name. */
export type OptionName = (typeof KNOWN_OPTIONS)[number];

/** Maps an option to the name used in problems (the option itself, or an environment variable). */
export type Naming = (option: OptionName) => string;

/** Where a section validator reports a problem: the option (named through the Naming) and the message. */
type Report = (option: OptionName, message: string, field?: string) => void;

/**
 * Validate options and apply every default. Throws one {@link ConfigError} listing every problem, each naming
 * the option and the fix.
 * @example
 * const config = resolveConfig({ orgUrl: 'acme.okta.com', clientId: '0oa1', privateKeyPath: './key.pem' });
 * config.tokenEndpoint.href // 'https://acme.okta.com/oauth2/v1/token'
 */
export function resolveConfig(options: OktaClientOptions): ResolvedConfig {
  const { config, problems } = validateOptions(options, (o) => o);
  if (problems.length > 0 || config === undefined) throw new ConfigError(problems);
  return config;
}

/**
 * Validate transport options alone and apply their defaults (for a transport built from `okta-m2m/core`).
 * @example
 * const transport = createTransport(resolveTransportOptions({ retry: false }), { ...defaultDeps(), metrics });
 */
export function resolveTransportOptions(options: TransportOptions = {}): ResolvedTransportOptions {
  const problems: ConfigProblem[] = [];
  const transport = transportSection(options, (_o, message, field) =>
    problems.push({ option: field === undefined ? 'transport' : `transport.${field}`, message }),
  );
  if (problems.length > 0 || transport === undefined) throw new ConfigError(problems);
  return transport;
}

/**
 * The token provider's part of a resolved configuration.
 * @example
 * const tokens = new TokenProvider({ ...tokenSettings(config), transport, signingKey, dpopProver });
 */
export function tokenSettings(config: ResolvedConfig): TokenSettings {
  return {
    tokenEndpoint: config.tokenEndpoint,
    clientId: config.clientId,
    audience: config.audience,
    scopes: config.scopes,
    assertionLifetimeSeconds: config.assertionLifetimeSeconds,
    dpop: config.dpop.mode,
    refreshAheadSeconds: config.refreshAheadSeconds,
    refreshIdleSeconds: config.refreshIdleSeconds,
    requireAllScopes: config.requireAllScopes,
    tokenStore: config.tokenStore,
  };
}

/**
 * Run every section validator over `input`; `name` says how problems name an option (fromEnv names variables).
 * Returns the resolved configuration when there is no problem.
 */
export function validateOptions(
  input: OktaClientOptions,
  name: Naming,
): { config?: ResolvedConfig; problems: ConfigProblem[] } {
  if (typeof input !== 'object' || input === null) {
    return { problems: [{ option: 'options', message: 'Pass an options object (or fromEnv()).' }] };
  }
  const problems: ConfigProblem[] = [];
  const report: Report = (option, message, field) =>
    void problems.push({ option: field === undefined ? name(option) : `${name(option)}.${field}`, message });
  for (const key of Object.keys(input)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) {
      const near = KNOWN_OPTIONS.find((k) => k.toLowerCase() === key.toLowerCase());
      problems.push({ option: key, message: `Unknown option.${near ? ` Did you mean ${near}?` : ''}` });
    }
  }
  const org = orgSection(input, report);
  const credentials = credentialsSection(input, name, report);
  const scopes = scopesSection(input, report);
  const timing = timingSection(input, report);
  const dpop = parseDpop(input.dpop, (m) => report('dpop', m));
  const transport = transportSection(input.transport ?? {}, report);
  loggerSection(input, report);
  const tokenStore = tokenStoreSection(input, report);
  if (
    problems.length > 0 ||
    org === undefined ||
    credentials === undefined ||
    scopes === undefined ||
    dpop === undefined ||
    transport === undefined
  ) {
    return { problems };
  }
  return {
    problems,
    config: {
      ...org,
      ...credentials,
      scopes,
      ...timing,
      dpop,
      transport,
      logger: input.logger,
      deps: input.deps ?? {},
      tokenStore,
    },
  };
}

/** orgUrl, tokenEndpoint and audience: the org, where tokens come from, and what the assertion is addressed to. */
function orgSection(
  input: OktaClientOptions,
  report: Report,
): Pick<ResolvedConfig, 'orgUrl' | 'tokenEndpoint' | 'audience'> | undefined {
  const orgUrl = parseHttpUrl(input.orgUrl, 'orgUrl', true, (m) => report('orgUrl', m));
  if (orgUrl !== undefined && orgUrl.pathname !== '/') {
    report(
      'orgUrl',
      `Give the org base URL without a path (got path "${orgUrl.pathname}"), e.g. https://acme.okta.com; for another authorization server set tokenEndpoint.`,
    );
  }
  let tokenEndpoint: URL | undefined;
  if (input.tokenEndpoint !== undefined) {
    tokenEndpoint = parseHttpUrl(input.tokenEndpoint, 'tokenEndpoint', false, (m) =>
      report('tokenEndpoint', m),
    );
  } else if (orgUrl !== undefined) {
    tokenEndpoint = new URL('/oauth2/v1/token', orgUrl);
  }
  let audience = tokenEndpoint?.href;
  if (input.audience !== undefined) {
    if (typeof input.audience !== 'string' || input.audience.trim() === '') {
      report('audience', 'Must be a non-empty string (the token endpoint URL); or leave it unset.');
    } else {
      audience = input.audience.trim();
      const isIssuer = orgUrl !== undefined && audience.replace(/\/+$/, '') === orgUrl.origin;
      if (isIssuer && input.tokenEndpoint === undefined) {
        report(
          'audience',
          `Okta refuses the issuer (${orgUrl.origin}) as the assertion audience; it must be the token endpoint URL ${tokenEndpoint?.href ?? ''}. Remove the setting to use the default.`,
        );
      }
    }
  }
  if (orgUrl === undefined || tokenEndpoint === undefined || audience === undefined) return undefined;
  return { orgUrl, tokenEndpoint, audience };
}

/** clientId and the client-authentication key: inline or from a file, and its kid. */
function credentialsSection(
  input: OktaClientOptions,
  name: Naming,
  report: Report,
): Pick<ResolvedConfig, 'clientId' | 'privateKey' | 'privateKeyPath' | 'keyId'> | undefined {
  const clientIdOk = typeof input.clientId === 'string' && input.clientId.trim() !== '';
  if (!clientIdOk) {
    report(
      'clientId',
      "Required: the service app's client ID (Applications → your app → General → Client ID).",
    );
  } else if (/\s/.test(input.clientId)) {
    report('clientId', 'Must not contain whitespace.');
  }
  const hasKey = input.privateKey !== undefined && input.privateKey !== '';
  const hasPath = input.privateKeyPath !== undefined && input.privateKeyPath !== '';
  if (hasKey && hasPath)
    report('privateKey', `Give privateKey or privateKeyPath (${name('privateKeyPath')}), not both.`);
  if (!hasKey && !hasPath) {
    report(
      'privateKey',
      `Required: the private key (PEM or JWK), or set privateKeyPath (${name('privateKeyPath')}) to a key file.`,
    );
  }
  if (
    hasKey &&
    typeof input.privateKey !== 'string' &&
    typeof input.privateKey !== 'object' &&
    typeof input.privateKey !== 'function'
  ) {
    report('privateKey', 'Must be PEM text, a private JWK object, a KeyObject, or a function returning one.');
  }
  if (hasPath && typeof input.privateKeyPath !== 'string') report('privateKeyPath', 'Must be a file path.');
  if (input.keyId !== undefined && (typeof input.keyId !== 'string' || input.keyId.trim() === '')) {
    report('keyId', 'Must be the non-empty kid of the public key registered on the app.');
  }
  if (!clientIdOk) return undefined;
  return {
    clientId: input.clientId.trim(),
    privateKey: hasKey ? input.privateKey : undefined,
    privateKeyPath: hasPath ? input.privateKeyPath : undefined,
    keyId: input.keyId?.trim(),
  };
}

/** The scopes to request: a non-empty list of names that client credentials may ask for. */
function scopesSection(input: OktaClientOptions, report: Report): readonly string[] | undefined {
  const scopes = input.scopes ?? CONFIG_DEFAULTS.scopes;
  if (!Array.isArray(scopes) || scopes.length === 0) {
    report('scopes', "Request at least one scope, e.g. ['okta.users.read'].");
    return undefined;
  }
  for (const s of scopes as unknown[]) {
    if (typeof s !== 'string' || s.trim() === '' || /\s/.test(s))
      report('scopes', `${JSON.stringify(s)} is not a scope name (one scope per entry, no spaces).`);
    else if (s === 'openid') report('scopes', 'Client credentials cannot request openid; remove it.');
    else if (s.endsWith('.self'))
      report('scopes', `Client credentials cannot request .self scopes; remove ${s}.`);
  }
  return Object.freeze([...(scopes as string[])]);
}

/** Assertion lifetime, refresh-ahead window, and the two flags. */
function timingSection(
  input: OktaClientOptions,
  report: Report,
): Pick<
  ResolvedConfig,
  | 'assertionLifetimeSeconds'
  | 'refreshAheadSeconds'
  | 'refreshIdleSeconds'
  | 'requireAllScopes'
  | 'allowInsecureKeyFile'
> {
  const d = CONFIG_DEFAULTS;
  const lifetime = input.assertionLifetimeSeconds ?? d.assertionLifetimeSeconds;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ASSERTION_LIFETIME_SECONDS) {
    report(
      'assertionLifetimeSeconds',
      `Must be a whole number of seconds from 1 to ${MAX_ASSERTION_LIFETIME_SECONDS} (Okta refuses exp more than an hour ahead of its clock; the cap leaves 5 minutes for a fast host clock). Default ${d.assertionLifetimeSeconds}.`,
    );
  }
  const refreshAhead = input.refreshAheadSeconds ?? d.refreshAheadSeconds;
  if (
    typeof refreshAhead !== 'number' ||
    !Number.isFinite(refreshAhead) ||
    refreshAhead < 0 ||
    refreshAhead > 3600
  ) {
    report(
      'refreshAheadSeconds',
      `Must be a number of seconds from 0 to 3600. Default ${d.refreshAheadSeconds}.`,
    );
  }
  const refreshIdle = input.refreshIdleSeconds ?? d.refreshIdleSeconds;
  if (typeof refreshIdle !== 'number' || !Number.isFinite(refreshIdle) || refreshIdle < 0) {
    report('refreshIdleSeconds', `Must be a number of seconds >= 0. Default ${d.refreshIdleSeconds}.`);
  }
  for (const flag of ['requireAllScopes', 'allowInsecureKeyFile'] as const) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean') report(flag, 'Must be true or false.');
  }
  return {
    assertionLifetimeSeconds: lifetime,
    refreshAheadSeconds: refreshAhead,
    refreshIdleSeconds: refreshIdle,
    requireAllScopes: input.requireAllScopes ?? d.requireAllScopes,
    allowInsecureKeyFile: input.allowInsecureKeyFile ?? d.allowInsecureKeyFile,
  };
}

/** Timeouts, sizes, retry policy, breaker, TLS, User-Agent and dispatcher. */
function transportSection(transport: TransportOptions, report: Report): ResolvedTransportOptions | undefined {
  if (typeof transport !== 'object' || transport === null) {
    report('transport', 'Must be an object of transport options.');
    return undefined;
  }
  const d = TRANSPORT_DEFAULTS;
  let valid = true;
  const problem = (field: string, message: string): void => {
    valid = false;
    report('transport', message, field);
  };
  const numbers = [
    'timeoutMs',
    'deadlineMs',
    'connections',
    'keepAliveTimeoutMs',
    'maxResponseBytes',
  ] as const;
  for (const field of numbers) {
    const v = transport[field];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0))
      problem(field, 'Must be a positive number.');
  }
  const retry = resolveRetryPolicy(transport.retry);
  if (transport.retry !== undefined && transport.retry !== false) {
    for (const m of retryPolicyProblems(retry)) problem('retry', m);
  }
  const extra = transport.userAgent;
  if (extra !== undefined && (typeof extra !== 'string' || /[\r\n]/.test(extra)))
    problem('userAgent', 'Must be a product token such as "users-service/1.2", on one line.');
  const dispatcher = transport.dispatcher;
  if (dispatcher !== undefined) {
    if (typeof (dispatcher as { dispatch?: unknown } | null)?.dispatch !== 'function') {
      problem('dispatcher', 'Must be an undici Dispatcher (Agent, ProxyAgent, MockAgent...).');
    }
    for (const field of ['tls', 'connections', 'keepAliveTimeoutMs'] as const) {
      if (transport[field] !== undefined)
        problem(field, `Set it on the dispatcher you pass (transport.dispatcher), not here.`);
    }
  }
  if (!valid) return undefined;
  return {
    timeoutMs: transport.timeoutMs ?? d.timeoutMs,
    deadlineMs: transport.deadlineMs ?? d.deadlineMs,
    retry,
    breaker: transport.breaker === false ? false : { ...DEFAULT_BREAKER_OPTIONS, ...transport.breaker },
    connections: transport.connections ?? d.connections,
    keepAliveTimeoutMs: transport.keepAliveTimeoutMs ?? d.keepAliveTimeoutMs,
    maxResponseBytes: transport.maxResponseBytes ?? d.maxResponseBytes,
    tls: transport.tls,
    userAgent: userAgent(extra),
    dispatcher,
  };
}

/** A logger must be pino-compatible: debug, info, warn and error. */
function loggerSection(input: OktaClientOptions, report: Report): void {
  if (input.logger === undefined) return;
  const l = input.logger as unknown as Record<string, unknown>;
  if (!['debug', 'info', 'warn', 'error'].every((m) => typeof l[m] === 'function')) {
    report('logger', 'Must have debug, info, warn and error methods (pino-compatible).');
  }
}

/** A token store shared between processes must implement the TokenStore contract; `undefined`: in-process. */
function tokenStoreSection(input: OktaClientOptions, report: Report): TokenStore | undefined {
  const store = input.tokenStore;
  if (store === undefined) return undefined;
  const methods = ['get', 'set', 'lease', 'waitForToken'] as const;
  const missing = methods.filter(
    (m) => typeof (store as unknown as Record<string, unknown> | null)?.[m] !== 'function',
  );
  if (missing.length > 0) {
    report(
      'tokenStore',
      `Must implement TokenStore (get, set, lease, waitForToken); missing ${missing.join(', ')}. Pass e.g. new RedisTokenStore(...) from okta-m2m-redis, or leave it unset for the in-process store.`,
    );
  }
  return store;
}
