/**
 * {@link fromEnv}: client options from the guide's environment variables ({@link ENV_VARIABLES}), validated by
 * the same section validators as {@link resolveConfig}, with problems named by variable.
 */
import { validateOptions, type Naming } from './config.js';
import type { OktaClientOptions } from './config-types.js';
import { ConfigError, type ConfigProblem } from './errors.js';

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
  const { problems } = validateOptions(merged, naming);
  const all = [...envProblems, ...problems];
  if (all.length > 0) throw new ConfigError(all);
  return merged;
}
