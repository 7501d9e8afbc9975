/**
 * Single flight across processes: get a token for one cache key through a {@link TokenStore}, so that of all
 * the processes sharing the store one fetches and the others take its token.
 *
 * Contracts:
 * - A stored token the caller accepts is used without a request. Otherwise the lease is taken and the store
 *   read again (a holder may have finished in between) before fetching; the token fetched is written fenced
 *   by the lease and the lease released.
 * - Without the lease, wait for the holder's token (woken by the store; a token the holder wrote between our
 *   failed lease and the wait is returned at once) in slices of at most 1 s, trying the lease again after each
 *   slice, so a holder that died delays others only until its lease runs out. After `maxWaitMs` in all, fetch
 *   without the lease.
 * - A store that rejects never fails the fetch: the failure is logged and the process fetches for itself (its
 *   own single flight still holds, one level up in the token provider).
 */
import type { Clock, Logger } from '../deps.js';
import { createAccessToken, type OktaAccessToken } from './access-token.js';
import type { StoredToken, TokenLease, TokenStore } from './token-store.js';

const WAIT_SLICE_MS = 1_000;

/**
 * Inputs of {@link fetchOnce}.
 * @example
 * await fetchOnce({ store, key, fetch: () => fetchToken(), accept: (t) => usable(t), clock: Date.now, log });
 */
export interface SharedFetchInput {
  store: TokenStore;
  key: string;
  /** Fetch a token from the authorization server. */
  fetch: () => Promise<OktaAccessToken>;
  /** Whether a stored token may be used (valid, bound to our DPoP key, newer than the one held, not rejected). */
  accept: (token: OktaAccessToken) => boolean | Promise<boolean>;
  clock: Clock;
  log: Logger;
  /** Longest wait for another holder before fetching without the lease. Default 60 000. */
  maxWaitMs?: number | undefined;
}

/**
 * The token for `input.key`: from the store when acceptable, else fetched by this process under the lease, or
 * by another holder while this one waits.
 * @example
 * const token = await fetchOnce({ store, key, fetch, accept, clock, log });
 */
export async function fetchOnce(input: SharedFetchInput): Promise<OktaAccessToken> {
  const { store, key, clock } = input;
  const started = clock();
  const maxWaitMs = input.maxWaitMs ?? 60_000;
  const attempt = storeAttempt(input.log);
  const adopt = async (stored: StoredToken | undefined): Promise<OktaAccessToken | undefined> => {
    if (stored === undefined) return undefined;
    const token = createAccessToken(stored);
    return (await input.accept(token)) ? token : undefined;
  };

  const found = await adopt((await attempt('get', () => store.get(key))).value);
  if (found !== undefined) return found;
  for (;;) {
    const lease = await attempt('lease', () => store.lease(key));
    if (!lease.ok || lease.value !== undefined || clock() - started >= maxWaitMs) {
      return fetchUnderLease(input, attempt, lease.value);
    }
    const waited = await attempt('waitForToken', () =>
      store.waitForToken(key, {
        timeoutMs: Math.min(WAIT_SLICE_MS, Math.max(1, maxWaitMs - (clock() - started))),
      }),
    );
    const token = await adopt(waited.value);
    if (token !== undefined) return token;
  }
}

async function fetchUnderLease(
  input: SharedFetchInput,
  attempt: Attempt,
  lease: TokenLease | undefined,
): Promise<OktaAccessToken> {
  const { store, key } = input;
  try {
    if (lease !== undefined) {
      // Another holder may have written a token between our read and our lease.
      const stored = (await attempt('get', () => store.get(key))).value;
      if (stored !== undefined) {
        const token = createAccessToken(stored);
        if (await input.accept(token)) return token;
      }
    }
    const token = await input.fetch();
    await attempt('set', () =>
      store.set(key, toStored(token), { ttlMs: token.expiresAt - input.clock(), lease }),
    );
    return token;
  } finally {
    if (lease !== undefined) await attempt('release', () => lease.release());
  }
}

type Attempt = <T>(operation: string, op: () => Promise<T>) => Promise<{ ok: boolean; value: T | undefined }>;

function storeAttempt(log: Logger): Attempt {
  return async (operation, op) => {
    try {
      return { ok: true, value: await op() };
    } catch (error) {
      log.warn(
        { operation, error: error instanceof Error ? error.message : String(error) },
        'The token store failed; fetching the token in this process',
      );
      return { ok: false, value: undefined };
    }
  };
}

/**
 * The storable form of a token (includes the secret value: only for a {@link TokenStore}).
 * @example
 * await store.set(key, toStored(token), { ttlMs: token.expiresAt - Date.now() });
 */
export function toStored(token: OktaAccessToken): StoredToken {
  return {
    value: token.value,
    type: token.type,
    expiresAt: token.expiresAt,
    obtainedAt: token.obtainedAt,
    scopes: [...token.scopes],
    requestedScopes: [...token.requestedScopes],
    ...(token.jkt === undefined ? {} : { jkt: token.jkt }),
  };
}
