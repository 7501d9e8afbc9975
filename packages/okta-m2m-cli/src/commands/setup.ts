/**
 * `okta-m2m setup`: the guide's steps 1-4 through the Management API with OKTA_API_TOKEN (see
 * admin/service-app-setup.ts), then the environment variables that configure the library for the app.
 */
import { resolve } from 'node:path';
import type { SigningAlg } from 'okta-m2m';
import { ENV_VARIABLES } from 'okta-m2m/core';
import { ManagementClient } from '../admin/management-client.js';
import { GUIDE_SCOPES, setUpServiceApp, type SetupResult } from '../admin/service-app-setup.js';
import { flag, stringOption, type CommandContext } from '../command.js';
import { jsonText } from '../io.js';
import { parseOrgUrl } from '../org-url.js';
import { requireApiToken } from '../settings.js';

/** The default app label. */
export const DEFAULT_LABEL = 'okta-m2m service';

/** Run setup. */
export async function run(ctx: CommandContext): Promise<number> {
  const orgUrl = parseOrgUrl(stringOption(ctx, 'orgUrl') ?? ctx.settings.env[ENV_VARIABLES.orgUrl]);
  const apiToken = requireApiToken(ctx.settings, 'setup');
  const label = (stringOption(ctx, 'name') ?? DEFAULT_LABEL).trim() || DEFAULT_LABEL;
  const groups = (ctx.options['group'] as string[] | undefined) ?? [];
  const dpopOption = ctx.options['dpop'];
  const admin = new ManagementClient({ orgUrl, apiToken });
  const result = await setUpServiceApp(admin, {
    label,
    privateKeyPath: resolve(ctx.cwd, stringOption(ctx, 'key') ?? `${slug(label)}.pem`),
    alg: (stringOption(ctx, 'alg') ?? 'RS256') as SigningAlg,
    groups,
    dpop: typeof dpopOption === 'boolean' ? dpopOption : undefined,
    dryRun: flag(ctx, 'dryRun'),
  });
  const env = envFor(result);
  if (flag(ctx, 'json')) {
    ctx.io.out(jsonText({ ...result, env }));
    return 0;
  }
  ctx.io.out(formatSetup(result, env));
  return 0;
}

/**
 * The variables `fromEnv()` reads that describe the app (all of them named in ENV_VARIABLES).
 * @example
 * envFor(result).OKTA_CLIENT_ID
 */
export function envFor(result: SetupResult): Record<string, string> {
  return {
    [ENV_VARIABLES.orgUrl]: result.orgUrl,
    [ENV_VARIABLES.clientId]: result.clientId ?? '<created by setup>',
    [ENV_VARIABLES.keyId]: result.keyId,
    [ENV_VARIABLES.privateKeyPath]: result.privateKeyPath,
    [ENV_VARIABLES.scopes]: GUIDE_SCOPES.join(' '),
    [ENV_VARIABLES.dpop]: result.dpop ? 'true' : 'false',
  };
}

/**
 * The text report: one line per step, then the environment.
 * @example
 * io.out(formatSetup(result, envFor(result)));
 */
export function formatSetup(result: SetupResult, env: Record<string, string>): string {
  const verb = { exists: 'ok     ', create: 'created', update: 'updated', generate: 'created' } as const;
  const planned = { exists: 'ok     ', create: 'create ', update: 'update ', generate: 'create ' } as const;
  const lines = result.steps.map(
    (s) => `  ${(result.dryRun ? planned : verb)[s.action]}  ${s.step.padEnd(26)} ${s.detail}`,
  );
  const head = result.dryRun
    ? `Plan for "${result.label}" on ${result.orgUrl} (dry run: nothing changed):`
    : `Set-up of "${result.label}" on ${result.orgUrl}:`;
  const tail = result.dryRun
    ? result.changed
      ? 'Run without --dry-run to apply.'
      : 'Everything is already in place.'
    : result.changed
      ? 'Done.'
      : 'Everything was already in place; nothing changed.';
  const exports = Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  return `${head}\n${lines.join('\n')}\n${tail}\n\nEnvironment for this app:\n${exports.join('\n')}\n`;
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function slug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'okta-m2m'
  );
}
