/**
 * The `User-Agent` the transport sends (Okta asks clients to send a meaningful one). The version is kept in step
 * with package.json by a test.
 */

/** This library's version. */
export const LIBRARY_VERSION = '0.1.0';

/**
 * `okta-m2m/<version> node/<version>`, with an optional product token appended (e.g. `users-service/1.2`).
 * @example
 * userAgent('users-service/1.2') // 'okta-m2m/0.1.0 node/20.20.2 users-service/1.2'
 */
export function userAgent(extra?: string): string {
  const base = `okta-m2m/${LIBRARY_VERSION} node/${process.versions.node}`;
  return extra === undefined || extra === '' ? base : `${base} ${extra}`;
}
