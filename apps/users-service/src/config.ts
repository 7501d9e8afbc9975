/**
 * The service's configuration from the environment: the guide's `OKTA_*` variables (read by the library's
 * `fromEnv`) plus the service's own (`PORT`, `HOST`, `API_KEYS`, `LOG_LEVEL`, `SHUTDOWN_TIMEOUT_MS`, and
 * `REDIS_URL` with `TOKEN_STORE_KEY` for a fleet that shares its token). Every problem of both halves is collected
 * and reported at once, each naming the variable and the fix; no problem ever repeats a secret's value.
 */
import { ConfigError, fromEnv, type OktaClientOptions } from 'okta-m2m';
import { EncryptionKeyError, parseEncryptionKey } from 'okta-m2m-redis';
import { parseApiKeys, type ApiKey } from './api-keys.js';

/** Log levels pino knows. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino log level. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The service's own variables with their defaults, as the README's table lists them.
 * @example
 * SERVICE_ENV.PORT.default // '3000'
 */
export const SERVICE_ENV = Object.freeze({
  PORT: { default: '3000', description: 'TCP port to listen on (0: any free port).' },
  HOST: {
    default: '127.0.0.1',
    description:
      'Interface to bind; 0.0.0.0 to accept connections from other machines (e.g. in a container).',
  },
  API_KEYS: {
    default: '',
    description:
      'Callers allowed in: comma-separated name:scope:sha256hex entries, scope users:read or users:write. Required with OKTA_DOMAIN; generated in the demo.',
  },
  LOG_LEVEL: { default: 'info', description: `One of ${LOG_LEVELS.join(', ')}.` },
  SHUTDOWN_TIMEOUT_MS: {
    default: '10000',
    description: 'On SIGTERM, how long in-flight requests may take to finish before connections are cut.',
  },
  REDIS_URL: {
    default: '',
    description:
      'redis:// or rediss:// URL of a Redis shared by every replica: the fleet then fetches one token per lifetime. Unset: tokens are per process.',
  },
  TOKEN_STORE_KEY: {
    default: '',
    description:
      'Required with REDIS_URL: 32 bytes (base64 or 64 hex characters) sealing tokens in Redis, the same on every replica; `openssl rand -base64 32`.',
  },
});

/**
 * Where the Okta client keeps its tokens when the fleet shares them: a Redis URL and the AES-256 key that seals
 * them at rest. Holds a secret (and the URL may hold a password): never logged.
 * @example
 * const store: SharedTokenStoreConfig = { redisUrl: 'redis://127.0.0.1:6379', encryptionKey: randomBytes(32) };
 */
export interface SharedTokenStoreConfig {
  redisUrl: string;
  encryptionKey: Buffer;
}

/**
 * Everything the service needs to start.
 * @example
 * const config: ServiceConfig = loadServiceConfig(process.env);
 */
export interface ServiceConfig {
  port: number;
  host: string;
  apiKeys: ApiKey[];
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  okta: OktaClientOptions;
  /** Set when `REDIS_URL` is: the shared token store; `undefined`: tokens stay in this process. */
  tokenStore: SharedTokenStoreConfig | undefined;
}

/** One configuration problem: the variable and what to do. */
export interface ServiceConfigProblem {
  variable: string;
  message: string;
}

/**
 * Invalid configuration: every problem found, service and Okta variables together.
 * @example
 * catch (e) { if (e instanceof ServiceConfigError) for (const p of e.problems) console.error(p.variable, p.message) }
 */
export class ServiceConfigError extends Error {
  readonly problems: readonly ServiceConfigProblem[];

  constructor(problems: readonly ServiceConfigProblem[]) {
    super(
      `Invalid users-service configuration:\n${problems.map((p) => `  - ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ServiceConfigError';
    this.problems = problems;
  }
}

/**
 * Read and validate the configuration. Throws {@link ServiceConfigError} listing every problem.
 * @example
 * const config = loadServiceConfig({ OKTA_DOMAIN: 'acme.okta.com', OKTA_CLIENT_ID: '0oa1', ... });
 */
export function loadServiceConfig(env: Readonly<Record<string, string | undefined>>): ServiceConfig {
  const problems: ServiceConfigProblem[] = [];
  const get = (name: keyof typeof SERVICE_ENV): string => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? SERVICE_ENV[name].default : value;
  };

