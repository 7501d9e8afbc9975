/**
 * The token store contract: where the token provider keeps tokens so that more than one process can share
 * them, and the lease ("I am fetching this token") that makes a fleet fetch once. The library ships the
 * in-process {@link MemoryTokenStore} (the default); `okta-m2m-redis` implements the same contract on Redis.
 *
 * Contracts:
 * - Keys are opaque strings built by {@link tokenCacheKey}: token endpoint (org + authorization server), client
 *   id, scope set and, for a DPoP-capable client, the DPoP key's RFC 7638 thumbprint. A store may hash them.
 * - `set` with a lease is fenced: the store refuses the write when a token written under a newer lease
 *   (a higher `fence`) is already stored, so a process that lost its lease cannot overwrite a newer token.
 * - `lease` never waits: it returns a lease or `undefined` when another holder has it. A lease ends when
 *   released or when its time runs out, so a holder that died blocks nobody for longer than that.
 * - `waitForToken` resolves at once with a token already stored, else with the stored token when a holder
 *   writes one or releases its lease, or with `undefined` when `timeoutMs` passes or `signal` aborts; it never
 *   rejects for a timeout. It starts listening before it looks, so a token written in between is not missed.
 * - Methods may reject (a store that is down); the token provider then carries on with its in-process cache
 *   and single flight, so no call fails because a store failed.
 * - Optional rate-limit sharing: `publishRateLimit` records the token endpoint's `X-Rate-Limit-*` headroom seen
 *   by any process, keeping the lowest `remaining` of a window (a later window replaces an earlier one);
 *   `readRateLimit` returns it until its window resets. A store without them shares no headroom.
 */
import type { AccessTokenInit } from './access-token.js';

/**
 * A token as stored: the plain fields a token is made from ({@link AccessTokenInit}), including the secret
 * `value`. A shared store must protect it at rest.
 * @example
 * const stored: StoredToken = { value, type: 'DPoP', expiresAt, obtainedAt, scopes, requestedScopes, jkt };
 */
export type StoredToken = AccessTokenInit;

/**
 * A held lease: proof that this process is the one fetching the token for a key, until it expires.
 * @example
 * const lease = await store.lease(key);
 * if (lease) try { await store.set(key, token, { lease }); } finally { await lease.release(); }
 */
export interface TokenLease {
  /** Monotonically increasing per key across every holder: a newer lease has a higher fence. */
  readonly fence: number;
  /** When the lease runs out on its own (ms since epoch, the store's view). */
  readonly expiresAt: number;
  /** Give the lease up early and wake waiters. Never rejects. */
  release(): Promise<void>;
}

/**
 * The token endpoint's rate-limit window as last reported to any process sharing a store.
 * @example
 * const headroom: SharedRateLimit = { limit: 1200, remaining: 3, resetAt: 1_767_225_600_000 };
 */
export interface SharedRateLimit {
  /** `X-Rate-Limit-Limit`, when sent. */
  limit: number | undefined;
  /** `X-Rate-Limit-Remaining`: the lowest reported for this window. */
  remaining: number;
  /** `X-Rate-Limit-Reset` in ms since the epoch (the server's clock). */
  resetAt: number;
}

/**
 * Options of {@link TokenStore.set}.
 * @example
 * await store.set(key, stored, { lease, ttlMs: stored.expiresAt - Date.now() });
 */
export interface TokenStoreSetOptions {
  /** Keep the entry this long; the store may clamp it. */
  ttlMs: number;
  /** The lease under which the token was fetched: the write is fenced by it. */
  lease?: TokenLease | undefined;
}

/**
 * Where tokens live between processes, and the fleet-wide single-flight lease.
 * @example
 * const provider = new TokenProvider({ ...options, tokenStore: new MemoryTokenStore() });
 */
export interface TokenStore {
  /** The stored token for `key`, or `undefined` (none, expired, or rejected as tampered). */
  get(key: string): Promise<StoredToken | undefined>;
  /** Store `token`; false when a newer fenced write already won (the token was not stored). */
  set(key: string, token: StoredToken, options: TokenStoreSetOptions): Promise<boolean>;
  /** Take the lease for fetching `key`'s token, or `undefined` when someone else holds it. */
  lease(key: string): Promise<TokenLease | undefined>;
  /** Wait (bounded) for a token written, or a lease released, for `key`. See the module contracts. */
  waitForToken(
    key: string,
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<StoredToken | undefined>;
  /** Optional: record a response's rate-limit headroom for `bucket` (see the module contracts). */
  publishRateLimit?(bucket: string, headroom: SharedRateLimit): Promise<void>;
  /** Optional: the headroom last published for `bucket`, or `undefined` once its window has reset. */
  readRateLimit?(bucket: string): Promise<SharedRateLimit | undefined>;
}

/**
 * Whether `next` replaces `current` as a window's headroom: a later window, or a lower count in the same one.
 * @example
 * supersedes(undefined, { limit: 10, remaining: 9, resetAt }) // true
 */
export function supersedes(current: SharedRateLimit | undefined, next: SharedRateLimit): boolean {
  if (current === undefined || next.resetAt > current.resetAt) return true;
  return next.resetAt === current.resetAt && next.remaining < current.remaining;
}

/**
 * The inputs of a cache key: who the token is for and what it can be used with.
 * @example
 * tokenCacheKey({ tokenEndpoint, clientId: '0oa1', scopes: ['okta.users.read'], dpopThumbprint: undefined });
 */
export interface TokenCacheKeyInput {
  /** The token endpoint: names the org and the authorization server. */
  tokenEndpoint: URL;
  clientId: string;
  /** Normalised (sorted, de-duplicated) scopes. */
  scopes: readonly string[];
  /** The DPoP key's thumbprint when the client may use DPoP, so only holders of that key share its tokens. */
  dpopThumbprint: string | undefined;
}

/**
 * The store key for a token: `v1`, token endpoint (org + authorization server), client id, scopes and the
 * DPoP key thumbprint (or `-` for a client without DPoP), separated by spaces (none of them contains one).
 * @example
 * tokenCacheKey({ tokenEndpoint: new URL('https://acme.okta.com/oauth2/v1/token'), clientId: '0oa1',
 *   scopes: ['okta.users.read'], dpopThumbprint: undefined });
 * // 'v1 https://acme.okta.com/oauth2/v1/token 0oa1 - okta.users.read'
 */
export function tokenCacheKey(input: TokenCacheKeyInput): string {
  const endpoint = new URL(input.tokenEndpoint.href);
  endpoint.search = '';
  endpoint.hash = '';
  return ['v1', endpoint.href, input.clientId, input.dpopThumbprint ?? '-', ...input.scopes].join(' ');
}
