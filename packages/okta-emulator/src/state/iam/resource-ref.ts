/**
 * Resource-set resources: parsing the two forms Okta accepts (this org's REST URLs and ORNs) into one
 * normalised reference, and rendering it back.
 */
/**
 * A resource-set resource, normalised from either form Okta accepts: a REST URL
 * (`https://{org}/api/v1/groups/{id}/users`) or an ORN (`orn:okta:directory:{orgId}:groups:{id}:contained_resources`).
 * `users`, `user`, `group-members` scope users; `groups`/`group` scope group objects only (a group
 * object alone grants nothing over its members); `other` is stored and echoed but scopes nothing here.
 */
export type ResourceRef =
  | { kind: 'users' }
  | { kind: 'user'; id: string }
  | { kind: 'groups' }
  | { kind: 'group'; id: string }
  | { kind: 'group-members'; id: string }
  | { kind: 'other'; path: string; orn: string };

const ID = /^[0-9A-Za-z]{1,64}$/;
const APP_TYPE = /^[a-z0-9_]{1,64}$/;

/** The org a resource must belong to: its id (in ORNs) and its URL (in REST URLs). */
export interface ResourceOrg {
  readonly orgId: string;
  readonly orgUrl: string;
}

/** A path segment that is `.` or `..`, also percent-encoded: URL parsing would resolve it away. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;

/**
 * Parses a resource given as REST URL or ORN; `undefined` when it is neither a URL of this org (same host,
 * no dot segments, no query) nor an ORN of this org.
 *
 * @example
 * parseResource('https://dev-1.okta.com/api/v1/users', { orgId, orgUrl: 'https://dev-1.okta.com' }); // { kind: 'users' }
 */
export function parseResource(value: string, org: ResourceOrg): ResourceRef | undefined {
  if (value.startsWith('orn:')) return parseOrn(value, org.orgId);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return undefined;
  if (url.host !== new URL(org.orgUrl).host) return undefined;
  // The path as sent: `…/users/../apps` must not become the apps resource.
  const afterHost = value.slice(value.indexOf('//') + 2);
  const rawPath = afterHost.includes('/') ? afterHost.slice(afterHost.indexOf('/')) : '/';
  if (rawPath.split('/').some((segment) => DOT_SEGMENT.test(segment))) return undefined;
  return parsePath(url.pathname.replace(/\/+$/, ''), org.orgId);
}

function parsePath(path: string, orgId: string): ResourceRef | undefined {
  const parts = path.split('/').slice(1);
  if (parts[0] !== 'api' || parts[1] !== 'v1') return undefined;
  const [, , collection, id, sub, ...rest] = parts;
  if (rest.length > 0) return undefined;
  if (id !== undefined && !ID.test(id)) return undefined;
  switch (collection) {
    case 'users':
      if (sub !== undefined) return undefined;
      return id === undefined ? { kind: 'users' } : { kind: 'user', id };
    case 'groups':
      if (id === undefined) return sub === undefined ? { kind: 'groups' } : undefined;
      if (sub === undefined) return { kind: 'group', id };
      return sub === 'users' ? { kind: 'group-members', id } : undefined;
    case 'apps':
      if (sub !== undefined) return undefined;
      return {
        kind: 'other',
        path,
        orn: `orn:okta:idp:${orgId}:apps${id === undefined ? '' : `:oidc_client:${id}`}`,
      };
    case 'realms':
      if (sub !== undefined) return undefined;
      return {
        kind: 'other',
        path,
        orn: `orn:okta:directory:${orgId}:realms${id === undefined ? '' : `:${id}`}`,
      };
    default:
      return undefined;
  }
}

function parseOrn(value: string, orgId: string): ResourceRef | undefined {
  const parts = value.split(':');
  // orn:{partition}:{service}:{orgId}:{type}[:...]
  if (parts.length < 5 || parts[1] === '' || parts[3] !== orgId) return undefined;
  const [, , service, , type, id, extra, ...rest] = parts;
  if (rest.length > 0) return undefined;
  if (id !== undefined && !ID.test(id)) {
    if (!(service === 'idp' && type === 'apps' && APP_TYPE.test(id))) return undefined;
  }
  if (service === 'directory') {
    if (type === 'users') {
      if (extra !== undefined) return undefined;
      return id === undefined ? { kind: 'users' } : { kind: 'user', id };
    }
    if (type === 'groups') {
      if (id === undefined) return { kind: 'groups' };
      if (extra === undefined) return { kind: 'group', id };
      return extra === 'contained_resources' ? { kind: 'group-members', id } : undefined;
    }
    if (type === 'realms' && extra === undefined) {
      return { kind: 'other', path: `/api/v1/realms${id === undefined ? '' : `/${id}`}`, orn: value };
    }
    return undefined;
  }
  if (service === 'idp' && type === 'apps') {
    if (extra !== undefined && !ID.test(extra)) return undefined;
    return { kind: 'other', path: `/api/v1/apps${extra === undefined ? '' : `/${extra}`}`, orn: value };
  }
  return undefined;
}

/**
 * The ORN Okta reports for a resource. The partition is the org's cell: `okta` for
 * production orgs (the default), `oktapreview` for preview orgs.
 */
export function resourceOrn(ref: ResourceRef, orgId: string, partition = 'okta'): string {
  const directory = `orn:${partition}:directory:${orgId}`;
  switch (ref.kind) {
    case 'users':
      return `${directory}:users`;
    case 'user':
      return `${directory}:users:${ref.id}`;
    case 'groups':
      return `${directory}:groups`;
    case 'group':
      return `${directory}:groups:${ref.id}`;
    case 'group-members':
      return `${directory}:groups:${ref.id}:contained_resources`;
    case 'other':
      return ref.orn;
  }
}

/** The REST path of a resource (`/api/v1/groups/{id}/users`, ...). */
export function resourcePath(ref: ResourceRef): string {
  switch (ref.kind) {
    case 'users':
      return '/api/v1/users';
    case 'user':
      return `/api/v1/users/${ref.id}`;
    case 'groups':
      return '/api/v1/groups';
    case 'group':
      return `/api/v1/groups/${ref.id}`;
    case 'group-members':
      return `/api/v1/groups/${ref.id}/users`;
    case 'other':
      return ref.path;
  }
}

/** Identity of a resource for de-duplication inside one resource set. */
export function resourceKey(ref: ResourceRef, orgId: string): string {
  return resourceOrn(ref, orgId);
}
