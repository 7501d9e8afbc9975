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
 * so a time-claim refusal with a smaller offset has another cause. A measured offset below it also clears one
 * learnt earlier (the host's clock was fixed).
 */
export const MIN_CORRECTED_SKEW_MS = 2_000;

/**
 * Offsets above this are not corrected: a host clock more than an hour off is broken (and a `Date` that far off
 * is more likely a proxy's or an attacker's than the authorization server's); the refusal is given back as is.
 */
export const MAX_CORRECTED_SKEW_MS = 3_600_000;

/** Which way a time-claim refusal says the host's clock is off: `ahead` (iat in the future) or `behind` (expired). */
export type SkewDirection = 'ahead' | 'behind';

/** RFC 9110 IMF-fixdate, the only `Date` form trusted: e.g. `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

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
   * Learn the offset from a response's `Date` header (IMF-fixdate only), received at local time `receivedAt`, after
   * a refusal saying the host's clock is `direction` of the server's. A measured offset under
   * {@link MIN_CORRECTED_SKEW_MS} clears the remembered one; one over {@link MAX_CORRECTED_SKEW_MS}, or pointing the
   * other way than the refusal says, is not believed. Returns the new offset, or `undefined` when nothing changed.
   */
  learnFrom(
    response: HttpResponse | undefined,
    receivedAt: number,
    direction: SkewDirection,
  ): number | undefined {
    const date = response === undefined ? undefined : headerValue(response, 'date');
    if (date === undefined || !IMF_FIXDATE.test(date)) return undefined;
    const serverMs = Date.parse(date);
    if (!Number.isFinite(serverMs)) return undefined;
    // `Date` is truncated to the second: the server's time lay somewhere in [date, date + 1 s).
    const measured = serverMs + 500 - receivedAt;
    let next: number;
    if (Math.abs(measured) < MIN_CORRECTED_SKEW_MS) next = 0;
    else if (Math.abs(measured) > MAX_CORRECTED_SKEW_MS) return undefined;
    else if ((direction === 'ahead') !== measured < 0) return undefined;
    else next = Math.round(measured);
    if (next === this.#offsetMs) return undefined;
    this.#offsetMs = next;
    return next;
  }
}

/**
 * Whether a token-endpoint refusal is about the time claims of the assertion or proof (Okta's texts), and which
 * way it says the host's clock is off; `undefined` for any other refusal.
 * @example
 * timeClaimRefusal('The client_assertion token must be issued before the current time.') // 'ahead'
 */
export function timeClaimRefusal(description: string | undefined): SkewDirection | undefined {
  const text = description ?? '';
  if (
    /issued before the current time|issued at time in the future|issued in the future|expiration too far into the future/i.test(
      text,
    )
  )
    return 'ahead';
  if (/is expired|has expired|issued more than five minutes in the past/i.test(text)) return 'behind';
  return undefined;
}
