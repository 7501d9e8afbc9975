import type { AppKey, OidcApp, PlatformContext, ScopeGrant } from '../state.js';

type Hints = { hints: { allow: string[] } };

/** A key as the JWKS API returns it (SPEC-M `oAuthClientJsonWebKey`): JWK members, `id`, status, links. */
export function keyJson(ctx: PlatformContext, app: OidcApp, key: AppKey): Record<string, unknown> {
  const base = `${ctx.orgUrl}/api/v1/apps/${app.id}/credentials/jwks/${key.id}`;
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

/** A scope grant as `/api/v1/apps/{id}/grants` returns it (SPEC-M `AppGrantsEx`). */
export function grantJson(ctx: PlatformContext, app: OidcApp, grant: ScopeGrant): Record<string, unknown> {
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
      app: { href: `${ctx.orgUrl}/api/v1/apps/${app.id}`, title: app.label },
      self: {
        href: `${ctx.orgUrl}/api/v1/apps/${app.id}/grants/${grant.id}`,
        hints: { allow: ['GET', 'DELETE'] },
      },
      client: { href: `${ctx.orgUrl}/oauth2/v1/clients/${app.id}`, title: app.label },
    },
  };
}

/** An OIDC app as `/api/v1/apps` returns it (shape of SPEC-M `OpenIdConnectApplication`). */
export function appJson(ctx: PlatformContext, app: OidcApp): Record<string, unknown> {
  const self = `${ctx.orgUrl}/api/v1/apps/${app.id}`;
  const lifecycle =
    app.status === 'ACTIVE'
      ? { deactivate: { href: `${self}/lifecycle/deactivate` } }
      : { activate: { href: `${self}/lifecycle/activate` } };
  return {
    id: app.id,
    orn: `orn:okta:idp:${ctx.state.orgId}:apps:oidc_client:${app.id}`,
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
      signing: { kid: ctx.state.signingKey.kid },
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
