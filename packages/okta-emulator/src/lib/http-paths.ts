/**
 * The emulator's URL map in one place: the request path without its query, and which families a path
 * belongs to (authenticated management surface, OAuth endpoints, the test-control prefix).
 */

/** Path of the org authorization server's token endpoint. */
export const TOKEN_PATH = '/oauth2/v1/token';

/** Prefix of the test-only control API. Never part of Okta's surface. */
export const CONTROL_PREFIX = '/__emulator';

/**
 * The request path without the query string.
 *
 * @example
 * pathOf('/api/v1/users?limit=2'); // '/api/v1/users'
 */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * True for the paths the API-auth hook authenticates: `/api/v1/*` and `/oauth2/v1/clients/*`.
 *
 * @example
 * isProtectedPath('/api/v1/users'); // true
 */
export function isProtectedPath(path: string): boolean {
  return path === '/api/v1' || path.startsWith('/api/v1/') || path.startsWith('/oauth2/v1/clients');
}

/**
 * True for paths answered in OAuth's error format rather than Okta's error object.
 *
 * @example
 * isOAuthPath('/oauth2/v1/token'); // true
 */
export function isOAuthPath(url: string): boolean {
  return url.startsWith('/oauth2/') && !url.startsWith('/oauth2/v1/clients');
}
