/**
 * The Apps API for OIDC service apps: create, list, get, activate and deactivate, and scope grants.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { parseAppBody, type AppInput } from '../state/apps/app-body.js';
import { appJson, grantJson } from '../state/apps/app-json.js';
import { APPS_MANAGE, APPS_READ, findApp, requireAnyScope } from '../authz/apps-access.js';
import { notFound, OktaApiError } from '../lib/errors.js';
import { OKTA_SCOPES } from '../oauth/okta-scopes.js';
import { isoTime } from '../lib/clock.js';
import type { EmulatorState } from '../state/emulator-state.js';
import type { AppKey, OidcApp, ScopeGrant } from '../state/org-records.js';

type IdParams = { appId: string };

const GRANTS_READ = ['okta.appGrants.read', 'okta.appGrants.manage', 'okta.apps.read', 'okta.apps.manage'];
const GRANTS_MANAGE = ['okta.appGrants.manage', 'okta.apps.manage'];

/**
 * The Apps API subset an API Services app needs: create/list/get/replace OIDC apps, lifecycle, delete,
 * the JWKS routes (`app-keys.ts`) and scope consent grants.
 */
export function registerAppsRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/api/v1/apps', async (request, reply) => {
    requireAnyScope(state, request, APPS_MANAGE);
    const created = createApp(state, parseAppBody(request.body));
    return reply.code(200).send(appJson(state, created));
  });

  app.get('/api/v1/apps', async (request, reply) => {
    requireAnyScope(state, request, APPS_READ);
    const query = request.query as Record<string, unknown>;
    // A repeated parameter arrives as an array: refuse it like the users list does (not a 500).
    if (query.q !== undefined && typeof query.q !== 'string') throw new OktaApiError('E0000031');
    for (const name of ['limit', 'after'] as const) {
      if (query[name] !== undefined && typeof query[name] !== 'string') throw new OktaApiError('E0000029');
    }
    const limit = clampLimit(query.limit as string | undefined);
    const q = (query.q as string | undefined)?.toLowerCase();
    let apps = [...state.apps.values()].filter((a) => !q || a.label.toLowerCase().startsWith(q));
    if (query.after) {
      const index = apps.findIndex((a) => a.id === query.after);
      apps = index === -1 ? [] : apps.slice(index + 1);
    }
    const page = apps.slice(0, limit);
    const links = [`<${state.orgUrl}/api/v1/apps?limit=${limit}>; rel="self"`];
    const last = page[page.length - 1];
    if (apps.length > limit && last)
      links.push(
        `<${state.orgUrl}/api/v1/apps?after=${last.id}&limit=${limit}${
          typeof query.q === 'string' ? `&q=${encodeURIComponent(query.q)}` : ''
        }>; rel="next"`,
      );
    reply.header('link', links);
    return page.map((a) => appJson(state, a));
  });

  app.get<{ Params: IdParams }>('/api/v1/apps/:appId', async (request) => {
    requireAnyScope(state, request, APPS_READ);
    return appJson(state, findApp(state, request.params.appId));
  });

  app.put<{ Params: IdParams }>('/api/v1/apps/:appId', async (request) => {
    requireAnyScope(state, request, APPS_MANAGE);
    const target = findApp(state, request.params.appId);
    const input = parseAppBody(request.body);
    applyInput(state, target, input, false);
    target.lastUpdated = isoTime(state.clock.now());
    return appJson(state, target);
  });

  app.post<{ Params: IdParams }>('/api/v1/apps/:appId/lifecycle/deactivate', async (request) => {
    requireAnyScope(state, request, APPS_MANAGE);
    setStatus(state, findApp(state, request.params.appId), 'INACTIVE');
    return {};
  });
  app.post<{ Params: IdParams }>('/api/v1/apps/:appId/lifecycle/activate', async (request) => {
    requireAnyScope(state, request, APPS_MANAGE);
    setStatus(state, findApp(state, request.params.appId), 'ACTIVE');
    return {};
  });
  app.delete<{ Params: IdParams }>('/api/v1/apps/:appId', async (request, reply) => {
    requireAnyScope(state, request, APPS_MANAGE);
    const target = findApp(state, request.params.appId);
    if (target.status === 'ACTIVE') {
      throw new OktaApiError('E0000056', {
        causes: ['The app must be deactivated before it can be deleted.'],
      });
    }
    state.apps.delete(target.id);
    for (const [token, record] of state.tokens) if (record.clientId === target.id) state.tokens.delete(token);
    return reply.code(204).send();
  });

  app.post<{ Params: IdParams }>('/api/v1/apps/:appId/grants', async (request, reply) => {
    requireAnyScope(state, request, GRANTS_MANAGE);
    const target = findApp(state, request.params.appId);
    const grant = addGrant(state, request, target, request.body);
    return reply.code(201).send(grantJson(state.orgUrl, target, grant));
  });
  app.get<{ Params: IdParams }>('/api/v1/apps/:appId/grants', async (request) => {
    requireAnyScope(state, request, GRANTS_READ);
    const target = findApp(state, request.params.appId);
    return target.grants.map((g) => grantJson(state.orgUrl, target, g));
  });
  app.get<{ Params: IdParams & { grantId: string } }>(
    '/api/v1/apps/:appId/grants/:grantId',
    async (request) => {
      requireAnyScope(state, request, GRANTS_READ);
      const target = findApp(state, request.params.appId);
      return grantJson(state.orgUrl, target, findGrant(target, request.params.grantId));
    },
  );
  app.delete<{ Params: IdParams & { grantId: string } }>(
    '/api/v1/apps/:appId/grants/:grantId',
    async (request, reply) => {
      requireAnyScope(state, request, GRANTS_MANAGE);
      const target = findApp(state, request.params.appId);
      const grant = findGrant(target, request.params.grantId);
      target.grants = target.grants.filter((g) => g !== grant);
      return reply.code(204).send();
    },
  );
}

