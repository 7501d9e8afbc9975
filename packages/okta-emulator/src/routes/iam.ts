/**
 * The IAM routes: custom roles, resource sets (resources, bindings) and client role assignments, for a
 * Super Admin only.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { guardSuperAdmin, SCOPES } from '../authz/guard.js';
import { notFound, OktaApiError, problem, validationFailed } from '../lib/errors.js';
import {
  clientRoleJson,
  customRoleJson,
  permissionJson,
  resourceJson,
  resourceSetJson,
} from '../state/iam/iam-json.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { readJsonBody, sendJsonText, useRawBodies } from '../plugins/json-body.js';
import { methodNotAllowed } from '../plugins/not-found.js';

type RoleParams = { Params: { roleIdOrLabel: string } };
type SetParams = { Params: { resourceSetId: string } };
type ClientParams = { Params: { clientId: string } };

/** Page size of the IAM collections (they page with `after`, as Okta's `LinksNext`). */
export const IAM_PAGE_SIZE = 20;

function page<T extends { id: string }>(items: readonly T[], query: unknown): { items: T[]; next?: string } {
  const q = (query ?? {}) as Record<string, unknown>;
  const after = typeof q.after === 'string' ? q.after : undefined;
  let start = 0;
  if (after !== undefined && after !== '') {
    const at = items.findIndex((i) => i.id === after);
    if (at < 0) throw problem('E0000029');
    start = at + 1;
  }
  const slice = items.slice(start, start + IAM_PAGE_SIZE);
  const last = slice[slice.length - 1];
  return start + IAM_PAGE_SIZE < items.length && last ? { items: slice, next: last.id } : { items: slice };
}

/**
 * Custom roles, resource sets (resources, bindings) and client role assignments. Only a Super Admin may
 * use them (an ORG_ADMIN or READ_ONLY_ADMIN app gets 403 E0000006 even with okta.roles.* scopes, as
 * observed on a real org).
 */
export function registerIamRoutes(root: FastifyInstance, state: EmulatorState): void {
  void root.register(async (app) => {
    useRawBodies(app);
    routes(app, state);
  });
}