  const port = integer(get('PORT'), 0, 65_535);
  if (port === undefined)
    problems.push({ variable: 'PORT', message: 'Must be a port number from 0 to 65535.' });
  const host = get('HOST');
  if (/\s|\/|^$/.test(host))
    problems.push({
      variable: 'HOST',
      message: 'Must be an interface address such as 127.0.0.1 or 0.0.0.0.',
    });

  const { keys: apiKeys, problems: keyProblems } = parseApiKeys(get('API_KEYS'));
  for (const message of keyProblems) problems.push({ variable: 'API_KEYS', message });
  if (keyProblems.length === 0 && apiKeys.length === 0) {
    problems.push({
      variable: 'API_KEYS',
      message:
        'Required: at least one caller key, e.g. API_KEYS=reporting:users:read:<sha256 hex>. ' +
        'Make one with `npm run api-key -w users-service -- reporting users:read`.',
    });
  }

  const level = get('LOG_LEVEL').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level))
    problems.push({
      variable: 'LOG_LEVEL',
      message: `Must be one of ${LOG_LEVELS.join(', ')}; got "${level}".`,
    });

  const shutdownTimeoutMs = integer(get('SHUTDOWN_TIMEOUT_MS'), 0, 600_000);
  if (shutdownTimeoutMs === undefined)
    problems.push({ variable: 'SHUTDOWN_TIMEOUT_MS', message: 'Must be milliseconds from 0 to 600000.' });

  const tokenStore = sharedTokenStore(
    env['REDIS_URL']?.trim() ?? '',
    env['TOKEN_STORE_KEY']?.trim() ?? '',
    problems,
  );

  let okta: OktaClientOptions | undefined;
  try {
    okta = fromEnv(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const p of error.problems) problems.push({ variable: p.option, message: p.message });
  }

  if (problems.length > 0 || okta === undefined) throw new ServiceConfigError(problems);
  return {
    port: port as number,
    host,
    apiKeys,
    logLevel: level as LogLevel,
    shutdownTimeoutMs: shutdownTimeoutMs as number,
    okta,
    tokenStore,
  };
}

/** REDIS_URL and TOKEN_STORE_KEY: both or neither; problems never quote them (a password, a key). */
function sharedTokenStore(
  url: string,
  key: string,
  problems: ServiceConfigProblem[],
): SharedTokenStoreConfig | undefined {
  const generate = 'Generate one with `openssl rand -base64 32` and give every replica the same value.';
  if (url === '') {
    if (key !== '')
      problems.push({
        variable: 'TOKEN_STORE_KEY',
        message:
          'Set, but REDIS_URL is not: set REDIS_URL (e.g. redis://127.0.0.1:6379) to share tokens, or remove TOKEN_STORE_KEY.',
      });
    return undefined;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (
    parsed === undefined ||
    (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') ||
    !parsed.hostname
  ) {
    problems.push({
      variable: 'REDIS_URL',
      message:
        'Must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379 (a password goes in as redis://:password@host:6379).',
    });
  }
  let encryptionKey: Buffer | undefined;
  if (key === '') {
    problems.push({
      variable: 'TOKEN_STORE_KEY',
      message: `Required with REDIS_URL: the 32-byte key that seals tokens in Redis (AES-256-GCM). ${generate}`,
    });
  } else {
    try {
      encryptionKey = parseEncryptionKey(key);
    } catch (error) {
      if (!(error instanceof EncryptionKeyError)) throw error;
      problems.push({
        variable: 'TOKEN_STORE_KEY',
        message: `Must be 32 bytes as base64 (44 characters) or 64 hex characters; got ${key.length} characters. ${generate}`,
      });
    }
  }
  if (parsed === undefined || encryptionKey === undefined) return undefined;
  return { redisUrl: url, encryptionKey };
}

function integer(value: string, min: number, max: number): number | undefined {
  if (!/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
}