/** Creates an app from a parsed body (also used by `createServiceApp`). */
export function createApp(state: EmulatorState, input: AppInput): OidcApp {
  const now = isoTime(state.clock.now());
  const created: OidcApp = {
    id: state.ids.id('0oa'),
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
  applyInput(state, created, input, true);
  state.apps.set(created.id, created);
  return created;
}

function applyInput(state: EmulatorState, target: OidcApp, input: AppInput, isNew: boolean): void {
  target.label = input.label;
  target.tokenEndpointAuthMethod = input.tokenEndpointAuthMethod;
  target.applicationType = input.applicationType;
  target.grantTypes = input.grantTypes;
  target.responseTypes = input.responseTypes;
  target.dpopBound = input.dpopBound;
  if (input.jwks !== undefined || isNew) {
    const now = isoTime(state.clock.now());
    target.keys = (input.jwks ?? []).map((jwk): AppKey => ({
      id: state.ids.id('pks'),
      status: 'ACTIVE',
      created: now,
      lastUpdated: now,
      jwk,
    }));
  }
}

function setStatus(state: EmulatorState, target: OidcApp, status: 'ACTIVE' | 'INACTIVE'): void {
  if (target.status === status) return;
  target.status = status;
  target.lastUpdated = isoTime(state.clock.now());
}

/** Grants an Okta scope to an app (`POST /api/v1/apps/{id}/grants`); granting it again returns the grant. */
export function addGrant(
  state: EmulatorState,
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
  if (typeof issuer !== 'string' || !issuerMatches(issuer, state.orgUrl)) {
    fields.push('issuer');
    causes.push(`issuer: The issuer must be the org authorization server, ${state.orgUrl}.`);
  }
  if (causes.length > 0) throw new OktaApiError('E0000001', { summaryArgs: [fields.join(', ')], causes });
  const existing = target.grants.find((g) => g.scopeId === scopeId);
  if (existing) return existing;
  const now = isoTime(state.clock.now());
  const principal = request?.principal;
  const grant: ScopeGrant = {
    id: state.ids.id('oag'),
    scopeId: scopeId as string,
    issuer: state.orgUrl,
    status: 'ACTIVE',
    created: now,
    lastUpdated: now,
    createdBy:
      principal?.kind === 'oauth'
        ? { id: principal.clientId, type: 'Client' }
        : { id: state.adminUserId, type: 'User' },
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
