/**
 * What an admin role allows: role assignments turned into grants (permissions over users and groups), the
 * checks routes make with them, and a per-client cache of the result.
 */
import type { Principal } from './principal.js';
import { grants } from '../state/iam/permissions.js';
import { STANDARD_ROLES } from '../state/iam/standard-roles.js';
import type { UserRecord } from '../state/users/user-record.js';
import type { ClientRoleAssignment, CustomRoleRecord, ResourceSetRecord } from '../state/iam/iam-records.js';

/** Which users a grant reaches. */
export interface UserScope {
  readonly all: boolean;
  readonly userIds: ReadonlySet<string>;
  /** Groups whose members are covered (`/groups/{id}/users`, `:contained_resources`). */
  readonly memberGroups: ReadonlySet<string>;
}

/** Which group objects a grant reaches. */
export interface GroupScope {
  readonly all: boolean;
  readonly groupIds: ReadonlySet<string>;
}

/** One role assignment seen as permissions over resources. */
export interface Grant {
  readonly permissions: ReadonlySet<string> | 'all';
  readonly users: UserScope;
  readonly groups: GroupScope;
}

/** What a caller may do: the Super Admin flag (IAM APIs) and its grants (users, groups). */
export interface Access {
  readonly superAdmin: boolean;
  readonly grants: readonly Grant[];
}

/** Group memberships as the checks read them (a `GroupStore` is one). */
export interface Memberships {
  groupsOf(userId: string): ReadonlySet<string> | undefined;
}

/** The role assignments, roles and resource sets access is derived from (an `EmulatorState` is one). */
export interface AccessSource {
  readonly clientRoles: { list(clientId: string): readonly ClientRoleAssignment[] };
  readonly roles: { find(idOrLabel: string): CustomRoleRecord | undefined };
  readonly resourceSets: { find(idOrLabel: string): ResourceSetRecord | undefined };
}

const EVERYTHING_USERS: UserScope = { all: true, userIds: new Set(), memberGroups: new Set() };
const EVERYTHING_GROUPS: GroupScope = { all: true, groupIds: new Set() };
/** The api-token principal is the org's Super Admin. */
export const SUPER_ADMIN_ACCESS: Access = {
  superAdmin: true,
  grants: [{ permissions: 'all', users: EVERYTHING_USERS, groups: EVERYTHING_GROUPS }],
};

function resourceSetScopes(set: ResourceSetRecord): { users: UserScope; groups: GroupScope } {
  let allUsers = false;
  let allGroups = false;
  const userIds = new Set<string>();
  const memberGroups = new Set<string>();
  const groupIds = new Set<string>();
  for (const entry of set.resources) {
    const ref = entry.ref;
    if (ref.kind === 'users') allUsers = true;
    else if (ref.kind === 'user') userIds.add(ref.id);
    else if (ref.kind === 'group-members') memberGroups.add(ref.id);
    else if (ref.kind === 'groups') allGroups = true;
    else if (ref.kind === 'group') groupIds.add(ref.id);
  }
  return { users: { all: allUsers, userIds, memberGroups }, groups: { all: allGroups, groupIds } };
}

/** Derives grants from assignments; roles or sets that vanished grant nothing. */
export function grantsFromAssignments(
  assignments: readonly ClientRoleAssignment[],
  findRole: (id: string) => CustomRoleRecord | undefined,
  findSet: (id: string) => ResourceSetRecord | undefined,
): Access {
  const list: Grant[] = [];
  let superAdmin = false;
  for (const a of assignments) {
    if (a.type === 'CUSTOM') {
      const role = findRole(a.role);
      const set = findSet(a.resourceSet);
      if (role === undefined || set === undefined) continue;
      list.push({ permissions: new Set(role.permissions), ...resourceSetScopes(set) });
    } else {
      if (a.type === 'SUPER_ADMIN') superAdmin = true;
      list.push({
        permissions: STANDARD_ROLES[a.type].permissions,
        users: EVERYTHING_USERS,
        groups: EVERYTHING_GROUPS,
      });
    }
  }
  return { superAdmin, grants: list };
}

interface CacheEntry {
  readonly assignments: readonly ClientRoleAssignment[];
  readonly deps: readonly (CustomRoleRecord | ResourceSetRecord | undefined)[];
  readonly access: Access;
}

/**
 * Resolves a principal's access, cached per client. The cache entry stays valid while the client's
 * assignment list and every role/resource-set record it depends on are the same objects (stores replace
 * records on change), so the hot path is a Map lookup and a few identity checks.
 */
export class AccessResolver {
  readonly #cache = new Map<string, CacheEntry>();

  constructor(private readonly state: AccessSource) {}

