/**
 * How apps, their keys and their scope grants render in the Apps API (Okta's JSON shapes and links).
 */
import type { AppKey, OidcApp, ScopeGrant } from '../org-records.js';

/** What an app's JSON needs from the org. */
export interface AppJsonOrg {
  orgUrl: string;
  orgId: string;
  /** The ORN partition of the org's cell (`okta`, `oktapreview`). */
  ornPartition: string;
  signingKey: { kid: string };
}

type Hints = { hints: { allow: string[] } };

/** A key as the JWKS API returns it (management.yaml `oAuthClientJsonWebKey`): JWK members, `id`, status, links. */
export function keyJson(orgUrl: string, app: OidcApp, key: AppKey): Record<string, unknown> {
  const base = `${orgUrl}/api/v1/apps/${app.id}/credentials/jwks/${key.id}`;
  const links: Record<string, { href: string } & Hints> =
    key.status === 'ACTIVE'
      ? { deactivate: { href: `${base}/lifecycle/deactivate`, hints: { allow: ['POST'] } } }
      : {
          activate: { href: `${base}/lifecycle/activate`, hints: { allow: ['POST'] } },
          delete: { href: base, hints: { allow: ['DELETE'] } },
        };
  return {
    id: key.id,
    ...key.jwk,
    status: key.status,
    created: key.created,
    lastUpdated: key.lastUpdated,
    _links: links,
  };
}

/** A scope grant as `/api/v1/apps/{id}/grants` returns it (management.yaml `AppGrantsEx`). */
export function grantJson(orgUrl: string, app: OidcApp, grant: ScopeGrant): Record<string, unknown> {
  return {
    id: grant.id,
    status: grant.status,
    created: grant.created,
    createdBy: grant.createdBy,
    lastUpdated: grant.lastUpdated,
    issuer: grant.issuer,
    clientId: app.id,
    scopeId: grant.scopeId,
    source: grant.source,
    _embedded: { scope: { id: grant.scopeId } },
    _links: {
      app: { href: `${orgUrl}/api/v1/apps/${app.id}`, title: app.label },
      self: {
        href: `${orgUrl}/api/v1/apps/${app.id}/grants/${grant.id}`,
        hints: { allow: ['GET', 'DELETE'] },
      },
      client: { href: `${orgUrl}/oauth2/v1/clients/${app.id}`, title: app.label },
    },
  };
}

/**
 * An app as `/api/v1/apps` returns it (management.yaml `Application` and the schema of its sign-on mode). The client
 * secret is shown only when `showSecret` is set (create and update, as at Okta).
 */
export function appJson(
  org: AppJsonOrg,
  app: OidcApp,
  options: { showSecret?: boolean } = {},
): Record<string, unknown> {
  const orgUrl = org.orgUrl;
  const self = `${orgUrl}/api/v1/apps/${app.id}`;
  const lifecycle =
    app.status === 'ACTIVE'
      ? { deactivate: { href: `${self}/lifecycle/deactivate` } }
      : { activate: { href: `${self}/lifecycle/activate` } };
  const isOidc = app.signOnMode === 'OPENID_CONNECT';
  const visibility = {
    autoLaunch: false,
    autoSubmitToolbar: false,
    ...app.visibility,
    hide: { iOS: isOidc, web: isOidc, ...(app.visibility.hide as object | undefined) },
    appLinks: { [`${app.name}_link`]: !isOidc, ...(app.visibility.appLinks as object | undefined) },
  };
  const credentials: Record<string, unknown> = {
    userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
    signing: { kid: app.keyCredentials[0]?.kid ?? org.signingKey.kid },
  };
  if (isOidc) {
    credentials.oauthClient = {
      autoKeyRotation: app.autoKeyRotation,
      client_id: app.id,
      ...(options.showSecret === true && app.clientSecret !== undefined
        ? { client_secret: app.clientSecret }
        : {}),
      token_endpoint_auth_method: app.tokenEndpointAuthMethod,
      pkce_required: app.pkceRequired,
    };
  } else if (SWA_MODES.has(app.signOnMode)) {
    credentials.scheme = 'EDIT_USERNAME_AND_PASSWORD';
    credentials.revealPassword = false;
  }
  const settings: Record<string, unknown> = {
    app: {},
    // management.yaml types these strings without `nullable`: unset values are left out rather than null.
    notifications: { vpn: { network: { connection: 'DISABLED' } } },
    manualProvisioning: false,
    implicitAssignment: false,
    notes: {},
    ...app.settings,
  };
  if (isOidc) {
    settings.oauthClient = {
      redirect_uris: [],
      post_logout_redirect_uris: [],
      issuer_mode: 'DYNAMIC',
      wildcard_redirect: 'DISABLED',
      ...app.oauthSettings,
      response_types: app.responseTypes,
      grant_types: app.grantTypes,
      application_type: app.applicationType,
      dpop_bound_access_tokens: app.dpopBound,
      jwks: { keys: app.keys.map((k) => ({ id: k.id, status: k.status, ...k.jwk })) },
    };
  }
  return {
    id: app.id,
    orn: `orn:${org.ornPartition}:idp:${org.orgId}:apps:${app.name}:${app.id}`,
    name: app.name,
    label: app.label,
    status: app.status,
    lastUpdated: app.lastUpdated,
    created: app.created,
    accessibility: { selfService: false, ...app.accessibility },
    visibility,
    features: [],
    signOnMode: app.signOnMode,
    credentials,
    settings,
    _links: {
      appLinks: isOidc
        ? []
        : [
            {
              name: `${app.name}_link`,
              href: `${orgUrl}/home/${app.name}/${app.id}/${app.name}_link`,
              type: 'text/html',
            },
          ],
      groups: { href: `${self}/groups` },
      users: { href: `${self}/users` },
      ...lifecycle,
      self: { href: self },
    },
  };
}

const SWA_MODES: ReadonlySet<string> = new Set([
  'BROWSER_PLUGIN',
  'SECURE_PASSWORD_STORE',
  'AUTO_LOGIN',
  'BASIC_AUTH',
]);
