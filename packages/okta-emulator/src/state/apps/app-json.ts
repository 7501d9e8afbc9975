/**
 * How apps, their keys and their scope grants render in the Apps API (Okta's JSON shapes and links).
 */
import type { AppKey, OidcApp, ScopeGrant } from '../org-records.js';

/** What an app's JSON needs from the org. */
export interface AppJsonOrg {
  orgUrl: string;
  orgId: string;
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

/** An OIDC app as `/api/v1/apps` returns it (shape of management.yaml `OpenIdConnectApplication`). */
export function appJson(org: AppJsonOrg, app: OidcApp): Record<string, unknown> {
  const orgUrl = org.orgUrl;
  const self = `${orgUrl}/api/v1/apps/${app.id}`;
  const lifecycle =
    app.status === 'ACTIVE'
      ? { deactivate: { href: `${self}/lifecycle/deactivate` } }
      : { activate: { href: `${self}/lifecycle/activate` } };
  return {
    id: app.id,
    orn: `orn:okta:idp:${org.orgId}:apps:oidc_client:${app.id}`,
    name: 'oidc_client',
    label: app.label,
    status: app.status,
    lastUpdated: app.lastUpdated,
    created: app.created,
    accessibility: { selfService: false, errorRedirectUrl: null, loginRedirectUrl: null },
    visibility: {
      autoLaunch: false,
      autoSubmitToolbar: false,
      hide: { iOS: true, web: true },
      appLinks: { oidc_client_link: false },
    },
    features: [],
    signOnMode: 'OPENID_CONNECT',
    credentials: {
      userNameTemplate: { template: '${source.login}', type: 'BUILT_IN' },
      signing: { kid: org.signingKey.kid },
      oauthClient: {
        autoKeyRotation: true,
        client_id: app.id,
        token_endpoint_auth_method: app.tokenEndpointAuthMethod,
        pkce_required: false,
      },
    },
    settings: {
      app: {},
      notifications: { vpn: { network: { connection: 'DISABLED' }, message: null, helpUrl: null } },
      manualProvisioning: false,
      implicitAssignment: false,
      notes: { admin: null, enduser: null },
      oauthClient: {
        client_uri: null,
        logo_uri: null,
        redirect_uris: [],
        response_types: app.responseTypes,
        grant_types: app.grantTypes,
        application_type: app.applicationType,
        issuer_mode: 'DYNAMIC',
        wildcard_redirect: 'DISABLED',
        dpop_bound_access_tokens: app.dpopBound,
        jwks: { keys: app.keys.map((k) => ({ id: k.id, status: k.status, ...k.jwk })) },
      },
    },
    _links: {
      appLinks: [],
      groups: { href: `${self}/groups` },
      users: { href: `${self}/users` },
      ...lifecycle,
      self: { href: self },
    },
  };
}
