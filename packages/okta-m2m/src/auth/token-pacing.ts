/**
 * Shared rate-limit awareness for token requests: every process that shares a {@link TokenStore} publishes the
 * token endpoint's `X-Rate-Limit-Remaining`/`Reset` after each token response, and reads it before each token
 * request. When the fleet has used its window down to the reserve, the request waits for the window to reset
 * instead of meeting a 429 (the bucket is the org's, shared with its other apps).
 *
 * Contracts:
 * - The bucket is the token endpoint (org and authorization server), as Okta counts it.
 * - Reserve: `max(1, ceil(1% of X-Rate-Limit-Limit))` requests are left to others; at or below it, wait until
 *   `X-Rate-Limit-Reset` measured on the server's clock, at most {@link MAX_PACING_WAIT_MS}.
 * - A store without the optional methods, or one that fails, changes nothing: no wait, no failure.
 * - A window lasts a minute: a reset more than {@link MAX_RESET_AHEAD_MS} ahead of the server's clock (a wrong
 *   header, or a bad entry in a shared store) is neither published nor paced on, so it cannot stall the fleet.
 * - The wait is abortable (`signal`: the provider's close), and a fetch paces at most once.
 */
import type { Logger, Sleep } from '../deps.js';
import type { HttpResponse } from '../http/types.js';
import { parseRateLimit } from '../http/rate-limit.js';
import type { TokenStore } from './token-store.js';

/**
 * The longest wait before a token request (ms): Okta's rate-limit windows last a minute.
 * @example
 * MAX_PACING_WAIT_MS // 60000
 */
export const MAX_PACING_WAIT_MS = 60_000;

/**
 * The furthest ahead of the server's clock a believable reset lies (ms): the one-minute window plus 5 s of slack
 * for the headers' one-second resolution and clocks that differ a little.
 * @example
 * MAX_RESET_AHEAD_MS // 65000
 */
export const MAX_RESET_AHEAD_MS = MAX_PACING_WAIT_MS + 5_000;

/**
 * The bucket name of a token endpoint in a store.
 * @example
 * rateLimitBucket(new URL('https://acme.okta.com/oauth2/v1/token')) // 'v1 rate-limit https://acme.okta.com/oauth2/v1/token'
 */
export function rateLimitBucket(tokenEndpoint: URL): string {
  return `v1 rate-limit ${tokenEndpoint.origin}${tokenEndpoint.pathname}`;
}

/**
 * Requests left to others at `limit`.
 * @example
 * reserveFor(1200) // 12
 */
export function reserveFor(limit: number | undefined): number {
  return Math.max(1, Math.ceil((limit ?? 0) / 100));
}

/**
 * Record a token response's rate-limit headroom in the store (never rejects, never waits for the store).
 * @example
 * publishHeadroom(store, bucket, response, log, () => Date.now());
 */
export function publishHeadroom(
  store: TokenStore,
  bucket: string,
  response: HttpResponse,
  log: Logger,
  serverNow: () => number,
): void {
  if (store.publishRateLimit === undefined) return;
  const info = parseRateLimit(response.headers);
  if (info?.remaining === undefined || info.resetAt === undefined) return;
  if (info.resetAt - (info.serverNow ?? serverNow()) > MAX_RESET_AHEAD_MS) return; // not a one-minute window
  store
    .publishRateLimit(bucket, { limit: info.limit, remaining: info.remaining, resetAt: info.resetAt })
    .catch((error: unknown) =>
      log.debug(
        { error: error instanceof Error ? error.message : String(error) },
        'Could not share the token endpoint rate limit',
      ),
    );
}

/**
 * Before a token request: wait for the window to reset when the fleet is at the reserve. Resolves with the time
 * waited (ms; 0 when there was headroom, nothing shared, or a reset too far ahead to be believed). Rejects with
 * the signal's reason when `signal` aborts the wait.
 * @example
 * const waitedMs = await paceTokenRequest({ store, bucket, serverNow: () => Date.now(), sleep, log });
 */
export async function paceTokenRequest(input: {
  store: TokenStore;
  bucket: string;
  /** The server's clock (ms since the epoch), as the reset is. */
  serverNow: () => number;
  sleep: Sleep;
  log: Logger;
  /** Ends the wait early (e.g. the client closing). */
  signal?: AbortSignal | undefined;
}): Promise<number> {
  const { store } = input;
  if (store.readRateLimit === undefined) return 0;
  const headroom = await store.readRateLimit(input.bucket).catch(() => undefined);
  if (headroom === undefined || headroom.remaining > reserveFor(headroom.limit)) return 0;
  const aheadMs = headroom.resetAt - input.serverNow();
  if (aheadMs > MAX_RESET_AHEAD_MS) {
    input.log.debug(
      { aheadMs },
      'Ignoring a shared rate-limit reset too far ahead to be a one-minute window',
    );
    return 0;
  }
  const waitMs = Math.min(MAX_PACING_WAIT_MS, aheadMs);
  if (waitMs <= 0) return 0;
  input.log.warn(
    { remaining: headroom.remaining, limit: headroom.limit, waitMs },
    'The token endpoint rate limit is nearly used up across the processes sharing the token store; waiting for its reset',
  );
  await input.sleep(waitMs, input.signal);
  return waitMs;
}
