/**
 * Listing users: `limit`, `after`, `q`, `filter`, `search`, `sortBy`/`sortOrder` over the store, with
 * the visibility the caller's admin role allows, one page at a time.
 */
import { OktaApiError, problem } from '../../lib/errors.js';
import { decodeCursor, encodeCursor, type Cursor } from './cursor.js';
import type { UserRecord } from './user-record.js';
import { compileSort, compileUserQuery, sortKey, type UserPredicate } from './user-query.js';

/** The users a list reads (a `UserStore` is one). */
export interface UserSource {
  all(): Iterable<UserRecord>;
  readonly sortedIds: readonly string[];
  indexAfter(id: string): number;
  byId(id: string): UserRecord | undefined;
}

/** Default and maximum page size of list users; larger values are clamped to it. */
export const MAX_USERS_LIMIT = 200;
/** Default page size when `q` is used (management.yaml). */
export const Q_DEFAULT_LIMIT = 10;

/** The query parameters `GET /api/v1/users` understands, as fastify hands them over. */
export type ListUsersQuery = Record<string, unknown>;

/** One page of users. */
export interface UsersPage {
  readonly users: UserRecord[];
  /** The cursor for `rel="next"`; absent on the last page and always for `q` (no pagination). */
  readonly next?: string;
  /** The effective page size (after defaulting and clamping). */
  readonly limit: number;
}

function single(query: ListUsersQuery, name: string, onBad: 'E0000029' | 'E0000031'): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new OktaApiError(onBad);
  return value;
}

/** Parses `limit`: digits only and at least 1, else E0000029; values above 200 are clamped (undocumented; chosen here). */
export function parseLimit(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (raw.length > 9 || !/^\d+$/.test(raw)) throw problem('E0000029');
  const n = Number(raw);
  if (n < 1) throw problem('E0000029');
  return Math.min(n, MAX_USERS_LIMIT);
}

/**
 * Answers `GET /api/v1/users`: plain list (no DEPROVISIONED, id order, cursor paging),
 * `filter`/`search` (DEPROVISIONED included; `search` may `sortBy`/`sortOrder`), or `q` (startsWith on
 * firstName/lastName/email, default limit 10, no DEPROVISIONED, never a next page). When both are given,
 * `search` wins over `filter`, and either wins over `q`. `visible` restricts results to what the caller's
 * admin role covers (resource sets); null means everything.
 * @example listUsers(store, { limit: '2' }, null)
 */
export function listUsers(
  store: UserSource,
  query: ListUsersQuery,
  visible: UserPredicate | null,
): UsersPage {
  const search = single(query, 'search', 'E0000031');
  const filter = single(query, 'filter', 'E0000031');
  const q = single(query, 'q', 'E0000031');
  const after = single(query, 'after', 'E0000029');
  const sortBy = single(query, 'sortBy', 'E0000031');
  const sortOrder = single(query, 'sortOrder', 'E0000031');
  const rawLimit = single(query, 'limit', 'E0000029');

  if (search === undefined && filter === undefined && q !== undefined) {
    const limit = parseLimit(rawLimit, Q_DEFAULT_LIMIT);
    const prefix = q.toLowerCase();
    const users: UserRecord[] = [];
    for (const user of store.all()) {
      if (users.length >= limit) break;
      if (user.status === 'DEPROVISIONED' || (visible !== null && !visible(user))) continue;
      if (
        startsWith(user.profile.firstName, prefix) ||
        startsWith(user.profile.lastName, prefix) ||
        startsWith(user.profile.email, prefix)
      ) {
        users.push(user);
      }
    }
    return { users, limit };
  }

  const limit = parseLimit(rawLimit, MAX_USERS_LIMIT);
  const cursor: Cursor | undefined = after === undefined || after === '' ? undefined : decodeCursor(after);
  const expression = search ?? filter;
  const predicate =
    expression === undefined
      ? null
      : compileUserQuery(expression, search !== undefined ? 'search' : 'filter');
  const hideDeprovisioned = expression === undefined;

  if (search !== undefined && sortBy !== undefined && sortBy !== '') {
    const compare = compileSort(sortBy, sortOrder);
    const matches: UserRecord[] = [];
    for (const user of store.all()) {
      if (visible !== null && !visible(user)) continue;
      if (predicate !== null && !predicate(user)) continue;
      matches.push(user);
    }
    matches.sort(compare);
    let start = 0;
    if (cursor !== undefined) {
      if (cursor.kind !== 'sorted') throw problem('E0000029');
      const probe = { key: cursor.key ?? undefined, id: cursor.id };
      start = matches.findIndex((u) => compareToCursor(u, sortBy, probe, orderSign(sortOrder)) > 0);
      if (start < 0) start = matches.length;
    }
    const users = matches.slice(start, start + limit);
    const more = start + limit < matches.length;
    const last = users[users.length - 1];
    return more && last
      ? {
          users,
          limit,
          next: encodeCursor({ kind: 'sorted', key: sortKey(last, sortBy) ?? null, id: last.id }),
        }
      : { users, limit };
  }

  const ids = store.sortedIds;
  const users: UserRecord[] = [];
  let index = cursor === undefined ? 0 : store.indexAfter(cursor.id);
  let more = false;
  for (; index < ids.length; index++) {
    const user = store.byId(ids[index]!)!;
    if (hideDeprovisioned && user.status === 'DEPROVISIONED') continue;
    if (visible !== null && !visible(user)) continue;
    if (predicate !== null && !predicate(user)) continue;
    if (users.length === limit) {
      more = true;
      break;
    }
    users.push(user);
  }
  const last = users[users.length - 1];
  return more && last ? { users, limit, next: encodeCursor({ kind: 'id', id: last.id }) } : { users, limit };
}

function startsWith(value: string | null | undefined, prefix: string): boolean {
  return typeof value === 'string' && value.toLowerCase().startsWith(prefix);
}

function orderSign(sortOrder: string | undefined): number {
  return (sortOrder ?? 'asc').toLowerCase() === 'desc' ? -1 : 1;
}

/** Compares a user with a sorted cursor position using the same rules as `compileSort`. */
function compareToCursor(
  user: UserRecord,
  sortBy: string,
  probe: { key: string | undefined; id: string },
  sign: number,
): number {
  const key = sortKey(user, sortBy);
  if (key !== probe.key) {
    if (key === undefined) return 1;
    if (probe.key === undefined) return -1;
    return (key < probe.key ? -1 : 1) * sign;
  }
  return user.id < probe.id ? -1 : user.id > probe.id ? 1 : 0;
}
