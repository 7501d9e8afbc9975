/**
 * Client options, their documented defaults, and validation that reports every problem at once (design rule 4):
 * {@link resolveConfig} for options given in code, {@link fromEnv} for the guide's environment variables.
 */
import type { Deps, Logger } from './deps.js';
import { ConfigError, type ConfigProblem } from './errors.js';
import type { DpopAlgorithm, DpopKeyInput } from './auth/dpop.js';
import type { PrivateKeyInput } from './auth/keys.js';
import type { TokenStore } from './auth/token-store.js';
import type { TransportOptions } from './http/transport.js';
import { resolveRetryPolicy, retryPolicyProblems } from './http/retry-policy.js';

/**
 * The scopes the guide's service needs; the default of {@link OktaClientOptions.scopes}.
 * @example
 * createOktaClient({ ...options, scopes: [...DEFAULT_SCOPES] });
 */
export const DEFAULT_SCOPES: readonly string[] = Object.freeze(['okta.users.read', 'okta.users.manage']);

/**
 * Documented defaults.
 * @example
 * CONFIG_DEFAULTS.assertionLifetimeSeconds // 300
 */
export const CONFIG_DEFAULTS = Object.freeze({
  scopes: DEFAULT_SCOPES,
  assertionLifetimeSeconds: 300,
  dpop: 'auto' as const,
  refreshAheadSeconds: 300,
  requireAllScopes: false,
  allowInsecureKeyFile: false,
});

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
  /** The private key: PEM (PKCS#8, PKCS#1, SEC1), a private JWK (object or JSON text), or a KeyObject. */
  privateKey?: PrivateKeyInput | undefined;
  /** A file holding the private key (PEM or JWK JSON), mode 600. Give this or `privateKey`. */
  privateKeyPath?: string | undefined;
  /** The kid of the registered public key. Default: the JWK's kid, else the key's RFC 7638 thumbprint. */
  keyId?: string | undefined;
  /** Scopes to request. Default `['okta.users.read', 'okta.users.manage']` (the guide's two). */
  scopes?: readonly string[] | undefined;
  /** Token endpoint. Default `${orgUrl}/oauth2/v1/token` (the org authorization server). */
  tokenEndpoint?: string | undefined;
  /** Client assertion `aud`. Default: the token endpoint URL (Okta refuses the issuer). */
  audience?: string | undefined;
  /** Client assertion lifetime in seconds, 1..3600. Default 300. */
  assertionLifetimeSeconds?: number | undefined;
  /** DPoP mode or key. Default `'auto'`. */
  dpop?: DpopOption | undefined;
  /** Refresh a token this many seconds before expiry, or at 80% of its lifetime if earlier. Default 300. */
  refreshAheadSeconds?: number | undefined;
  /** Fail with ScopesNotGrantedError when fewer scopes are granted than requested. Default false (warn). */
  requireAllScopes?: boolean | undefined;
  /** Timeouts, retries, circuit breaker, TLS (private CA, mutual TLS), user agent. */
  transport?: TransportOptions | undefined;
  /** Accept a key file readable by group/others. Default false. */
  allowInsecureKeyFile?: boolean | undefined;
  /** A pino-compatible logger. Default: silent. Everything logged is redacted. */
  logger?: Logger | undefined;
  /** Replace side effects (clock, sleep, random, uuid), e.g. in tests. */
  deps?: Partial<Omit<Deps, 'logger'>> | undefined;
  /** Share tokens between processes, e.g. `RedisTokenStore` from okta-m2m-redis. Default: in-process only. */
  tokenStore?: TokenStore | undefined;
}

/**
 * Options after validation and defaults.
 * @example
 * const { tokenEndpoint, audience }: ResolvedConfig = resolveConfig(options);
 */
export interface ResolvedConfig {
  orgUrl: URL;
  clientId: string;
  privateKey: PrivateKeyInput | undefined;
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
    alg: DpopAlgorithm | undefined;
  };
  refreshAheadSeconds: number;
  requireAllScopes: boolean;
  transport: TransportOptions;
  allowInsecureKeyFile: boolean;
  logger: Logger | undefined;
  deps: Partial<Omit<Deps, 'logger'>>;
  tokenStore: TokenStore | undefined;
}

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
  'requireAllScopes',
  'transport',
  'allowInsecureKeyFile',
  'logger',
  'deps',
  'tokenStore',
] as const;

