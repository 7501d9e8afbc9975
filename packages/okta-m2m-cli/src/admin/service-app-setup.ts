/**
 * Steps 1 to 4 of the guide through the Management API, idempotently: find or create the API Services app
 * (private_key_jwt) by label, register the public key, set DPoP, grant okta.users.read and okta.users.manage,
 * find or create the custom role ("View users", "Edit users' profile attributes") and the resource set (all
 * users, or the members of the given groups), and assign them to the app. Each step reports whether it found
 * the object as wanted, created it or updated it; a dry run only reads.
 */
import { existsSync } from 'node:fs';
import { generateKeyPair, loadSigningKey, type SigningAlg } from 'okta-m2m';
import { CliError } from '../cli-error.js';
import { writeKeyFile } from '../key-files.js';
import { thumbprintOf } from './jwk.js';
import type { Json, ManagementClient } from './management-client.js';

/** The scopes the guide grants. */
export const GUIDE_SCOPES = ['okta.users.read', 'okta.users.manage'] as const;
/** The custom role's permissions: "View users" and "Edit users' profile attributes". */
export const ROLE_PERMISSIONS = ['okta.users.read', 'okta.users.userprofile.manage'] as const;

/** What setup should converge to. */
export interface SetupRequest {
  label: string;
  privateKeyPath: string;
  alg: SigningAlg;
  /** Group ids or names; empty means all users. */
  groups: readonly string[];
  /** Wanted DPoP setting; undefined keeps an existing app's (a new app gets Okta's default, on). */
  dpop: boolean | undefined;
  dryRun: boolean;
}

/** One step's outcome. */
export interface SetupStep {
  step: string;
  action: 'exists' | 'create' | 'update' | 'generate';
  detail: string;
}

/** What setup found or made. */
export interface SetupResult {
  changed: boolean;
  dryRun: boolean;
  orgUrl: string;
  label: string;
  appId: string | undefined;
  clientId: string | undefined;
  keyId: string;
  privateKeyPath: string;
  dpop: boolean;
  roleId: string | undefined;
  resourceSetId: string | undefined;
  steps: SetupStep[];
}

/**
 * Run (or with `dryRun`, plan) the set-up.
 * @example
 * const result = await setUpServiceApp(admin, { label: 'svc', privateKeyPath: './svc.pem', alg: 'RS256', groups: [], dpop: undefined, dryRun: false });
 */
