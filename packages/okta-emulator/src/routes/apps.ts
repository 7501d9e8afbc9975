import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseAppBody, type AppInput } from '../apps/app-body.js';
import { appJson, grantJson } from '../apps/app-json.js';
import { APPS_MANAGE, APPS_READ, findApp, requireAnyScope } from '../apps/apps-authz.js';
import { notFound, OktaApiError } from '../errors.js';
import { OKTA_SCOPES } from '../oauth/okta-scopes.js';
import { isoTime, type AppKey, type OidcApp, type PlatformContext, type ScopeGrant } from '../state.js';
import { registerAppKeyRoutes } from './app-keys.js';

type IdParams = { appId: string };

const GRANTS_READ = ['okta.appGrants.read', 'okta.appGrants.manage', 'okta.apps.read', 'okta.apps.manage'];
const GRANTS_MANAGE = ['okta.appGrants.manage', 'okta.apps.manage'];

/**
 * The Apps API subset an API Services app needs: create/list/get/replace OIDC apps, lifecycle, delete,
 * the JWKS routes (`app-keys.ts`) and scope consent grants.
 */
export function registerAppsRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  app.post('/api/v1/apps', async (request, reply) => {
    requireAnyScope(ctx, request, APPS_MANAGE);
    const created = createApp(ctx, parseAppBody(request.body));
    return reply.code(200).send(appJson(ctx, created));
  });

  app.get('/api/v1/apps', async (request, reply) => {
    requireAnyScope(ctx, request, APPS_READ);
    const query = request.query as Record<string, unknown>;
    // A repeated parameter arrives as an array: refuse it like the users list does (not a 500).
    if (query.q !== undefined && typeof query.q !== 'string') throw new OktaApiError('E0000031');
    for (const name of ['limit', 'after'] as const) {
      if (query[name] !== undefined && typeof query[name] !== 'string') throw new OktaApiError('E0000029');
    }
    const limit = clampLimit(query.limit as string | undefined);
    const q = (query.q as string | undefined)?.toLowerCase();
    let apps = [...ctx.state.apps.values()].filter((a) => !q || a.label.toLowerCase().startsWith(q));
    if (query.after) {
      const index = apps.findIndex((a) => a.id === query.after);
      apps = index === -1 ? [] : apps.slice(index + 1);
    }
    const page = apps.slice(0, limit);
    const links = [`<${ctx.orgUrl}/api/v1/apps?limit=${limit}>; rel="self"`];
    const last = page[page.length - 1];
    if (apps.length > limit && last)
      links.push(
        `<${ctx.orgUrl}/api/v1/apps?after=${last.id}&limit=${limit}${
          typeof query.q === 'string' ? `&q=${encodeURIComponent(query.q)}` : ''
        }>; rel="next"`,
      );
    reply.header('link', links);
    return page.map((a) => appJson(ctx, a));
  });

  app.get<{ Params: IdParams }>('/api/v1/apps/:appId', async (request) => {
    requireAnyScope(ctx, request, APPS_READ);
    return appJson(ctx, findApp(ctx, request.params.appId));
  });

  app.put<{ Params: IdParams }>('/api/v1/apps/:appId', async (request) => {
    requireAnyScope(ctx, request, APPS_MANAGE);
    const target = findApp(ctx, request.params.appId);
    const input = parseAppBody(request.body);
    applyInput(ctx, target, input, false);
    target.lastUpdated = isoTime(ctx.clock.now());
    return appJson(ctx, target);
  });

  app.post<{ Params: IdParams }>('/api/v1/apps/:appId/lifecycle/deactivate', async (request) => {
    requireAnyScope(ctx, request, APPS_MANAGE);
    setStatus(ctx, findApp(ctx, request.params.appId), 'INACTIVE');
    return {};
  });
  app.post<{ Params: IdParams }>('/api/v1/apps/:appId/lifecycle/activate', async (request) => {
    requireAnyScope(ctx, request, APPS_MANAGE);
    setStatus(ctx, findApp(ctx, request.params.appId), 'ACTIVE');
    return {};
  });
  app.delete<{ Params: IdParams }>('/api/v1/apps/:appId', async (request, reply) => {
    requireAnyScope(ctx, request, APPS_MANAGE);
    const target = findApp(ctx, request.params.appId);
    if (target.status === 'ACTIVE') {
      throw new OktaApiError('E0000056', {
        causes: ['The app must be deactivated before it can be deleted.'],
      });
    }
    ctx.state.apps.delete(target.id);
    for (const [token, record] of ctx.state.tokens)
      if (record.clientId === target.id) ctx.state.tokens.delete(token);
    return reply.code(204).send();
  });

  registerAppKeyRoutes(app, ctx);

  app.post<{ Params: IdParams }>('/api/v1/apps/:appId/grants', async (request, reply) => {
    requireAnyScope(ctx, request, GRANTS_MANAGE);
    const target = findApp(ctx, request.params.appId);
    const grant = addGrant(ctx, request, target, request.body);
    return reply.code(201).send(grantJson(ctx, target, grant));
  });
  app.get<{ Params: IdParams }>('/api/v1/apps/:appId/grants', async (request) => {
    requireAnyScope(ctx, request, GRANTS_READ);
    const target = findApp(ctx, request.params.appId);
    return target.grants.map((g) => grantJson(ctx, target, g));
  });
  app.get<{ Params: IdParams & { grantId: string } }>(
    '/api/v1/apps/:appId/grants/:grantId',
    async (request) => {
      requireAnyScope(ctx, request, GRANTS_READ);
      const target = findApp(ctx, request.params.appId);
      return grantJson(ctx, target, findGrant(target, request.params.grantId));
    },
  );
  app.delete<{ Params: IdParams & { grantId: string } }>(
    '/api/v1/apps/:appId/grants/:grantId',
    async (request, reply) => {
      requireAnyScope(ctx, request, GRANTS_MANAGE);
      const target = findApp(ctx, request.params.appId);
      const grant = findGrant(target, request.params.grantId);
      target.grants = target.grants.filter((g) => g !== grant);
      return reply.code(204).send();
    },
  );
}

