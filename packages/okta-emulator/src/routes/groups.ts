/**
 * The Groups API the emulator models: create, list, get, and group members (add, remove, list).
 */
import type { FastifyInstance } from 'fastify';
import { canOnGroup, canOnUser, groupVisibility, hasPermission, userVisibility } from '../authz/access.js';
import { guard, permit, SCOPES } from '../authz/guard.js';
import { pathOf } from '../lib/http-paths.js';
import { notFound, problem, validationFailed } from '../lib/errors.js';
import { groupJson } from '../state/iam/iam-json.js';
import { parseLimit } from '../state/users/list-users.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { readJsonBody, sendJsonText, useRawBodies } from '../plugins/json-body.js';
import { methodNotAllowed } from '../plugins/not-found.js';

type GroupParams = { Params: { groupId: string } };

/**
 * A minimal Groups API, enough to build resource sets over group members: create, list, get, list members,
 * add a member. Scopes `okta.groups.read`/`okta.groups.manage`; admin permissions `okta.groups.read`,
 * `okta.groups.create`, `okta.groups.members.manage` (or `okta.users.groupMembership.manage` on the user).
 */
export function registerGroupRoutes(root: FastifyInstance, state: EmulatorState): void {
  void root.register(async (app) => {
    useRawBodies(app);
    routes(app, state);
  });
}

function routes(app: FastifyInstance, state: EmulatorState): void {
  app.post('/api/v1/groups', (request, reply) => {
    const access = guard(state, request, SCOPES.groupsManage);
    permit(hasPermission(access, 'okta.groups.create'));
    const body = readJsonBody(request) as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw problem('E0000003');
    const profile = body.profile as Record<string, unknown> | undefined;
    if (typeof profile !== 'object' || profile === null || typeof profile.name !== 'string') {
      throw validationFailed('name', ['name: The field cannot be left blank']);
    }
    const description = typeof profile.description === 'string' ? profile.description : null;
    return sendJsonText(
      reply,
      200,
      JSON.stringify(groupJson(state.groups.create(profile.name, description), state.orgUrl)),
    );
  });

  app.get('/api/v1/groups', (request, reply) => {
    const access = guard(state, request, SCOPES.groupsRead);
    permit(hasPermission(access, 'okta.groups.read'));
    const query = request.query as Record<string, unknown>;
    const limit = parseLimit(typeof query.limit === 'string' ? query.limit : undefined, 200);
    const after = typeof query.after === 'string' ? query.after : '';
    const q = typeof query.q === 'string' ? query.q.toLowerCase() : undefined;
    const visible = groupVisibility(access, 'okta.groups.read');
    const all = state.groups
      .all()
      .filter(
        (g) => (visible === null || visible(g.id)) && (q === undefined || g.name.toLowerCase().startsWith(q)),
      )
      .filter((g) => after === '' || g.id > after);
    const items = all.slice(0, limit);
    const orgUrl = state.orgUrl;
    const links = [`<${orgUrl}${request.url}>; rel="self"`];
    const last = items[items.length - 1];
    if (all.length > limit && last && q === undefined) {
      links.push(`<${orgUrl}${pathOf(request.url)}?after=${last.id}&limit=${limit}>; rel="next"`);
    }
    reply.header('link', links);
    return sendJsonText(reply, 200, JSON.stringify(items.map((g) => groupJson(g, orgUrl))));
  });

  app.get<GroupParams>('/api/v1/groups/:groupId', (request, reply) => {
    const access = guard(state, request, SCOPES.groupsRead);
    permit(hasPermission(access, 'okta.groups.read'));
    const group = state.groups.byId(request.params.groupId);
    if (group === undefined) throw notFound(request.params.groupId, 'UserGroup');
    permit(canOnGroup(access, 'okta.groups.read', group.id));
    return sendJsonText(reply, 200, JSON.stringify(groupJson(group, state.orgUrl)));
  });

  app.get<GroupParams>('/api/v1/groups/:groupId/users', (request, reply) => {
    const access = guard(state, request, SCOPES.groupsRead);
    const canGroups = hasPermission(access, 'okta.groups.read');
    const canUsers = hasPermission(access, 'okta.users.read');
    permit(canGroups || canUsers);
    const group = state.groups.byId(request.params.groupId);
    if (group === undefined) throw notFound(request.params.groupId, 'UserGroup');
    const wholeGroup = canOnGroup(access, 'okta.groups.read', group.id);
    const visible = wholeGroup ? null : userVisibility(access, 'okta.users.read', state.groups);
    const orgUrl = state.orgUrl;
    const users = [...state.groups.members(group.id)]
      .sort()
      .map((id) => state.users.byId(id))
      .filter((u) => u !== undefined && (visible === null || visible(u)));
    reply.header('link', [`<${orgUrl}${request.url}>; rel="self"`]);
    return sendJsonText(reply, 200, `[${users.map((u) => state.userJson.item(u!, orgUrl)).join(',')}]`);
  });

  app.put<{ Params: { groupId: string; userId: string } }>(
    '/api/v1/groups/:groupId/users/:userId',
    (request, reply) => {
      const access = guard(state, request, SCOPES.groupsManage);
      const byGroup = hasPermission(access, 'okta.groups.members.manage');
      const byUser = hasPermission(access, 'okta.users.groupMembership.manage');
      permit(byGroup || byUser);
      const group = state.groups.byId(request.params.groupId);
      if (group === undefined) throw notFound(request.params.groupId, 'UserGroup');
      const user = state.users.byId(request.params.userId);
      if (user === undefined) throw notFound(request.params.userId, 'User');
      const allowed =
        canOnGroup(access, 'okta.groups.members.manage', group.id) ||
        canOnUser(access, 'okta.users.groupMembership.manage', user, state.groups);
      permit(allowed);
      state.groups.addMember(group.id, user.id);
      return reply.code(204).send();
    },
  );

  methodNotAllowed(app, '/api/v1/groups', ['GET', 'POST']);
}
