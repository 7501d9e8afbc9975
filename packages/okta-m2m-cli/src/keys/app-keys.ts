/**
 * The app whose keys `okta-m2m keys` manages, and its keys as the Management API lists them: the connection
 * (org URL, OKTA_API_TOKEN, the app's client id, which is its app id for an OAuth service app), and one
 * record per registered JWK with the fields the commands print.
 */
import { ENV_VARIABLES } from 'okta-m2m/core';
import type { CommandContext } from '../command.js';
import { CliError } from '../cli-error.js';
import { thumbprintOf } from '../admin/jwk.js';
import { ManagementClient, type Json } from '../admin/management-client.js';
import { parseOrgUrl } from '../org-url.js';
import { requireApiToken } from '../settings.js';

/** One registered public key. */
export interface AppKey {
  /** Okta's id of the key (`pks...`), used in the lifecycle paths. */
  id: string;
  kid: string;
  status: string;
  created: string | undefined;
  lastUpdated: string | undefined;
  kty: string | undefined;
  alg: string | undefined;
  /** RFC 7638 thumbprint of the public key, to match a private key whatever kid it was registered under. */
  thumbprint: string | undefined;
}

/** The Management API connection and the app. */
export interface KeysTarget {
  admin: ManagementClient;
  appId: string;
  orgUrl: string;
}

/**
 * The app named by `--client-id` / OKTA_CLIENT_ID on the org of `--org-url` / OKTA_DOMAIN, reached with
 * OKTA_API_TOKEN (all three required).
 * @example
 * const { admin, appId } = keysTarget(ctx, 'keys list');
 */
export function keysTarget(ctx: CommandContext, purpose: string): KeysTarget {
  const orgUrl = parseOrgUrl(ctx.settings.env[ENV_VARIABLES.orgUrl]);
  const apiToken = requireApiToken(ctx.settings, purpose);
  const appId = ctx.settings.env[ENV_VARIABLES.clientId]?.trim();
  if (appId === undefined || appId === '') {
    throw new CliError(
      'config',
      `${purpose} needs the service app's client ID in ${ENV_VARIABLES.clientId}.`,
      "Set OKTA_CLIENT_ID (the app's General tab, or the output of `okta-m2m setup`), or pass --client-id.",
    );
  }
  return { admin: new ManagementClient({ orgUrl, apiToken }), appId, orgUrl: orgUrl.origin };
}

/**
 * The app's keys, in Okta's order.
 * @example
 * const keys = await listAppKeys(target);
 */
export async function listAppKeys(target: KeysTarget): Promise<AppKey[]> {
  return (await target.admin.appKeys(target.appId)).map(toAppKey);
}

/**
 * One JWKS entry of the Management API as an {@link AppKey}.
 * @example
 * toAppKey({ id: 'pks1', kid: 'k1', status: 'ACTIVE', kty: 'EC', crv: 'P-256', x: '...', y: '...' })
 */
export function toAppKey(json: Json): AppKey {
  const text = (name: string): string | undefined =>
    typeof json[name] === 'string' ? (json[name] as string) : undefined;
  return {
    id: text('id') ?? '',
    kid: text('kid') ?? '',
    status: text('status') ?? 'ACTIVE',
    created: text('created'),
    lastUpdated: text('lastUpdated'),
    kty: text('kty'),
    alg: text('alg'),
    thumbprint: thumbprintOf(json),
  };
}