/** Creates an app from a parsed body (also used by `createServiceApp`). */
export function createApp(ctx: PlatformContext, input: AppInput): OidcApp {
  const now = isoTime(ctx.clock.now());
  const created: OidcApp = {
    id: ctx.ids.id('0oa'),
    label: input.label,
    status: 'ACTIVE',
    created: now,
    lastUpdated: now,
    tokenEndpointAuthMethod: input.tokenEndpointAuthMethod,
    applicationType: input.applicationType,
    grantTypes: input.grantTypes,
    responseTypes: input.responseTypes,
    dpopBound: input.dpopBound,
    keys: [],
    grants: [],
  };
  applyInput(ctx, created, input, true);
  ctx.state.apps.set(created.id, created);
  return created;
}

function applyInput(ctx: PlatformContext, target: OidcApp, input: AppInput, isNew: boolean): void {
  target.label = input.label;
  target.tokenEndpointAuthMethod = input.tokenEndpointAuthMethod;
  target.applicationType = input.applicationType;
  target.grantTypes = input.grantTypes;
  target.responseTypes = input.responseTypes;
  target.dpopBound = input.dpopBound;
  if (input.jwks !== undefined || isNew) {
    const now = isoTime(ctx.clock.now());
    target.keys = (input.jwks ?? []).map((jwk): AppKey => ({
      id: ctx.ids.id('pks'),
      status: 'ACTIVE',
      created: now,
      lastUpdated: now,
      jwk,
    }));
  }
}

function setStatus(ctx: PlatformContext, target: OidcApp, status: 'ACTIVE' | 'INACTIVE'): void {
  if (target.status === status) return;
  target.status = status;
  target.lastUpdated = isoTime(ctx.clock.now());
}

/** Grants an Okta scope to an app (`POST /api/v1/apps/{id}/grants`); granting it again returns the grant. */
export function addGrant(
  ctx: PlatformContext,
  request: FastifyRequest | undefined,
  target: OidcApp,
  body: unknown,
): ScopeGrant {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OktaApiError('E0000003');
  const { scopeId, issuer } = body as Record<string, unknown>;
  const causes: string[] = [];
  const fields: string[] = [];
  if (typeof scopeId !== 'string' || !OKTA_SCOPES.has(scopeId)) {
    fields.push('scopeId');
    causes.push(`scopeId: '${typeof scopeId === 'string' ? scopeId : ''}' is not a valid Okta API scope.`);
  }
  if (typeof issuer !== 'string' || !issuerMatches(issuer, ctx.orgUrl)) {
    fields.push('issuer');
    causes.push(`issuer: The issuer must be the org authorization server, ${ctx.orgUrl}.`);
  }
  if (causes.length > 0) throw new OktaApiError('E0000001', { summaryArgs: [fields.join(', ')], causes });
  const existing = target.grants.find((g) => g.scopeId === scopeId);
  if (existing) return existing;
  const now = isoTime(ctx.clock.now());
  const principal = request?.principal;
  const grant: ScopeGrant = {
    id: ctx.ids.id('oag'),
    scopeId: scopeId as string,
    issuer: ctx.orgUrl,
    status: 'ACTIVE',
    created: now,
    lastUpdated: now,
    createdBy:
      principal?.kind === 'oauth'
        ? { id: principal.clientId, type: 'Client' }
        : { id: ctx.state.adminUserId, type: 'User' },
    source: 'ADMIN',
  };
  target.grants.push(grant);
  return grant;
}

function findGrant(target: OidcApp, grantId: string): ScopeGrant {
  const grant = target.grants.find((g) => g.id === grantId);
  if (!grant) throw notFound(grantId, 'OAuth2ScopeConsentGrant');
  return grant;
}

/** Okta's examples write the issuer as the org URL, sometimes without the scheme; accept both. */
function issuerMatches(issuer: string, orgUrl: string): boolean {
  const trimmed = issuer.replace(/\/+$/, '');
  return trimmed === orgUrl || trimmed === orgUrl.replace(/^https?:\/\//, '');
}

function clampLimit(value: string | undefined): number {
  const n = value === undefined ? 20 : Number.parseInt(value, 10);
  if (!Number.isFinite(n) || n < 1) return 20;
  return Math.min(n, 200);
}
