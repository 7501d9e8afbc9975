/**
 * Creating a ready API Services app through the emulator's own admin API (key pair, scope grants, admin
 * role), as the guide sets one up: what `createServiceApp` and `--demo-app` use.
 */
import { generateKeyPair, type JsonWebKey } from 'node:crypto';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { jwkThumbprint } from './lib/jws.js';

const generate = promisify(generateKeyPair);

/** Options of `createServiceApp`. */
export interface ServiceAppOptions {
  /** App label (default `service-app-N`). */
  label?: string;
  /** Require DPoP-bound tokens (default true, like a new API Services app). */
  dpop?: boolean;
  /** Okta scopes to grant (default `okta.users.read`, `okta.users.manage`). */
  scopes?: string[];
  /**
   * Admin role for the client (default `custom-users`: a custom role with `okta.users.read` +
   * `okta.users.userprofile.manage` over a resource set, as the guide sets up).
   */
  role?: 'custom-users' | 'SUPER_ADMIN' | 'READ_ONLY_ADMIN' | 'none';
  /** Resource set of the custom role: all users (default) or the members of a group. */
  resourceSet?: { groupId: string } | 'all-users';
  /** Signing-key algorithm (default RS256 with RSA-2048; ES256 uses P-256). */
  keyAlg?: 'RS256' | 'ES256';
  /** Number of keys registered on the app (default 1); the first one is returned. */
  keyCount?: number;
}

/** What `createServiceApp` returns: everything a client needs. */
export interface ServiceAppCredentials {
  appId: string;
  /** Same as `appId` (Okta's client_id of an app is its id). */
  clientId: string;
  /** The `kid` of the returned key (its RFC 7638 thumbprint, like console-generated keys). */
  keyId: string;
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

interface KeyMaterial {
  kid: string;
  privateKeyPem: string;
  privateJwk: JsonWebKey;
  publicJwk: JsonWebKey;
}

/** Generates a signing key pair; `kid` is the public key's RFC 7638 thumbprint. */
export async function generateClientKey(alg: 'RS256' | 'ES256'): Promise<KeyMaterial> {
  const pair =
    alg === 'ES256'
      ? await generate('ec', { namedCurve: 'P-256' })
      : await generate('rsa', { modulusLength: 2048 });
  const publicJwk = pair.publicKey.export({ format: 'jwk' });
  const kid = jwkThumbprint(publicJwk as Record<string, unknown>) ?? '';
  return {
    kid,
    privateKeyPem: pair.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    privateJwk: { ...pair.privateKey.export({ format: 'jwk' }), kid, alg, use: 'sig' } as JsonWebKey,
    publicJwk: { ...publicJwk, kid, alg, use: 'sig' } as JsonWebKey,
  };
}

/**
 * Sets up an API Services app the way the guide does, through the emulator's own HTTP routes with the admin
 * token: create the app with its public key(s), grant the scopes, create a custom role and a resource set
 * and assign them to the client (or assign a standard role).
 */
export async function createServiceApp(
  app: FastifyInstance,
  env: { orgUrl: string; adminToken: string; counter: number },
  options: ServiceAppOptions = {},
): Promise<ServiceAppCredentials> {
  const keyCount = options.keyCount ?? 1;
  if (!Number.isInteger(keyCount) || keyCount < 1 || keyCount > 50) {
    throw new TypeError('createServiceApp: keyCount must be an integer from 1 to 50.');
  }
  const keys: KeyMaterial[] = [];
  for (let i = 0; i < keyCount; i++) keys.push(await generateClientKey(options.keyAlg ?? 'RS256'));
  const first = keys[0] as KeyMaterial;
  const call = async (
    method: 'GET' | 'POST',
    url: string,
    payload?: unknown,
  ): Promise<Record<string, unknown>> => {
    const res = await app.inject({
      method,
      url,
      headers: { authorization: `SSWS ${env.adminToken}`, accept: 'application/json' },
      ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}),
    });
    if (res.statusCode >= 300) {
      throw new Error(`createServiceApp: ${method} ${url} failed with ${res.statusCode}: ${res.body}`);
    }
    return res.body ? (JSON.parse(res.body) as Record<string, unknown>) : {};
  };

  const created = await call('POST', '/api/v1/apps', {
    name: 'oidc_client',
    label: options.label ?? `service-app-${env.counter}`,
    signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
    settings: {
      oauthClient: {
        application_type: 'service',
        grant_types: ['client_credentials'],
        response_types: ['token'],
        dpop_bound_access_tokens: options.dpop ?? true,
        jwks: { keys: keys.map((k) => k.publicJwk) },
      },
    },
  });
  const appId = created.id as string;
  for (const scopeId of options.scopes ?? ['okta.users.read', 'okta.users.manage']) {
    await call('POST', `/api/v1/apps/${appId}/grants`, { scopeId, issuer: env.orgUrl });
  }

  const role = options.role ?? 'custom-users';
  // Role assignment needs the IAM routes of the management half; without them the app gets scopes only.
  const iamPresent = app.hasRoute({ method: 'POST', url: '/oauth2/v1/clients/:clientId/roles' });
  if (role !== 'none' && iamPresent) {
    const assign = `/oauth2/v1/clients/${appId}/roles`;
    if (role === 'custom-users') {
      const customRole = await call('POST', '/api/v1/iam/roles', {
        label: `users-profile-editor-${appId}`,
        description: 'View users and edit their profile attributes',
        permissions: ['okta.users.read', 'okta.users.userprofile.manage'],
      });
      const target = options.resourceSet ?? 'all-users';
      const resource =
        target === 'all-users'
          ? `${env.orgUrl}/api/v1/users`
          : `${env.orgUrl}/api/v1/groups/${target.groupId}/users`;
      const resourceSet = await call('POST', '/api/v1/iam/resource-sets', {
        label: `users-${appId}`,
        description: target === 'all-users' ? 'All users' : `Members of group ${target.groupId}`,
        resources: [resource],
      });
      await call('POST', assign, { type: 'CUSTOM', role: customRole.id, 'resource-set': resourceSet.id });
    } else {
      await call('POST', assign, { type: role });
    }
  }
  return {
    appId,
    clientId: appId,
    keyId: first.kid,
    privateKeyPem: first.privateKeyPem,
    privateJwk: first.privateJwk,
    publicJwk: first.publicJwk,
  };
}
