/**
 * App user assignments: `GET/POST /api/v1/apps/{appId}/users`, `GET/POST/DELETE /api/v1/apps/{appId}/users/{userId}`
 * (management.yaml ApplicationUsers). Scopes `okta.apps.read` / `okta.apps.manage` with the matching apps
 * permission. No provisioning: an assigned user is `ACTIVE`, `syncState: DISABLED`.
 */
import type { FastifyInstance } from 'fastify';
import { isoTime } from '../lib/clock.js';
import { notFound, OktaApiError } from '../lib/errors.js';
import { pageById } from '../lib/paging.js';
import { refuseUnknownQuery } from '../plugins/query-params.js';
import { appUserJson, findAppUser, type AppUserRecord } from '../state/apps/app-assignments.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { isObject, manageableApp, objectBody, readableApp } from './app-access.js';

type AppParams = { Params: { appId: string } };
type AppUserParams = { Params: { appId: string; userId: string } };

/** Registers the app-user routes. */
export function registerAppUserRoutes(app: FastifyInstance, state: EmulatorState): void {
  app.get<AppParams>('/api/v1/apps/:appId/users', async (request, reply) => {
    const target = readableApp(state, request);
    refuseUnknownQuery(request.query, ['limit', 'after']);
    const sorted = [...target.appUsers].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const { page, next, limit } = pageById(sorted, request.query);
    const base = `${state.orgUrl}/api/v1/apps/${target.id}/users`;
    const links = [`<${base}?limit=${limit}>; rel="self"`];
    if (next !== undefined) links.push(`<${base}?after=${next}&limit=${limit}>; rel="next"`);
    reply.header('link', links);
    return page.map((u) => appUserJson(state.orgUrl, target.id, u));
  });

  app.post<AppParams>('/api/v1/apps/:appId/users', async (request) => {
    const target = manageableApp(state, request);
    const body = objectBody(request.body);
    if (typeof body.id !== 'string' || body.id === '') {
      throw new OktaApiError('E0000001', {
        summaryArgs: ['id'],
        causes: ['id: The field cannot be left blank'],
      });
    }
    const user = state.users.byId(body.id);
    if (user === undefined) throw notFound(body.id, 'User');
    const scope = body.scope ?? 'USER';
    if (scope !== 'USER' && scope !== 'GROUP') {
      throw new OktaApiError('E0000001', {
        summaryArgs: ['scope'],
        causes: ["scope: Must be 'USER' or 'GROUP'."],
      });
    }
    const now = isoTime(state.clock.now());
    const credentials = isObject(body.credentials) ? body.credentials : {};
    const login = user.profile.login;
    const userName = typeof credentials.userName === 'string' ? credentials.userName : (login ?? user.id);
    const existing = target.appUsers.find((u) => u.id === user.id);
    const record: AppUserRecord = {
      id: user.id,
      scope,
      created: existing?.created ?? now,
      lastUpdated: now,
      statusChanged: existing?.statusChanged ?? now,
      userName: String(userName),
      profile: isObject(body.profile) ? body.profile : (existing?.profile ?? {}),
    };
    target.appUsers = [...target.appUsers.filter((u) => u.id !== user.id), record];
    return appUserJson(state.orgUrl, target.id, record);
  });

  app.get<AppUserParams>('/api/v1/apps/:appId/users/:userId', async (request) => {
    const target = readableApp(state, request);
    return appUserJson(state.orgUrl, target.id, findAppUser(target.appUsers, request.params.userId));
  });

  app.post<AppUserParams>('/api/v1/apps/:appId/users/:userId', async (request) => {
    const target = manageableApp(state, request);
    const current = findAppUser(target.appUsers, request.params.userId);
    const body = objectBody(request.body);
    const credentials = isObject(body.credentials) ? body.credentials : {};
    const updated: AppUserRecord = {
      ...current,
      lastUpdated: isoTime(state.clock.now()),
      userName: typeof credentials.userName === 'string' ? credentials.userName : current.userName,
      profile: isObject(body.profile) ? { ...current.profile, ...body.profile } : current.profile,
    };
    target.appUsers = target.appUsers.map((u) => (u === current ? updated : u));
    return appUserJson(state.orgUrl, target.id, updated);
  });

  app.delete<AppUserParams>('/api/v1/apps/:appId/users/:userId', async (request, reply) => {
    const target = manageableApp(state, request);
    const current = findAppUser(target.appUsers, request.params.userId);
    target.appUsers = target.appUsers.filter((u) => u !== current);
    return reply.code(204).send();
  });
}