export async function setUpServiceApp(admin: ManagementClient, request: SetupRequest): Promise<SetupResult> {
  const steps: SetupStep[] = [];
  const note = (step: string, action: SetupStep['action'], detail: string): void =>
    void steps.push({ step, action, detail });
  const write = !request.dryRun;
  const origin = admin.origin;

  // The key pair: reuse the file, or generate one.
  let publicJwk: Record<string, unknown>;
  let kid: string;
  if (existsSync(request.privateKeyPath)) {
    const key = loadSigningKey({ privateKeyPath: request.privateKeyPath });
    // A PEM file carries no kid: register it under its RFC 7638 thumbprint, as keygen does.
    kid = key.kid ?? key.thumbprint;
    publicJwk = { ...key.publicJwk(), kid };
    note('key', 'exists', `${request.privateKeyPath} (kid ${kid})`);
  } else {
    const pair = await generateKeyPair({ alg: request.alg });
    publicJwk = { ...pair.publicJwk };
    kid = pair.kid;
    if (write) writeKeyFile(request.privateKeyPath, pair.privateKeyPem, { mode: 0o600, force: false });
    note(
      'key',
      'generate',
      `${request.alg} key pair, private key ${request.privateKeyPath} (mode 600, kid ${kid})`,
    );
  }
  const thumbprint = thumbprintOf(publicJwk);

  // Step 1: the API Services app.
  const found = await admin.appsByLabel(request.label);
  if (found.length > 1) {
    throw new CliError(
      'config',
      `${found.length} apps are labelled "${request.label}"; setup cannot tell which one to use.`,
      'Pass a unique label with --name.',
    );
  }
  let app = found[0];
  let dpop: boolean;
  if (app === undefined) {
    dpop = request.dpop ?? true;
    if (write) {
      app = (
        await admin.request('POST', '/api/v1/apps', {
          name: 'oidc_client',
          label: request.label,
          signOnMode: 'OPENID_CONNECT',
          credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
          settings: { oauthClient: serviceSettings(dpop, { keys: [publicJwk] }) },
        })
      ).body;
    }
    note(
      'app',
      'create',
      `API Services app "${request.label}" (private_key_jwt, DPoP ${dpop ? 'required' : 'off'}) with the public key`,
    );
  } else {
    checkServiceApp(app, request.label);
    const current = oauthSettings(app)['dpop_bound_access_tokens'] === true;
    dpop = request.dpop ?? current;
    note('app', 'exists', `"${request.label}" ${String(app['id'])}`);
    const keys = await admin.appKeys(String(app['id']));
    const registered = keys.find((k) => thumbprintOf(k) === thumbprint);
    const sameKid = keys.find((k) => k['kid'] === kid);
    if (registered !== undefined) {
      if (registered['status'] !== 'ACTIVE') {
        throw new CliError(
          'config',
          `The key ${kid} is registered on "${request.label}" but ${String(registered['status'])}.`,
          'Activate it in the app (General → Client Credentials), or use another --key.',
        );
      }
      kid = String(registered['kid'] ?? kid);
      note('public key', 'exists', `kid ${kid}`);
    } else if (sameKid !== undefined) {
      throw new CliError(
        'config',
        `"${request.label}" already has a different public key with kid ${kid}.`,
        'Use another key file with --key (its kid is its thumbprint), or remove the old key from the app.',
      );
    } else {
      if (write) await admin.request('POST', `/api/v1/apps/${String(app['id'])}/credentials/jwks`, publicJwk);
      note('public key', 'create', `kid ${kid}`);
    }
    if (dpop !== current) {
      if (write) {
        app = (
          await admin.request('PUT', `/api/v1/apps/${String(app['id'])}`, {
            name: app['name'] ?? 'oidc_client',
            label: request.label,
            signOnMode: 'OPENID_CONNECT',
            credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
            settings: { oauthClient: serviceSettings(dpop, undefined) },
          })
        ).body;
      }
      note('dpop', 'update', `DPoP ${dpop ? 'required' : 'off'} (was ${current ? 'required' : 'off'})`);
    } else {
      note('dpop', 'exists', `DPoP ${dpop ? 'required' : 'off'}`);
    }
  }
  const appId = app === undefined ? undefined : String(app['id']);

  // Step 2: the scope grants.
  const grants = appId === undefined || found.length === 0 ? [] : await admin.appGrants(appId);
  for (const scope of GUIDE_SCOPES) {
    if (grants.some((g) => g['scopeId'] === scope && g['status'] !== 'REVOKED')) {
      note(`grant ${scope}`, 'exists', 'granted');
    } else {
      if (write && appId !== undefined)
        await admin.request('POST', `/api/v1/apps/${appId}/grants`, { scopeId: scope, issuer: origin });
      note(`grant ${scope}`, 'create', `grant ${scope} (issuer ${origin})`);
    }
  }

  // Step 3: the custom role and its resource set.
  const roleLabel = `${request.label} users editor`;
  let role = (await admin.roles()).find((r) => r['label'] === roleLabel);
  if (role === undefined) {
    if (write) {
      role = (
        await admin.request('POST', '/api/v1/iam/roles', {
          label: roleLabel,
          description: 'View users and edit their profile attributes (okta-m2m setup)',
          permissions: [...ROLE_PERMISSIONS],
        })
      ).body;
    }
    note('custom role', 'create', `"${roleLabel}": ${ROLE_PERMISSIONS.join(', ')}`);
  } else {
    const { body } = await admin.request<{ permissions?: Json[] }>(
      'GET',
      `/api/v1/iam/roles/${String(role['id'])}/permissions`,
    );
    const held = (body.permissions ?? []).map((p) => p['label']);
    const lacking = ROLE_PERMISSIONS.filter((p) => !held.includes(p));
    if (lacking.length > 0) {
      throw new CliError(
        'config',
        `The custom role "${roleLabel}" exists but lacks ${lacking.join(', ')}.`,
        'Add the permissions in Security → Administrators → Roles, or delete the role and run setup again.',
      );
    }
    note('custom role', 'exists', `"${roleLabel}" ${String(role['id'])}`);
  }

  const wanted = await resourceUrls(admin, request.groups);
  const setLabel = `${request.label} users`;
  let resourceSet = (await admin.resourceSets()).find((s) => s['label'] === setLabel);
  if (resourceSet === undefined) {
    if (write) {
      resourceSet = (
        await admin.request('POST', '/api/v1/iam/resource-sets', {
          label: setLabel,
          description:
            request.groups.length === 0
              ? 'All users (okta-m2m setup)'
              : `Members of ${request.groups.join(', ')} (okta-m2m setup)`,
          resources: wanted,
        })
      ).body;
    }
    note('resource set', 'create', `"${setLabel}": ${describeResources(wanted, origin)}`);
  } else {
    const have = await admin.resourceSetUrls(String(resourceSet['id']));
    const missing = wanted.filter((u) => !have.includes(u));
    if (missing.length > 0) {
      if (write)
        await admin.request('PATCH', `/api/v1/iam/resource-sets/${String(resourceSet['id'])}/resources`, {
          additions: missing,
        });
      note('resource set', 'update', `add ${describeResources(missing, origin)}`);
    } else {
      note(
        'resource set',
        'exists',
        `"${setLabel}" ${String(resourceSet['id'])}: ${describeResources(have, origin)}`,
      );
    }
  }

  // Step 4: assign the role over the resource set to the app.
  const roleId = role === undefined ? undefined : String(role['id']);
  const setId = resourceSet === undefined ? undefined : String(resourceSet['id']);
  const assignments = appId === undefined || found.length === 0 ? [] : await admin.clientRoles(appId);
  if (
    assignments.some((a) => a['type'] === 'CUSTOM' && a['role'] === roleId && a['resource-set'] === setId)
  ) {
    note('role assignment', 'exists', `"${roleLabel}" over "${setLabel}"`);
  } else {
    if (write && appId !== undefined) {
      await admin.request('POST', `/oauth2/v1/clients/${appId}/roles`, {
        type: 'CUSTOM',
        role: roleId,
        'resource-set': setId,
      });
    }
    note('role assignment', 'create', `"${roleLabel}" over "${setLabel}" to the app`);
  }

  return {
    changed: steps.some((s) => s.action !== 'exists'),
    dryRun: request.dryRun,
    orgUrl: origin,
    label: request.label,
    appId,
    clientId: appId,
    keyId: kid,
    privateKeyPath: request.privateKeyPath,
    dpop,
    roleId,
    resourceSetId: setId,
    steps,
  };
}