function routes(app: FastifyInstance, state: EmulatorState): void {
  const json = (reply: FastifyReply, value: unknown) => sendJsonText(reply, 200, JSON.stringify(value));

  app.post('/api/v1/iam/roles', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesManage);
    const role = state.roles.create(readJsonBody(request));
    return json(reply, customRoleJson(role, state.orgUrl));
  });

  app.get('/api/v1/iam/roles', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesRead);
    const orgUrl = state.orgUrl;
    const { items, next } = page(state.roles.all(), request.query);
    return json(reply, {
      roles: items.map((r) => customRoleJson(r, orgUrl)),
      _links: next === undefined ? {} : { next: { href: `${orgUrl}/api/v1/iam/roles?after=${next}` } },
    });
  });

  app.get<RoleParams>('/api/v1/iam/roles/:roleIdOrLabel', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesRead);
    return json(reply, customRoleJson(state.roles.get(request.params.roleIdOrLabel), state.orgUrl));
  });

  app.get<RoleParams>('/api/v1/iam/roles/:roleIdOrLabel/permissions', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesRead);
    const role = state.roles.get(request.params.roleIdOrLabel);
    const orgUrl = state.orgUrl;
    return json(reply, { permissions: role.permissions.map((p) => permissionJson(role, p, orgUrl)) });
  });

  app.get<{ Params: { roleIdOrLabel: string; permissionType: string } }>(
    '/api/v1/iam/roles/:roleIdOrLabel/permissions/:permissionType',
    (request, reply) => {
      guardSuperAdmin(state, request, SCOPES.rolesRead);
      const role = state.roles.get(request.params.roleIdOrLabel);
      const label = request.params.permissionType;
      if (!role.permissions.includes(label)) throw notFound(label, 'Permission');
      return json(reply, permissionJson(role, label, state.orgUrl));
    },
  );

  app.post('/api/v1/iam/resource-sets', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesManage);
    return json(reply, resourceSetJson(state.resourceSets.create(readJsonBody(request)), state.orgUrl));
  });

  app.get('/api/v1/iam/resource-sets', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesRead);
    const orgUrl = state.orgUrl;
    const { items, next } = page(state.resourceSets.all(), request.query);
    return json(reply, {
      'resource-sets': items.map((s) => resourceSetJson(s, orgUrl)),
      _links:
        next === undefined ? {} : { next: { href: `${orgUrl}/api/v1/iam/resource-sets?after=${next}` } },
    });
  });

  app.get<SetParams>('/api/v1/iam/resource-sets/:resourceSetId', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesRead);
    return json(reply, resourceSetJson(state.resourceSets.get(request.params.resourceSetId), state.orgUrl));
  });

  app.get<SetParams>('/api/v1/iam/resource-sets/:resourceSetId/resources', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesRead);
    const set = state.resourceSets.get(request.params.resourceSetId);
    const orgUrl = state.orgUrl;
    const self = `${orgUrl}/api/v1/iam/resource-sets/${set.id}`;
    const { items, next } = page(set.resources, request.query);
    return json(reply, {
      resources: items.map((e) => resourceJson(set, e, orgUrl, state.orgId)),
      _links: {
        ...(next === undefined ? {} : { next: { href: `${self}/resources?after=${next}` } }),
        'resource-set': { href: self },
      },
    });
  });

  app.patch<SetParams>('/api/v1/iam/resource-sets/:resourceSetId/resources', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesManage);
    const set = state.resourceSets.addResources(request.params.resourceSetId, readJsonBody(request));
    return json(reply, resourceSetJson(set, state.orgUrl));
  });

  app.post<SetParams>('/api/v1/iam/resource-sets/:resourceSetId/bindings', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesManage);
    const set = state.resourceSets.get(request.params.resourceSetId);
    const body = readJsonBody(request) as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw problem('E0000003');
    if (typeof body.role !== 'string' || body.role === '')
      throw validationFailed('role', ['role: The field cannot be left blank']);
    const role = state.roles.find(body.role);
    if (role === undefined) throw notFound(body.role, 'CustomRole');
    const members = body.members;
    if (!Array.isArray(members) || members.length === 0 || !members.every((m) => typeof m === 'string')) {
      throw validationFailed('members', ['members: The field cannot be left blank']);
    }
    const clients: string[] = [];
    const causes: string[] = [];
    for (const href of members as string[]) {
      const member = parseMember(href);
      if (member === undefined) causes.push(`members: ${href} is not a user, group or client URL`);
      else if (member.kind === 'client') {
        if (state.apps.has(member.id)) clients.push(member.id);
        else causes.push(`members: The client ${member.id} does not exist`);
      } else if (member.kind === 'user' && state.users.byId(member.id) === undefined) {
        causes.push(`members: The user ${member.id} does not exist`);
      } else if (member.kind === 'group' && state.groups.byId(member.id) === undefined) {
        causes.push(`members: The group ${member.id} does not exist`);
      }
    }
    if (causes.length > 0) throw validationFailed('members', causes);
    state.resourceSets.bind(set.id, role.id, members as string[]);
    for (const clientId of clients) {
      try {
        state.clientRoles.assign(clientId, { type: 'CUSTOM', role: role.id, resourceSet: set.id });
      } catch (error) {
        if (!(error instanceof OktaApiError && error.errorCode === 'E0000090')) throw error;
      }
    }
    const orgUrl = state.orgUrl;
    const self = `${orgUrl}/api/v1/iam/resource-sets/${set.id}`;
    return json(reply, {
      _links: {
        self: { href: `${self}/bindings/${role.id}` },
        bindings: { href: `${self}/bindings` },
        'resource-set': { href: self },
      },
    });
  });

  app.get<SetParams>('/api/v1/iam/resource-sets/:resourceSetId/bindings', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesRead);
    const set = state.resourceSets.get(request.params.resourceSetId);
    const orgUrl = state.orgUrl;
    const self = `${orgUrl}/api/v1/iam/resource-sets/${set.id}`;
    return json(reply, {
      roles: Object.keys(set.bindings).map((roleId) => ({
        id: roleId,
        _links: {
          self: { href: `${self}/bindings/${roleId}` },
          members: { href: `${self}/bindings/${roleId}/members` },
        },
      })),
      _links: { self: { href: `${self}/bindings` }, 'resource-set': { href: self } },
    });
  });

  app.get<ClientParams>('/oauth2/v1/clients/:clientId/roles', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesRead);
    const { clientId } = request.params;
    if (!state.apps.has(clientId)) throw notFound(clientId, 'Client');
    const orgUrl = state.orgUrl;
    const label = (id: string) => state.roles.find(id)?.label ?? id;
    return json(
      reply,
      state.clientRoles.list(clientId).map((a) => clientRoleJson(clientId, a, orgUrl, label)),
    );
  });

  app.post<ClientParams>('/oauth2/v1/clients/:clientId/roles', (request, reply) => {
    guardSuperAdmin(state, request, SCOPES.rolesManage);
    const { clientId } = request.params;
    if (!state.apps.has(clientId)) throw notFound(clientId, 'Client');
    const body = readJsonBody(request) as Record<string, unknown> | null;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw problem('E0000003');
    if (typeof body.type !== 'string' || body.type === '')
      throw validationFailed('type', ['type: The field cannot be left blank']);
    const input: { type: string; role?: string; resourceSet?: string } = { type: body.type };
    if (typeof body.role === 'string') input.role = body.role;
    if (typeof body['resource-set'] === 'string') input.resourceSet = body['resource-set'];
    const assignment = state.clientRoles.assign(clientId, input);
    const label = (id: string) => state.roles.find(id)?.label ?? id;
    return json(reply, clientRoleJson(clientId, assignment, state.orgUrl, label));
  });

  app.get<{ Params: { clientId: string; assignmentId: string } }>(
    '/oauth2/v1/clients/:clientId/roles/:assignmentId',
    (request, reply) => {
      guardSuperAdmin(state, request, SCOPES.rolesRead);
      const { clientId, assignmentId } = request.params;
      if (!state.apps.has(clientId)) throw notFound(clientId, 'Client');
      const a = state.clientRoles.list(clientId).find((x) => x.id === assignmentId);
      if (a === undefined) throw notFound(assignmentId, 'RoleAssignment');
      const label = (id: string) => state.roles.find(id)?.label ?? id;
      return json(reply, clientRoleJson(clientId, a, state.orgUrl, label));
    },
  );

  app.delete<{ Params: { clientId: string; assignmentId: string } }>(
    '/oauth2/v1/clients/:clientId/roles/:assignmentId',
    (request, reply) => {
      guardSuperAdmin(state, request, SCOPES.rolesManage);
      const { clientId, assignmentId } = request.params;
      if (!state.apps.has(clientId)) throw notFound(clientId, 'Client');
      state.clientRoles.unassign(clientId, assignmentId);
      return reply.code(204).send();
    },
  );

  methodNotAllowed(app, '/api/v1/iam/roles', ['GET', 'POST']);
  methodNotAllowed(app, '/api/v1/iam/resource-sets', ['GET', 'POST']);
  methodNotAllowed(app, '/api/v1/iam/resource-sets/:resourceSetId/resources', ['GET', 'PATCH']);
  methodNotAllowed(app, '/oauth2/v1/clients/:clientId/roles', ['GET', 'POST']);
}

/** A binding member URL: `/api/v1/users/{id}`, `/api/v1/groups/{id}`, or a client (`/oauth2/v1/clients/{id}`, `/api/v1/apps/{id}`; the form is undocumented). */
export function parseMember(href: string): { kind: 'user' | 'group' | 'client'; id: string } | undefined {
  let path: string;
  try {
    path = new URL(href).pathname;
  } catch {
    return undefined;
  }
  const m = /^\/(?:api\/v1\/(users|groups|apps)|oauth2\/v1\/(clients))\/([0-9A-Za-z]{1,64})$/.exec(path);
  if (m === null) return undefined;
  const kind = m[1] === 'users' ? 'user' : m[1] === 'groups' ? 'group' : 'client';
  return { kind, id: m[3]! };
}
