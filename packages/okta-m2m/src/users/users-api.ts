/**
 * The Users API: get one user, list users (following `link rel="next"` verbatim, one page in memory at a time),
 * and partial profile updates (`POST /api/v1/users/{id}`, which merges). Every call goes through sendAuthorized
 * (fresh authorization per attempt, org-origin check) and processOktaResponse (typed errors with hints).
 */
import type { RequestAuthorizer } from '../auth/types.js';
import { InvalidArgumentError, ResponseError } from '../errors.js';
import { sendAuthorized, type AuthorizedContext } from '../http/authorized-request.js';
import { parseLinkHeader } from '../http/link-header.js';
import { processOktaResponse } from '../http/okta-response.js';
import { parseRateLimit, type RateLimitInfo } from '../http/rate-limit.js';
import { headerValues, type HttpResponse, type Transport } from '../http/types.js';
import type { OktaUser, OktaUserProfileUpdate } from './types.js';

/** What UsersApi needs. */
export interface UsersApiOptions {
  transport: Transport;
  authorizer: RequestAuthorizer;
  /** The org URL, e.g. `https://example.okta.com`; only its origin is used. */
  orgUrl: string | URL;
  /** Per-call deadline override (ms); the transport's default otherwise. */
  deadlineMs?: number | undefined;
  /** Clock (ms) for a call's deadline across re-sends. Default `Date.now`. */
  clock?: (() => number) | undefined;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

/** List options (facts §3.2). `search`, `filter` and `q` are passed through as given. */
export interface ListUsersOptions extends CallOptions {
  /** Page size, 1..200. Default 200 (Okta's default and maximum). */
  limit?: number | undefined;
  /** SCIM-like search expression, e.g. `profile.department eq "Engineering"`. Includes DEPROVISIONED users. */
  search?: string | undefined;
  /** Filter expression, e.g. `status eq "ACTIVE"`. */
  filter?: string | undefined;
  /** Starts-with match on first name, last name or email. Okta does not paginate `q` results. */
  q?: string | undefined;
  /**
   * Start after this cursor: the `after` parameter of a previous page's `next` link (see {@link UsersPage.after}),
   * for a caller that serves one page at a time and resumes later.
   */
  after?: string | undefined;
}

/** One page of a user listing. */
export interface UsersPage {
  users: OktaUser[];
  /** The rate-limit headers of this page's response. */
  rateLimit: RateLimitInfo | undefined;
  /** The `next` link, if there is another page. */
  nextUrl: string | undefined;
  /** The `after` cursor of the `next` link (pass it as {@link ListUsersOptions.after} to resume there). */
  after: string | undefined;
}

/** First and last name, 1..50 characters each (Okta's default profile schema). */
export interface NameUpdate {
  firstName: string;
  lastName: string;
}

const MAX_NAME_LENGTH = 50;
const MAX_LIMIT = 200;

/**
 * The Users API of one org.
 * @example
 * const users = new UsersApi({ transport, authorizer, orgUrl: 'https://example.okta.com' });
 * for await (const user of users.list({ search: 'status eq "ACTIVE"' })) console.log(user.profile.login);
 * await users.updateName('00u1', { firstName: 'Ada', lastName: 'Lovelace' });
 */
export class UsersApi {
  readonly #ctx: AuthorizedContext;
  readonly #origin: string;
  readonly #deadlineMs: number | undefined;

  constructor(options: UsersApiOptions) {
    this.#origin = new URL(options.orgUrl).origin;
    this.#ctx = {
      transport: options.transport,
      authorizer: options.authorizer,
      orgOrigin: this.#origin,
      clock: options.clock,
    };
    this.#deadlineMs = options.deadlineMs;
  }

  /**
   * Get a user by id, login or login short name (`GET /api/v1/users/{idOrLogin}`). Throws OktaApiError 404
   * (E0000007) for an unknown user.
   * @example
   * const user = await users.get('alice@example.com');
   */
  async get(idOrLogin: string, options: CallOptions = {}): Promise<OktaUser> {
    const segment = pathSegment('idOrLogin', idOrLogin);
    const url = `${this.#origin}/api/v1/users/${segment}`;
    const response = await this.#send('GET', url, 'users.get', options.signal);
    return asUser(processOktaResponse(response, { method: 'GET' }), 'GET', response);
  }