function serviceSettings(dpop: boolean, jwks: { keys: unknown[] } | undefined): Json {
  return {
    application_type: 'service',
    grant_types: ['client_credentials'],
    response_types: ['token'],
    dpop_bound_access_tokens: dpop,
    ...(jwks === undefined ? {} : { jwks }),
  };
}

function oauthSettings(app: Json): Json {
  return ((app['settings'] as Json | undefined)?.['oauthClient'] as Json | undefined) ?? {};
}

function checkServiceApp(app: Json, label: string): void {
  const type = oauthSettings(app)['application_type'];
  const method = ((app['credentials'] as Json | undefined)?.['oauthClient'] as Json | undefined)?.[
    'token_endpoint_auth_method'
  ];
  if (type !== 'service' || method !== 'private_key_jwt') {
    throw new CliError(
      'config',
      `The app "${label}" exists but is not an API Services app with private_key_jwt (application_type ${String(type)}, auth ${String(method)}).`,
      'Pass another label with --name, or change the app to Public key / Private key client authentication.',
    );
  }
}

async function resourceUrls(admin: ManagementClient, groups: readonly string[]): Promise<string[]> {
  if (groups.length === 0) return [`${admin.origin}/api/v1/users`];
  const urls: string[] = [];
  for (const idOrName of groups) {
    const group = await admin.group(idOrName);
    if (group === undefined) {
      throw new CliError(
        'config',
        `No group "${idOrName}" in this org.`,
        'Pass a group id (00g...) or its exact name with --group.',
      );
    }
    urls.push(`${admin.origin}/api/v1/groups/${String(group['id'])}/users`);
  }
  return urls;
}

function describeResources(urls: readonly string[], origin: string): string {
  return urls
    .map((u) => {
      const path = u.startsWith(origin) ? u.slice(origin.length) : u;
      const m = /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(path);
      return path === '/api/v1/users' ? 'all users' : m ? `members of group ${m[1]}` : path;
    })
    .join(', ');
}
