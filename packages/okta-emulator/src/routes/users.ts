/**
 * The Users API: list with link-header pagination, get by id, login or short name, create, partial and
 * full update, deactivate and delete.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { canCreateUser, canOnUser, hasPermission, userVisibility } from '../authz/access.js';
import { guard, permit, SCOPES } from '../authz/guard.js';
import { pathOf } from '../lib/http-paths.js';
import { notFound, problem, validationFailed } from '../lib/errors.js';
import { listUsers } from '../state/users/list-users.js';
import { userEtag } from '../state/users/user-json.js';
import type { UserRecord } from '../state/users/user-record.js';
import { parseUserWriteBody, type UserWriteBody } from '../state/users/user-validation.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { assertAcceptsJson, readJsonBody, sendJsonText, useRawBodies } from '../plugins/json-body.js';
import { methodNotAllowed } from '../plugins/not-found.js';

type IdParams = { Params: { id: string } };

/** Query parameters carried over from a list request to its `next` link. */
const CARRIED_PARAMS = ['q', 'filter', 'search', 'sortBy', 'sortOrder', 'fields', 'expand'] as const;

/**
 * The Users API: list (link-header pagination), get by id/login/short name, create, partial update (POST),
 * replace (PUT), deactivate/delete. Each handler: scope check, admin-role check, then the store. Problems
 * are thrown as `OktaApiError` and rendered by the app's error handler.
 */
export function registerUserRoutes(root: FastifyInstance, state: EmulatorState): void {
  void root.register(async (app) => {
    useRawBodies(app);
    routes(app, state);
  });
}

function routes(app: FastifyInstance, state: EmulatorState): void {
  app.get('/api/v1/users', (request, reply) => {
    const access = guard(state, request, SCOPES.usersRead);
    assertAcceptsJson(request);
    permit(hasPermission(access, 'okta.users.read'));
    const query = request.query as Record<string, unknown>;
    const page = listUsers(state.users, query, userVisibility(access, 'okta.users.read', state.groups));
    const orgUrl = state.orgUrl;
    const links = [`<${orgUrl}${request.url}>; rel="self"`];
    if (page.next !== undefined) {
      let next = `${orgUrl}${pathOf(request.url)}?after=${encodeURIComponent(page.next)}&limit=${page.limit}`;
      for (const name of CARRIED_PARAMS) {
        const value = query[name];
        if (typeof value === 'string') next += `&${name}=${encodeURIComponent(value)}`;
      }
      links.push(`<${next}>; rel="next"`);
    }
    reply.header('link', links);
    let body = '[';
    for (let i = 0; i < page.users.length; i++) {
      if (i > 0) body += ',';
      body += state.userJson.item(page.users[i]!, orgUrl);
    }
    return sendJsonText(reply, 200, body + ']');
  });

  app.get<IdParams>('/api/v1/users/:id', (request, reply) => {
    const access = guard(state, request, SCOPES.usersRead);
    assertAcceptsJson(request);
    permit(hasPermission(access, 'okta.users.read'));
    const user = state.users.resolve(request.params.id);
    if (user === undefined) throw notFound(request.params.id, 'User');
    permit(canOnUser(access, 'okta.users.read', user, state.groups));
    reply.header('etag', userEtag(user));
    return sendJsonText(reply, 200, state.userJson.single(user, state.orgUrl));
  });

  app.post('/api/v1/users', (request, reply) => {
    const access = guard(state, request, SCOPES.usersManage);
    assertAcceptsJson(request);
    permit(hasPermission(access, 'okta.users.create'));
    const body = parseUserWriteBody(readJsonBody(request), 'create');
    const groupIds = body.groupIds ?? [];
    for (const gid of groupIds) {
      if (state.groups.byId(gid) === undefined)
        throw validationFailed('groupIds', [`groupIds: Group ${gid} does not exist`]);
    }
    permit(canCreateUser(access, groupIds));
    const activate = parseActivate((request.query as Record<string, unknown>).activate);
    const user = state.users.create({ ...body, profile: body.profile ?? {}, activate });
    for (const gid of groupIds) state.groups.addMember(gid, user.id);
    reply.header('etag', userEtag(user));
    return sendJsonText(reply, 200, state.userJson.single(user, state.orgUrl));
  });

  const write = (mode: 'partial' | 'replace') => (request: FastifyRequest<IdParams>, reply: FastifyReply) => {
    const access = guard(state, request, SCOPES.usersManage);
    assertAcceptsJson(request);
    const body = parseUserWriteBody(readJsonBody(request), 'update');
    const needed = permissionsFor(body);
    permit(needed.every((p) => hasPermission(access, p)));
    const user = state.users.resolve(request.params.id);
    if (user === undefined) throw notFound(request.params.id, 'User');
    permit(needed.every((p) => canOnUser(access, p, user, state.groups)));
    checkIfMatch(request, user);
    if (user.status === 'DEPROVISIONED') throw problem('E0000038');
    const updated = state.users.update(user.id, body, mode);
    reply.header('etag', userEtag(updated));
    return sendJsonText(reply, 200, state.userJson.single(updated, state.orgUrl));
  };
  app.post<IdParams>('/api/v1/users/:id', write('partial'));
  app.put<IdParams>('/api/v1/users/:id', write('replace'));

  app.delete<IdParams>('/api/v1/users/:id', (request, reply) => {
    const access = guard(state, request, SCOPES.usersManage);
    const user = state.users.resolve(request.params.id);
    const permission =
      user?.status === 'DEPROVISIONED' ? 'okta.users.lifecycle.delete' : 'okta.users.lifecycle.deactivate';
    permit(hasPermission(access, permission));
    if (user === undefined) throw notFound(request.params.id, 'User');
    permit(canOnUser(access, permission, user, state.groups));
    if (state.users.deleteOrDeactivate(user.id) === 'deleted') state.groups.forgetUser(user.id);
    return reply.code(204).send();
  });

  methodNotAllowed(app, '/api/v1/users', ['GET', 'POST']);
  methodNotAllowed(app, '/api/v1/users/:id', ['GET', 'POST', 'PUT', 'DELETE']);
}

/**
 * The admin permissions a user write needs: profile changes need `okta.users.userprofile.manage`,
 * credential changes `okta.users.credentials.manage` (both implied by `okta.users.manage`). A body with
 * neither still needs profile rights.
 */
export function permissionsFor(body: UserWriteBody): string[] {
  const needed: string[] = [];
  if (body.profile !== undefined) needed.push('okta.users.userprofile.manage');
  if (body.password !== undefined || body.recoveryQuestion !== undefined)
    needed.push('okta.users.credentials.manage');
  if (needed.length === 0) needed.push('okta.users.userprofile.manage');
  return needed;
}

/** `If-Match` is optional; when present it must equal the current ETag (412 E0000231 otherwise). */
function checkIfMatch(request: FastifyRequest, user: UserRecord): void {
  const ifMatch = request.headers['if-match'];
  if (ifMatch === undefined || ifMatch === '*') return;
  const etag = userEtag(user);
  const candidates = ifMatch.split(',').map((s) => s.trim());
  if (!candidates.includes(etag) && !candidates.includes(etag.slice(2))) throw problem('E0000231');
}

/** `?activate=` defaults to true; only the strings true/false are accepted. */
function parseActivate(value: unknown): boolean {
  if (value === undefined || value === 'true') return true;
  if (value === 'false') return false;
  throw validationFailed('activate', ['activate: The value must be true or false']);
}
