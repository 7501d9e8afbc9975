/**
 * App group assignments: `GET /api/v1/apps/{appId}/groups`, `GET/PUT/DELETE /api/v1/apps/{appId}/groups/{groupId}`
 * (management.yaml ApplicationGroups). Scopes `okta.apps.read` / `okta.apps.manage` with the matching apps
 * permission. The assignment's `id` is the group's id, as at Okta; `PUT` takes an optional body
 * (`priority`, `profile`).
 */
import type { FastifyInstance } from 'fastify';
import { isoTime } from '../lib/clock.js';
import { notFound, OktaApiError } from '../lib/errors.js';
import { pageById } from '../lib/paging.js';
import { refuseUnknownQuery } from '../plugins/query-params.js';
import { appGroupJson, findAppGroup, type AppGroupRecord } from '../state/apps/app-assignments.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { readJsonBody, useRawBodies } from '../plugins/json-body.js';
import { isObject, manageableApp, objectBody, readableApp } from './app-access.js';

type AppParams = { Params: { appId: string } };
type AppGroupParams = { Params: { appId: string; groupId: string } };

/**
 * Registers the app-group routes. They read raw bodies: `PUT .../groups/{groupId}` is often sent with no
 * body at all (Okta's SDKs do), which the framework's JSON parser would refuse.
 */
export function registerAppGroupRoutes(root: FastifyInstance, state: EmulatorState): void {
  void root.register(async (app) => {
    useRawBodies(app);
    routes(app, state);
  });
}

function routes(app: FastifyInstance, state: EmulatorState): void {
  app.get<AppParams>('/api/v1/apps/:appId/groups', async (request, reply) => {
    const target = readableApp(state, request);
    refuseUnknownQuery(request.query, ['limit', 'after']);
    const sorted = [...target.appGroups].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const { page, next, limit } = pageById(sorted, request.query);
    const base = `${state.orgUrl}/api/v1/apps/${target.id}/groups`;
    const links = [`<${base}?limit=${limit}>; rel="self"`];
    if (next !== undefined) links.push(`<${base}?after=${next}&limit=${limit}>; rel="next"`);
    reply.header('link', links);
    return page.map((g) => appGroupJson(state.orgUrl, target.id, g));
  });

  app.put<AppGroupParams>('/api/v1/apps/:appId/groups/:groupId', async (request) => {
    const target = manageableApp(state, request);
    const group = state.groups.byId(request.params.groupId);
    if (group === undefined) throw notFound(request.params.groupId, 'UserGroup');
    const raw = request.body;
    const body = raw === undefined || raw === null || raw === '' ? {} : objectBody(readJsonBody(request));
    const existing = target.appGroups.find((g) => g.id === group.id);
    let priority = existing?.priority ?? target.appGroups.length;
    if (body.priority !== undefined && body.priority !== null) {
      if (typeof body.priority !== 'number' || !Number.isInteger(body.priority) || body.priority < 0) {
        throw new OktaApiError('E0000001', {
          summaryArgs: ['priority'],
          causes: ['priority: The value must be a whole number, 0 or more.'],
        });
      }
      priority = body.priority;
    }
    if (body.profile !== undefined && body.profile !== null && !isObject(body.profile))
      throw new OktaApiError('E0000003');
    const record: AppGroupRecord = {
      id: group.id,
      priority,
      lastUpdated: isoTime(state.clock.now()),
      profile: isObject(body.profile) ? body.profile : (existing?.profile ?? {}),
    };
    target.appGroups = [...target.appGroups.filter((g) => g.id !== group.id), record];
    return appGroupJson(state.orgUrl, target.id, record);
  });

  app.get<AppGroupParams>('/api/v1/apps/:appId/groups/:groupId', async (request) => {
    const target = readableApp(state, request);
    return appGroupJson(state.orgUrl, target.id, findAppGroup(target.appGroups, request.params.groupId));
  });

  app.delete<AppGroupParams>('/api/v1/apps/:appId/groups/:groupId', async (request, reply) => {
    const target = manageableApp(state, request);
    const current = findAppGroup(target.appGroups, request.params.groupId);
    target.appGroups = target.appGroups.filter((g) => g !== current);
    return reply.code(204).send();
  });
}
