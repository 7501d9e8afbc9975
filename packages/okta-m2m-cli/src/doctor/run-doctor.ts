/**
 * The guide's troubleshooting as a program: the checks in order, each adding findings, stopping where a
 * failure makes the later checks meaningless (no configuration, no key, no server).
 */
import {
  ConfigError,
  createOktaClient,
  fromEnv,
  KeyError,
  loadSigningKey,
  resolveConfig,
  type OktaClientOptions,
} from 'okta-m2m';
import { ManagementClient } from '../admin/management-client.js';
import { API_TOKEN_VARIABLE, type Settings } from '../settings.js';
import { checkAdminRole, checkRegisteredKey } from './admin-checks.js';
import { checkRead, checkScopes, checkToken, checkWrite } from './api-checks.js';
import { Findings } from './finding.js';
import { checkServer } from './server-checks.js';

/** Doctor's inputs besides the settings. */
export interface DoctorOptions {
  /** Also read this user (resource-set check). */
  user?: string | undefined;
  /** Rename this user and restore it (write check). */
  writeProbe?: string | undefined;
  now?: () => number;
}

/**
 * Run every check and return the findings.
 * @example
 * const findings = await runDoctor(settings, { user: 'ada@example.com' });
 */
export async function runDoctor(settings: Settings, options: DoctorOptions = {}): Promise<Findings> {
  const findings = new Findings();
  const now = options.now ?? Date.now;

  // 1. The configuration, every problem at once.
  let clientOptions: OktaClientOptions;
  let config: ReturnType<typeof resolveConfig>;
  try {
    clientOptions = fromEnv(settings.env);
    config = resolveConfig(clientOptions);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const p of error.problems) {
      findings.fail(
        'config',
        `${p.option}: ${p.message}`,
        `Set ${p.option} in the environment, in .env, or with its flag.`,
        'config',
      );
    }
    return findings;
  }
  const dpopMode = config.dpop.mode;
  findings.pass(
    'config',
    `org ${config.orgUrl.origin}, client ${config.clientId}, scopes ${config.scopes.join(' ')}, DPoP ${String(dpopMode)}${settings.envFile ? `, .env ${settings.envFile}` : ''}`,
  );

  // 2. The key file and its permissions.
  let key: ReturnType<typeof loadSigningKey>;
  try {
    key = loadSigningKey({
      // From the environment the key is text or a file, never a key function.
      privateKey: typeof config.privateKey === 'function' ? undefined : config.privateKey,
      privateKeyPath: config.privateKeyPath,
      keyId: config.keyId,
      allowInsecureKeyFile: config.allowInsecureKeyFile,
    });
  } catch (error) {
    if (!(error instanceof KeyError)) throw error;
    findings.fail('key', error.message, error.hint, 'config');
    return findings;
  }
  const source = config.privateKeyPath === undefined ? 'OKTA_PRIVATE_KEY' : config.privateKeyPath;
  findings.pass(
    'key',
    key.kid === undefined
      ? `${key.alg} private key from ${source}, no kid (none sent: Okta then needs the app to have a single key)`
      : `${key.alg} private key from ${source}, kid ${key.kid} (${key.kidSource})`,
  );

  // 3-5. The token endpoint, the audience and the clock; then the key against the app's registered keys
  // (needs the admin token).
  if (
    !(await checkServer(findings, {
      orgUrl: config.orgUrl,
      tokenEndpoint: config.tokenEndpoint,
      audience: config.audience,
      now,
    }))
  ) {
    return findings;
  }
  const apiToken = settings.env[API_TOKEN_VARIABLE]?.trim();
  const admin = apiToken ? new ManagementClient({ orgUrl: config.orgUrl, apiToken }) : undefined;
  if (admin !== undefined) {
    await checkRegisteredKey(findings, admin, config.clientId, { kid: key.kid, thumbprint: key.thumbprint });
  } else {
    findings.skip(
      'registered-key',
      `no ${API_TOKEN_VARIABLE}: the key is not compared with the app's registered keys`,
      `Set ${API_TOKEN_VARIABLE} to compare them.`,
    );
  }

  // 6-10. Token, DPoP, scopes, admin role, probes.
  const client = createOktaClient({
    ...clientOptions,
    transport: { retry: false, ...(clientOptions.transport ?? {}) },
  });
  try {
    const token = await checkToken(findings, client, dpopMode);
    if (token !== undefined) checkScopes(findings, token);
    if (admin !== undefined)
      await checkAdminRole(findings, admin, config.clientId, options.user ?? options.writeProbe);
    else
      findings.skip(
        'admin-role',
        `no ${API_TOKEN_VARIABLE}: role and resource set read only through the probes`,
      );
    if (token === undefined) return findings;
    const listed = await checkRead(findings, client, options.user);
    if (options.writeProbe === undefined) {
      findings.skip('write-probe', 'not run', 'Pass --write-probe USER to rename a user and restore it.');
    } else if (listed) {
      await checkWrite(findings, client, options.writeProbe);
    }
  } finally {
    await client.close();
  }
  return findings;
}