type OptionName = (typeof KNOWN_OPTIONS)[number];

/** Maps an option to the name used in problems (the option itself, or an environment variable). */
type Naming = (option: OptionName) => string;

/**
 * Validate options and apply defaults. Throws one {@link ConfigError} listing every problem, each naming the
 * option and the fix.
 * @example
 * const config = resolveConfig({ orgUrl: 'acme.okta.com', clientId: '0oa1', privateKeyPath: './key.pem' });
 * config.tokenEndpoint.href // 'https://acme.okta.com/oauth2/v1/token'
 */
export function resolveConfig(options: OktaClientOptions): ResolvedConfig {
  const { config, problems } = check(options, (o) => o);
  if (problems.length > 0 || config === undefined) throw new ConfigError(problems);
  return config;
}

function check(
  input: OktaClientOptions,
  name: Naming,
): { config?: ResolvedConfig; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const problem = (option: OptionName, message: string): void =>
    void problems.push({ option: name(option), message });
  if (typeof input !== 'object' || input === null) {
    return { problems: [{ option: 'options', message: 'Pass an options object (or fromEnv()).' }] };
  }
  for (const key of Object.keys(input)) {
    if (!(KNOWN_OPTIONS as readonly string[]).includes(key)) {
      const near = KNOWN_OPTIONS.find((k) => k.toLowerCase() === key.toLowerCase());
      problems.push({ option: key, message: `Unknown option.${near ? ` Did you mean ${near}?` : ''}` });
    }
  }

  const orgUrl = parseHttpUrl(input.orgUrl, 'orgUrl', true, (m) => problem('orgUrl', m));
  if (orgUrl !== undefined && orgUrl.pathname !== '/') {
    problem(
      'orgUrl',
      `Give the org base URL without a path (got path "${orgUrl.pathname}"), e.g. https://acme.okta.com; for another authorization server set tokenEndpoint.`,
    );
  }

  if (typeof input.clientId !== 'string' || input.clientId.trim() === '') {
    problem(
      'clientId',
      "Required: the service app's client ID (Applications → your app → General → Client ID).",
    );
  } else if (/\s/.test(input.clientId)) {
    problem('clientId', 'Must not contain whitespace.');
  }

  const hasKey = input.privateKey !== undefined && input.privateKey !== '';
  const hasPath = input.privateKeyPath !== undefined && input.privateKeyPath !== '';
  if (hasKey && hasPath)
    problem('privateKey', `Give privateKey or privateKeyPath (${name('privateKeyPath')}), not both.`);
  if (!hasKey && !hasPath) {
    problem(
      'privateKey',
      `Required: the private key (PEM or JWK), or set privateKeyPath (${name('privateKeyPath')}) to a key file.`,
    );
  }
  if (hasKey && typeof input.privateKey !== 'string' && typeof input.privateKey !== 'object') {
    problem('privateKey', 'Must be PEM text, a private JWK object, or a KeyObject.');
  }
  if (hasPath && typeof input.privateKeyPath !== 'string') problem('privateKeyPath', 'Must be a file path.');
  if (input.keyId !== undefined && (typeof input.keyId !== 'string' || input.keyId.trim() === '')) {
    problem('keyId', 'Must be the non-empty kid of the public key registered on the app.');
  }

  const scopes = input.scopes ?? DEFAULT_SCOPES;
  if (!Array.isArray(scopes) || scopes.length === 0) {
    problem('scopes', "Request at least one scope, e.g. ['okta.users.read'].");
  } else {
    for (const s of scopes as unknown[]) {
      if (typeof s !== 'string' || s.trim() === '' || /\s/.test(s))
        problem('scopes', `${JSON.stringify(s)} is not a scope name (one scope per entry, no spaces).`);
      else if (s === 'openid') problem('scopes', 'Client credentials cannot request openid; remove it.');
      else if (s.endsWith('.self'))
        problem('scopes', `Client credentials cannot request .self scopes; remove ${s}.`);
    }
  }

  let tokenEndpoint: URL | undefined;
  if (input.tokenEndpoint !== undefined) {
    tokenEndpoint = parseHttpUrl(input.tokenEndpoint, 'tokenEndpoint', false, (m) =>
      problem('tokenEndpoint', m),
    );
  } else if (orgUrl !== undefined) {
    tokenEndpoint = new URL('/oauth2/v1/token', orgUrl);
  }

  let audience = tokenEndpoint?.href;
  if (input.audience !== undefined) {
    if (typeof input.audience !== 'string' || input.audience.trim() === '') {
      problem('audience', 'Must be a non-empty string (the token endpoint URL); or leave it unset.');
    } else {
      audience = input.audience.trim();
      const isIssuer = orgUrl !== undefined && audience.replace(/\/+$/, '') === orgUrl.origin;
      if (isIssuer && input.tokenEndpoint === undefined) {
        problem(
          'audience',
          `Okta refuses the issuer (${orgUrl.origin}) as the assertion audience; it must be the token endpoint URL ${tokenEndpoint?.href ?? ''}. Remove the setting to use the default.`,
        );
      }
    }
  }

  const lifetime = input.assertionLifetimeSeconds ?? CONFIG_DEFAULTS.assertionLifetimeSeconds;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > 3600) {
    problem(
      'assertionLifetimeSeconds',
      'Must be a whole number of seconds from 1 to 3600 (Okta refuses exp more than an hour ahead). Default 300.',
    );
  }

  const dpop = resolveDpop(input.dpop, (m) => problem('dpop', m));

  const refreshAhead = input.refreshAheadSeconds ?? CONFIG_DEFAULTS.refreshAheadSeconds;
  if (
    typeof refreshAhead !== 'number' ||
    !Number.isFinite(refreshAhead) ||
    refreshAhead < 0 ||
    refreshAhead > 3600
  ) {
    problem('refreshAheadSeconds', 'Must be a number of seconds from 0 to 3600. Default 300.');
  }
  for (const flag of ['requireAllScopes', 'allowInsecureKeyFile'] as const) {
    if (input[flag] !== undefined && typeof input[flag] !== 'boolean')
      problem(flag, 'Must be true or false.');
  }

  const transport = input.transport ?? {};
  if (typeof transport !== 'object' || transport === null) {
    problem('transport', 'Must be an object of transport options.');
  } else {
    for (const field of [
      'timeoutMs',
      'deadlineMs',
      'connections',
      'keepAliveTimeoutMs',
      'maxResponseBytes',
    ] as const) {
      const v = transport[field];
      if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v > 0)) {
        problems.push({ option: `${name('transport')}.${field}`, message: 'Must be a positive number.' });
      }
    }
    if (transport.retry !== undefined && transport.retry !== false) {
      for (const m of retryPolicyProblems(resolveRetryPolicy(transport.retry))) {
        problems.push({ option: `${name('transport')}.retry`, message: m });
      }
    }
  }

  if (input.tokenStore !== undefined) {
    const t = input.tokenStore as unknown as Record<string, unknown>;
    if (['get', 'set', 'lease', 'waitForToken'].some((m) => typeof t?.[m] !== 'function')) {
      problem('tokenStore', 'Must implement TokenStore: get, set, lease and waitForToken.');
    }
  }
  if (input.logger !== undefined) {
    const l = input.logger as unknown as Record<string, unknown>;
    if (!['debug', 'info', 'warn', 'error'].every((m) => typeof l[m] === 'function')) {
      problem('logger', 'Must have debug, info, warn and error methods (pino-compatible).');
    }
  }

  if (
    problems.length > 0 ||
    orgUrl === undefined ||
    tokenEndpoint === undefined ||
    audience === undefined ||
    dpop === undefined
  ) {
    return { problems };
  }
  return {
    problems,
    config: {
      orgUrl,
      clientId: input.clientId.trim(),
      privateKey: hasKey ? input.privateKey : undefined,
      privateKeyPath: hasPath ? input.privateKeyPath : undefined,
      keyId: input.keyId?.trim(),
      scopes: Object.freeze([...scopes]),
      tokenEndpoint,
      audience,
      assertionLifetimeSeconds: lifetime,
      dpop,
      refreshAheadSeconds: refreshAhead,
      requireAllScopes: input.requireAllScopes ?? CONFIG_DEFAULTS.requireAllScopes,
      transport,
      allowInsecureKeyFile: input.allowInsecureKeyFile ?? CONFIG_DEFAULTS.allowInsecureKeyFile,
      logger: input.logger,
      tokenStore: input.tokenStore,
      deps: input.deps ?? {},
    },
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Parse an http(s) URL; a bare host means https. Reports problems through `report`. */
function parseHttpUrl(
  value: unknown,
  label: string,
  allowBareHost: boolean,
  report: (m: string) => void,
): URL | undefined {
  if (typeof value !== 'string' || value.trim() === '') {
    report(
      label === 'orgUrl' ? 'Required: your Okta org URL, e.g. https://acme.okta.com.' : 'Must be a URL.',
    );
    return undefined;
  }
  let text = value.trim();
  if (allowBareHost && !/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    report(`"${value}" is not a valid URL, e.g. https://acme.okta.com.`);
    return undefined;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    report(
      `Must use https (http is only allowed for loopback hosts 127.0.0.1, localhost, ::1); got ${url.protocol}//${url.host}.`,
    );
    return undefined;
  }
  if (url.username !== '' || url.password !== '') {
    report('Must not contain credentials.');
    return undefined;
  }
  if (url.search !== '' || url.hash !== '') {
    report('Must not contain a query string or fragment.');
    return undefined;
  }
  if (allowBareHost) {
    // Normalise: drop trailing slashes so paths join without "//" (Okta compares DPoP htu exactly).
    url.pathname = url.pathname.replace(/\/+$/, '') || '/';
  }
  return url;
}

function resolveDpop(value: unknown, report: (m: string) => void): ResolvedConfig['dpop'] | undefined {
  const none = { key: undefined, keyPath: undefined, alg: undefined };
  if (value === undefined || value === 'auto') return { mode: 'auto', ...none };
  if (value === true || value === false) return { mode: value, ...none };
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { key, keyPath, alg } = value as { key?: unknown; keyPath?: unknown; alg?: unknown };
    const extra = Object.keys(value).filter((k) => k !== 'key' && k !== 'keyPath' && k !== 'alg');
    if (extra.length > 0) report(`Unknown dpop field(s): ${extra.join(', ')}. Use { key or keyPath, alg }.`);
    if (
      alg !== undefined &&
      !['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512'].includes(alg as string)
    ) {
      report('dpop.alg must be one of ES256, ES384, ES512, RS256, RS384, RS512.');
    }
    if (key !== undefined && typeof key !== 'string' && typeof key !== 'object') {
      report('dpop.key must be PEM text, a private JWK or a KeyObject.');
    }
    if (keyPath !== undefined && (typeof keyPath !== 'string' || keyPath.trim() === '')) {
      report('dpop.keyPath must be the path of a file holding the DPoP private key (OKTA_DPOP_KEY_PATH).');
    }
    if (key !== undefined && keyPath !== undefined) report('Give dpop.key or dpop.keyPath, not both.');
    return {
      mode: true,
      key: key as DpopKeyInput | undefined,
      keyPath: keyPath as string | undefined,
      alg: alg as DpopAlgorithm | undefined,
    };
  }
  report("Must be 'auto' (default), true, false, or { key or keyPath, alg }.");
  return undefined;
}

