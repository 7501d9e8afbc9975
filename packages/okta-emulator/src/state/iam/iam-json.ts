/**
 * How IAM objects render: custom roles, permissions, resource sets and their resources, client role
 * assignments and groups, with Okta's links.
 */
import { resourceOrn, resourcePath } from './resource-ref.js';
import { STANDARD_ROLES } from './standard-roles.js';
import type {
  ClientRoleAssignment,
  CustomRoleRecord,
  GroupRecord,
  ResourceEntry,
  ResourceSetRecord,
} from './iam-records.js';

type Link = { href: string };

/** A custom role as `/api/v1/iam/roles` returns it (management.yaml `IamRole` example). */
export function customRoleJson(role: CustomRoleRecord, orgUrl: string): Record<string, unknown> {
  const self = `${orgUrl}/api/v1/iam/roles/${role.id}`;
  return {
    id: role.id,
    label: role.label,
    description: role.description,
    created: role.created,
    lastUpdated: role.lastUpdated,
    _links: { permissions: { href: `${self}/permissions` }, self: { href: self } },
  };
}

/** One permission of a custom role (management.yaml `Permission`). */
export function permissionJson(
  role: CustomRoleRecord,
  label: string,
  orgUrl: string,
): Record<string, unknown> {
  const roleHref = `${orgUrl}/api/v1/iam/roles/${role.id}`;
  return {
    label,
    created: role.created,
    lastUpdated: role.lastUpdated,
    _links: { role: { href: roleHref }, self: { href: `${roleHref}/permissions/${label}` } },
  };
}

/** A resource set (management.yaml `ResourceSet` example). */
export function resourceSetJson(set: ResourceSetRecord, orgUrl: string): Record<string, unknown> {
  const self = `${orgUrl}/api/v1/iam/resource-sets/${set.id}`;
  return {
    id: set.id,
    label: set.label,
    description: set.description,
    created: set.created,
    lastUpdated: set.lastUpdated,
    _links: {
      self: { href: self },
      resources: { href: `${self}/resources` },
      bindings: { href: `${self}/bindings` },
    },
  };
}

/** One resource of a set: `orn` plus the REST URL as `_links.self` (management.yaml `ResourceSetResource` example). */
export function resourceJson(
  set: ResourceSetRecord,
  entry: ResourceEntry,
  orgUrl: string,
  orgId: string,
): Record<string, unknown> {
  const href = `${orgUrl}${resourcePath(entry.ref)}`;
  const links: Record<string, Link> = { self: { href } };
  if (entry.ref.kind === 'users') links.users = { href };
  if (entry.ref.kind === 'groups') links.groups = { href };
  links.resource = { href: `${orgUrl}/api/v1/iam/resource-sets/${set.id}/resources/${entry.id}` };
  return {
    id: entry.id,
    orn: resourceOrn(entry.ref, orgId),
    created: entry.created,
    lastUpdated: entry.lastUpdated,
    _links: links,
  };
}

/** A client role assignment (management.yaml `StandardRole` / `CustomRole` examples for `/oauth2/v1/clients/{clientId}/roles`). */
export function clientRoleJson(
  clientId: string,
  a: ClientRoleAssignment,
  orgUrl: string,
  roleLabel: (id: string) => string,
): Record<string, unknown> {
  if (a.type !== 'CUSTOM') {
    return {
      id: a.id,
      label: STANDARD_ROLES[a.type].label,
      type: a.type,
      status: 'ACTIVE',
      created: a.created,
      lastUpdated: a.lastUpdated,
      assignmentType: 'CLIENT',
      _links: { assignee: { href: `${orgUrl}/oauth2/v1/clients/${clientId}/roles` } },
    };
  }
  const rs = `${orgUrl}/api/v1/iam/resource-sets/${a.resourceSet}`;
  const role = `${orgUrl}/api/v1/iam/roles/${a.role}`;
  return {
    id: a.id,
    label: roleLabel(a.role),
    type: 'CUSTOM',
    status: 'ACTIVE',
    created: a.created,
    lastUpdated: a.lastUpdated,
    assignmentType: 'CLIENT',
    'resource-set': a.resourceSet,
    role: a.role,
    _links: {
      role: { href: role },
      'resource-set': { href: rs },
      permissions: { href: `${role}/permissions` },
      member: { href: `${rs}/bindings/${a.role}/members/${a.id}` },
      assignee: { href: `${orgUrl}/oauth2/v1/clients/${clientId}` },
    },
  };
}

/** A group (management.yaml `Group`, trimmed to what this emulator models). */
export function groupJson(group: GroupRecord, orgUrl: string): Record<string, unknown> {
  const self = `${orgUrl}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: group.created,
    lastUpdated: group.lastUpdated,
    lastMembershipUpdated: group.lastMembershipUpdated,
    objectClass: ['okta:user_group'],
    type: 'OKTA_GROUP',
    profile:
      group.description === null
        ? { name: group.name }
        : { name: group.name, description: group.description },
    _links: { users: { href: `${self}/users` }, apps: { href: `${self}/apps` } },
  };
}
