/**
 * App user and group assignments (`/api/v1/apps/{appId}/users`, `/api/v1/apps/{appId}/groups`): the
 * records an app keeps and the JSON Okta returns for them (management.yaml `AppUser`, `ApplicationGroupAssignment`,
 * examples `AppUserSSOResponse`, `GroupAssignmentPutResponseExample`). No provisioning: an app user is
 * `ACTIVE` with `syncState: DISABLED`, as for an app without provisioning.
 */
import { notFound } from '../../lib/errors.js';

/** A user assigned to an app, directly (`USER`) or through a group (`GROUP`). */
export interface AppUserRecord {
  /** The Okta user id. */
  id: string;
  scope: 'USER' | 'GROUP';
  created: string;
  lastUpdated: string;
  statusChanged: string;
  /** `credentials.userName`; defaults to the user's login (the `${source.login}` template). */
  userName: string;
  /** App-specific profile attributes. */
  profile: Record<string, unknown>;
}

/** A group assigned to an app. */
export interface AppGroupRecord {
  /** The Okta group id (the assignment's `id`, as at Okta). */
  id: string;
  priority: number;
  lastUpdated: string;
  profile: Record<string, unknown>;
}

/** An app user as the API returns it. */
export function appUserJson(orgUrl: string, appId: string, user: AppUserRecord): Record<string, unknown> {
  return {
    id: user.id,
    created: user.created,
    lastUpdated: user.lastUpdated,
    scope: user.scope,
    status: 'ACTIVE',
    statusChanged: user.statusChanged,
    passwordChanged: null,
    syncState: 'DISABLED',
    credentials: { userName: user.userName },
    profile: user.profile,
    _links: {
      app: { href: `${orgUrl}/api/v1/apps/${appId}` },
      user: { href: `${orgUrl}/api/v1/users/${user.id}` },
    },
  };
}

/** A group assignment as the API returns it. */
export function appGroupJson(orgUrl: string, appId: string, group: AppGroupRecord): Record<string, unknown> {
  return {
    id: group.id,
    priority: group.priority,
    lastUpdated: group.lastUpdated,
    profile: group.profile,
    _links: {
      app: { href: `${orgUrl}/api/v1/apps/${appId}` },
      self: { href: `${orgUrl}/api/v1/apps/${appId}/groups/${group.id}` },
      group: { href: `${orgUrl}/api/v1/groups/${group.id}` },
    },
  };
}

/** The assignment of `userId`, or Okta's 404. */
export function findAppUser(users: readonly AppUserRecord[], userId: string): AppUserRecord {
  const found = users.find((u) => u.id === userId);
  if (found === undefined) throw notFound(userId, 'AppUser');
  return found;
}

/** The assignment of `groupId`, or Okta's 404. */
export function findAppGroup(groups: readonly AppGroupRecord[], groupId: string): AppGroupRecord {
  const found = groups.find((g) => g.id === groupId);
  if (found === undefined) throw notFound(groupId, 'ApplicationGroupAssignment');
  return found;
}