/**
 * Environment variables read by {@link fromEnv}, by option.
 * @example
 * ENV_VARIABLES.clientId // 'OKTA_CLIENT_ID'
 */
export const ENV_VARIABLES = Object.freeze({
  orgUrl: 'OKTA_DOMAIN',
  clientId: 'OKTA_CLIENT_ID',
  scopes: 'OKTA_SCOPES',
  audience: 'OKTA_AUDIENCE',
  keyId: 'OKTA_KEY_ID',
  privateKeyPath: 'OKTA_PRIVATE_KEY_PATH',
  privateKey: 'OKTA_PRIVATE_KEY',
  tokenEndpoint: 'OKTA_TOKEN_ENDPOINT',
  dpop: 'OKTA_DPOP',
  dpopKeyPath: 'OKTA_DPOP_KEY_PATH',
  allowInsecureKeyFile: 'OKTA_ALLOW_INSECURE_KEY_FILE',
} as const);

/**
 * Read options from the guide's environment variables: `OKTA_DOMAIN` (host or URL), `OKTA_CLIENT_ID`,
 * `OKTA_SCOPES` (space or comma separated), `OKTA_AUDIENCE`, `OKTA_KEY_ID`, `OKTA_PRIVATE_KEY_PATH`,
 * `OKTA_PRIVATE_KEY` (the key itself, PEM or JWK JSON, for secret managers that inject it; `\n` escapes are
 * accepted), `OKTA_TOKEN_ENDPOINT`, `OKTA_DPOP` (auto|true|false), `OKTA_DPOP_KEY_PATH` (a DPoP key file; implies DPoP),
 * `OKTA_ALLOW_INSECURE_KEY_FILE` (true|false).
 * Throws one {@link ConfigError} whose problems name the variables. `overrides` are merged over what was read.
 * @example
 * const client = createOktaClient(fromEnv(process.env, { logger }));
 */