  /**
   * Every user matching the options, one page fetched at a time as the iteration proceeds (constant memory).
   * Stop early with `break`.
   * @example
   * for await (const user of users.list({ filter: 'status eq "ACTIVE"' })) process(user);
   */
  async *list(options: ListUsersOptions = {}): AsyncGenerator<OktaUser, void, undefined> {
    for await (const page of this.pages(options)) yield* page.users;
  }

  /**
   * The pages of a listing: each page's users, its rate-limit headers and the `next` link. Follows
   * `link rel="next"` as given (the cursor is opaque), resolved against the URL of the page that carried it (RFC
   * 8288 allows relative links); the resolved link must stay on the org's origin (ForeignOriginError otherwise).
   * A `next` link to a page already read is a ResponseError, never an endless loop.
   * @example
   * for await (const page of users.pages({ limit: 100 })) console.log(page.users.length, page.rateLimit?.remaining);
   */
  async *pages(options: ListUsersOptions = {}): AsyncGenerator<UsersPage, void, undefined> {
    let url: string | undefined = this.#listUrl(options);
    const visited = new Set<string>();
    while (url !== undefined) {
      visited.add(pageKey(url));
      const response = await this.#send('GET', url, 'users.list', options.signal);
      const body = processOktaResponse(response, { method: 'GET' });
      if (!Array.isArray(body)) {
        throw new ResponseError(
          `GET ${response.url.pathname}: expected a JSON array of users, got ${typeof body}`,
          response.status,
          { response },
        );
      }
      const users = body.map((item) => asUser(item, 'GET', response));
      const nextUrl = resolveNext(parseLinkHeader(headerValues(response, 'link'))['next'], response);
      const after =
        nextUrl === undefined ? undefined : (new URL(nextUrl).searchParams.get('after') ?? undefined);
      yield { users, rateLimit: parseRateLimit(response.headers), nextUrl, after };
      if (nextUrl !== undefined && visited.has(pageKey(nextUrl))) {
        throw new ResponseError(
          `GET ${response.url.pathname}: the next link points to a page already read (page ${visited.size}); stopping instead of looping.`,
          response.status,
          {
            response,
            hint: 'Okta returned a pagination cursor it had already given; retry the listing later, and check any proxy that rewrites link headers.',
          },
        );
      }
      url = nextUrl;
    }
  }

  /**
   * Change a user's first and last name: `POST /api/v1/users/{id}` with exactly
   * `{"profile":{"firstName":…,"lastName":…}}` (a partial update; other attributes are untouched).
   * @example
   * const updated = await users.updateName('00u1', { firstName: 'Ada', lastName: 'Lovelace' });
   */
  async updateName(id: string, name: NameUpdate, options: CallOptions = {}): Promise<OktaUser> {
    const segment = pathSegment('id', id);
    const firstName = validName('firstName', (name as Partial<NameUpdate> | undefined)?.firstName);
    const lastName = validName('lastName', (name as Partial<NameUpdate> | undefined)?.lastName);
    return this.#post(segment, { profile: { firstName, lastName } }, options);
  }

  /**
   * Partially update a profile: `POST /api/v1/users/{id}` with `{"profile": partial}`; attributes not given keep
   * their values.
   * @example
   * await users.updateProfile('00u1', { department: 'Research', title: null });
   */
  async updateProfile(
    id: string,
    profile: OktaUserProfileUpdate,
    options: CallOptions = {},
  ): Promise<OktaUser> {
    const segment = pathSegment('id', id);
    if (
      typeof profile !== 'object' ||
      profile === null ||
      Array.isArray(profile) ||
      Object.keys(profile).length === 0
    ) {
      throw new InvalidArgumentError(
        'profile',
        'profile must be an object with at least one attribute to change, e.g. { department: "Research" }.',
      );
    }
    return this.#post(segment, { profile }, options);
  }

