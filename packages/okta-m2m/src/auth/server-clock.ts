/**
 * The authorization server's clock as this process estimates it: the local clock plus an offset learned from a
 * response's `Date` header after the server refused a client assertion or DPoP proof for its time claims
 * (`iat` in the future, `exp` in the past). Signed artefacts (`iat`/`exp` of assertions, `iat` of DPoP proofs)
 * use {@link ServerClock.now}; cache bookkeeping (token expiry) stays on the local clock, since `expires_in` is
 * relative.
 */
import type { Clock } from '../deps.js';
import type { HttpResponse } from '../http/types.js';
import { headerValue } from '../http/types.js';

/**
 * Offsets below this are not corrected: `Date` has whole-second resolution, and Okta allows a minute of leeway,
 * so a time-claim refusal with a smaller offset has another cause.
 */
export const MIN_CORRECTED_SKEW_MS = 2_000;

/**
 * The local clock corrected by a remembered offset.
 * @example
 * const serverClock = new ServerClock(Date.now);
 * const iat = Math.floor(serverClock.now() / 1000);
 */
export class ServerClock {
  readonly #local: Clock;
  #offsetMs = 0;

  constructor(local: Clock) {
    this.#local = local;
  }

  /** Server time estimate (ms since the epoch). Bound: pass `serverClock.now` as a Clock. */
  readonly now = (): number => this.#local() + this.#offsetMs;

  /** The remembered offset, server minus local (ms); 0 until a correction. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /**
   * Learn the offset from a response's `Date` header, received at local time `receivedAt`. Returns the new offset,
   * or `undefined` when there is no usable `Date` or the offset is too small to explain a time-claim refusal.
   */
  learnFrom(response: HttpResponse | undefined, receivedAt: number): number | undefined {
    const date = response === undefined ? undefined : headerValue(response, 'date');
    const serverMs = date === undefined ? Number.NaN : Date.parse(date);
    if (!Number.isFinite(serverMs)) return undefined;
    // `Date` is truncated to the second: the server's time lay somewhere in [date, date + 1 s).
    const offset = serverMs + 500 - receivedAt;
    if (Math.abs(offset) < MIN_CORRECTED_SKEW_MS) return undefined;
    this.#offsetMs = Math.round(offset);
    return this.#offsetMs;
  }
}

/**
 * Whether a token-endpoint refusal is about the time claims of the assertion or proof (Okta's texts).
 * @example
 * isTimeClaimRefusal('The client_assertion token must be issued before the current time.') // true
 */
export function isTimeClaimRefusal(description: string | undefined): boolean {
  return /issued before the current time|issued at time in the future|issued in the future|is expired|has expired|expiration too far into the future|issued more than five minutes in the past/i.test(
    description ?? '',
  );
}