  /** The access of `principal`; an api-token principal is Super Admin. */
  resolve(principal: Principal): Access {
    if (principal.kind === 'api-token') return SUPER_ADMIN_ACCESS;
    const assignments = this.state.clientRoles.list(principal.clientId);
    const cached = this.#cache.get(principal.clientId);
    if (
      cached !== undefined &&
      cached.assignments === assignments &&
      this.#depsCurrent(assignments, cached.deps)
    ) {
      return cached.access;
    }
    const deps = this.#deps(assignments);
    const access = grantsFromAssignments(
      assignments,
      (id) => this.state.roles.find(id),
      (id) => this.state.resourceSets.find(id),
    );
    this.#cache.set(principal.clientId, { assignments, deps, access });
    return access;
  }

  #deps(assignments: readonly ClientRoleAssignment[]): (CustomRoleRecord | ResourceSetRecord | undefined)[] {
    const out: (CustomRoleRecord | ResourceSetRecord | undefined)[] = [];
    for (const a of assignments) {
      if (a.type !== 'CUSTOM') continue;
      out.push(this.state.roles.find(a.role), this.state.resourceSets.find(a.resourceSet));
    }
    return out;
  }

  #depsCurrent(assignments: readonly ClientRoleAssignment[], deps: readonly unknown[]): boolean {
    let i = 0;
    for (const a of assignments) {
      if (a.type !== 'CUSTOM') continue;
      if (this.state.roles.find(a.role) !== deps[i++]) return false;
      if (this.state.resourceSets.find(a.resourceSet) !== deps[i++]) return false;
    }
    return true;
  }
}

/** True when some grant holds `permission` at all (over any resource): decides 403 before 404. */
export function hasPermission(access: Access, permission: string): boolean {
  return access.grants.some((g) => grants(g.permissions, permission));
}

function userInScope(scope: UserScope, user: UserRecord, groups: Memberships): boolean {
  if (scope.all || scope.userIds.has(user.id)) return true;
  if (scope.memberGroups.size === 0) return false;
  const mine = groups.groupsOf(user.id);
  if (mine === undefined) return false;
  for (const gid of scope.memberGroups) if (mine.has(gid)) return true;
  return false;
}

/** True when some grant holds `permission` over this user. */
export function canOnUser(
  access: Access,
  permission: string,
  user: UserRecord,
  groups: Memberships,
): boolean {
  for (const g of access.grants)
    if (grants(g.permissions, permission) && userInScope(g.users, user, groups)) return true;
  return false;
}

/**
 * The users a list may show for `permission`: null for "all", otherwise a predicate (possibly matching no
 * one). Resource-restricted roles get a filtered, possibly empty, 200 list.
 */
export function userVisibility(
  access: Access,
  permission: string,
  groups: Memberships,
): ((u: UserRecord) => boolean) | null {
  const scopes: UserScope[] = [];
  for (const g of access.grants) {
    if (!grants(g.permissions, permission)) continue;
    if (g.users.all) return null;
    scopes.push(g.users);
  }
  return (user) => scopes.some((s) => userInScope(s, user, groups));
}

/** True when some grant covers creating users: all users, or the member sets of every group the user is created in. */
export function canCreateUser(access: Access, groupIds: readonly string[]): boolean {
  for (const g of access.grants) {
    if (!grants(g.permissions, 'okta.users.create')) continue;
    if (g.users.all) return true;
    if (groupIds.length > 0 && groupIds.every((gid) => g.users.memberGroups.has(gid))) return true;
  }
  return false;
}

/** True when some grant holds `permission` over this group object. */
export function canOnGroup(access: Access, permission: string, groupId: string): boolean {
  for (const g of access.grants) {
    if (grants(g.permissions, permission) && (g.groups.all || g.groups.groupIds.has(groupId))) return true;
  }
  return false;
}

/** The groups a list may show: null for all, else a predicate. */
export function groupVisibility(access: Access, permission: string): ((groupId: string) => boolean) | null {
  const scopes: GroupScope[] = [];
  for (const g of access.grants) {
    if (!grants(g.permissions, permission)) continue;
    if (g.groups.all) return null;
    scopes.push(g.groups);
  }
  return (gid) => scopes.some((s) => s.groupIds.has(gid));
}

/** One resolver per state (its cache belongs to that org). */
const resolvers = new WeakMap<AccessSource, AccessResolver>();

/**
 * The access of `principal` in `state`, through that state's cached resolver.
 *
 * @example
 * const access = resolveAccess(state, request.principal);
 */
export function resolveAccess(state: AccessSource, principal: Principal): Access {
  let resolver = resolvers.get(state);
  if (resolver === undefined) {
    resolver = new AccessResolver(state);
    resolvers.set(state, resolver);
  }
  return resolver.resolve(principal);
}