  async #post(segment: string, body: unknown, options: CallOptions): Promise<OktaUser> {
    const url = `${this.#origin}/api/v1/users/${segment}`;
    // Not retryable on 5xx/network: a POST that may have reached Okta is not sent twice (429 still retries).
    const response = await sendAuthorized(this.#ctx, {
      method: 'POST',
      url,
      body,
      operation: 'users.update',
      retryable: false,
      signal: options.signal,
      deadlineMs: this.#deadlineMs,
    });
    return asUser(processOktaResponse(response, { method: 'POST' }), 'POST', response);
  }

  #send(
    method: 'GET',
    url: string,
    operation: string,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    return sendAuthorized(this.#ctx, {
      method,
      url,
      operation,
      retryable: true,
      signal,
      deadlineMs: this.#deadlineMs,
    });
  }

  #listUrl(options: ListUsersOptions): string {
    const limit = options.limit ?? MAX_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidArgumentError(
        'limit',
        `limit must be an integer from 1 to ${MAX_LIMIT}; got ${String(limit)}.`,
      );
    }
    const params: [string, string][] = [['limit', String(limit)]];
    for (const key of ['search', 'filter', 'q', 'after'] as const) {
      const value = options[key];
      if (value === undefined) continue;
      if (typeof value !== 'string' || value.trim() === '') {
        throw new InvalidArgumentError(key, `${key} must be a non-empty string when given.`);
      }
      params.push([key, value]);
    }
    // encodeURIComponent (spaces as %20), not URLSearchParams (spaces as +), for unambiguous search expressions.
    const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
    return `${this.#origin}/api/v1/users?${query}`;
  }
}

/**
 * Resolve a `next` link against the URL of the response that carried it (a relative link is allowed by RFC 8288
 * and produced by rewriting proxies). The origin check happens later, on the resolved URL, in sendAuthorized.
 */
function resolveNext(link: string | undefined, response: HttpResponse): string | undefined {
  if (link === undefined) return undefined;
  try {
    const resolved = new URL(link, response.url);
    resolved.hash = ''; // never sent: a fragment must not make a page look new
    return resolved.href;
  } catch (cause) {
    throw new ResponseError(`GET ${response.url.pathname}: the next link is not a URL.`, response.status, {
      cause,
      response,
      hint: 'Check any proxy that rewrites link headers.',
    });
  }
}

/**
 * What identifies a page for the visited-page guard: origin, path, and the decoded query parameters in sorted
 * order, so reordered or differently encoded parameters (or a fragment) do not make a page read before look new.
 */
function pageKey(url: string): string {
  const parsed = new URL(url);
  const params = [...parsed.searchParams].sort(([a, x], [b, y]) =>
    a === b ? (x < y ? -1 : x > y ? 1 : 0) : a < b ? -1 : 1,
  );
  return `${parsed.origin}${decodeURIComponentSafe(parsed.pathname)}?${JSON.stringify(params)}`;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Validate and encode one path segment: logins contain `@` and may contain `/`, `?` or `#`. */
function pathSegment(argument: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(
      argument,
      `${argument} must be a non-empty string (a user id such as 00u1abc or a login).`,
    );
  }
  // `.` and `..` (also `%2e`, which URL parsers treat alike) would be resolved as dot segments: `get('.')` would
  // list users and `updateProfile('.', ...)` would POST /api/v1/users/, which creates a user.
  if (value === '.' || value === '..') {
    throw new InvalidArgumentError(argument, `${argument} must be a user id or login, not "${value}".`);
  }
  try {
    return encodeURIComponent(value);
  } catch {
    throw new InvalidArgumentError(argument, `${argument} contains an unpaired UTF-16 surrogate.`);
  }
}

function validName(argument: 'firstName' | 'lastName', value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new InvalidArgumentError(argument, `${argument} must be a non-empty string.`);
  }
  if (value.length > MAX_NAME_LENGTH) {
    throw new InvalidArgumentError(
      argument,
      `${argument} must be at most ${MAX_NAME_LENGTH} characters (Okta's profile schema); got ${value.length}.`,
    );
  }
  return value;
}

/** A light shape check: an object with a string `id` and an object `profile`. */
function asUser(value: unknown, method: string, response: HttpResponse): OktaUser {
  const o = value as { id?: unknown; profile?: unknown } | null;
  if (
    typeof o !== 'object' ||
    o === null ||
    typeof o.id !== 'string' ||
    typeof o.profile !== 'object' ||
    o.profile === null
  ) {
    throw new ResponseError(
      `${method} ${response.url.pathname}: the response is not an Okta user object (no id or profile)`,
      response.status,
      { response },
    );
  }
  return value as OktaUser;
}
