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

/** Parses a resource given as REST URL or ORN; `undefined` when it is neither a supported URL nor an ORN of this org. */
export function parseResource(value: string, orgId: string): ResourceRef | undefined {
  if (value.startsWith('orn:')) return parseOrn(value, orgId);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.search !== '' || url.hash !== '') return undefined;
  return parsePath(url.pathname.replace(/\/+$/, ''), orgId);
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

/** The ORN Okta reports for a resource (partition `okta`). */
export function resourceOrn(ref: ResourceRef, orgId: string): string {
  switch (ref.kind) {
    case 'users':
      return `orn:okta:directory:${orgId}:users`;
    case 'user':
      return `orn:okta:directory:${orgId}:users:${ref.id}`;
    case 'groups':
      return `orn:okta:directory:${orgId}:groups`;
    case 'group':
      return `orn:okta:directory:${orgId}:groups:${ref.id}`;
    case 'group-members':
      return `orn:okta:directory:${orgId}:groups:${ref.id}:contained_resources`;
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