export function fromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
  overrides: Partial<OktaClientOptions> = {},
): OktaClientOptions {
  const get = (v: string): string | undefined => {
    const value = env[v]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const envProblems: ConfigProblem[] = [];
  const options: Record<string, unknown> = {};
  const set = (key: keyof OktaClientOptions, value: unknown): void => {
    if (value !== undefined) options[key] = value;
  };
  set('orgUrl', get(ENV_VARIABLES.orgUrl) ?? '');
  set('clientId', get(ENV_VARIABLES.clientId) ?? '');
  set(
    'scopes',
    get(ENV_VARIABLES.scopes)
      ?.split(/[\s,]+/)
      .filter(Boolean),
  );
  set('audience', get(ENV_VARIABLES.audience));
  set('keyId', get(ENV_VARIABLES.keyId));
  set('privateKeyPath', get(ENV_VARIABLES.privateKeyPath));
  const key = get(ENV_VARIABLES.privateKey);
  set(
    'privateKey',
    key !== undefined && key.includes('-----BEGIN') && !key.includes('\n') ? key.replace(/\\n/g, '\n') : key,
  );
  set('tokenEndpoint', get(ENV_VARIABLES.tokenEndpoint));
  for (const [variable, option, accepts] of [
    [ENV_VARIABLES.dpop, 'dpop', ['auto', 'true', 'false']],
    [ENV_VARIABLES.allowInsecureKeyFile, 'allowInsecureKeyFile', ['true', 'false']],
  ] as const) {
    const raw = get(variable)?.toLowerCase();
    if (raw === undefined) continue;
    if (!(accepts as readonly string[]).includes(raw)) {
      envProblems.push({
        option: variable,
        message: `Must be ${accepts.join(', ').replace(/, ([^,]*)$/, ' or $1')}; got "${raw}".`,
      });
    } else {
      set(option, raw === 'auto' ? 'auto' : raw === 'true');
    }
  }
  const dpopKeyPath = get(ENV_VARIABLES.dpopKeyPath);
  if (dpopKeyPath !== undefined) {
    if (options['dpop'] === false) {
      envProblems.push({
        option: ENV_VARIABLES.dpopKeyPath,
        message: `A DPoP key was given but ${ENV_VARIABLES.dpop} is false; unset one of them.`,
      });
    } else {
      options['dpop'] = { keyPath: dpopKeyPath };
    }
  }
  const merged = { ...options, ...overrides } as OktaClientOptions;
  const naming: Naming = (o) => (o in overrides ? o : ((ENV_VARIABLES as Record<string, string>)[o] ?? o));
  const { problems } = check(merged, naming);
  const all = [...envProblems, ...problems];
  if (all.length > 0) throw new ConfigError(all);
  return merged;
}
