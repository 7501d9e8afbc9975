/**
 * Diagnostics channels the library publishes on (node:diagnostics_channel). Silent unless someone
 * subscribes; messages never contain tokens, assertions, proofs, keys or query strings.
 *
 * @example
 * import { subscribe } from 'node:diagnostics_channel';
 * subscribe(CHANNELS.request, (m) => console.log(m));
 */
import { channel } from 'node:diagnostics_channel';

/** Channel names. */
export const CHANNELS = {
  /** {@link TokenFetchEvent} after each token request finishes (success or failure). */
  tokenFetch: 'okta-m2m:token:fetch',
  /** {@link TokenCacheEvent} on every token lookup. */
  tokenCache: 'okta-m2m:token:cache',
  /** {@link RequestEvent} after each HTTP attempt. */
  request: 'okta-m2m:request',
  /** {@link RetryEvent} before each retry wait. */
  retry: 'okta-m2m:retry',
  /** {@link BreakerEvent} on each circuit-breaker state change. */
  breaker: 'okta-m2m:breaker',
  /** {@link ClockSkewEvent} when the server's clock offset is learnt from its `Date` header. */
  clockSkew: 'okta-m2m:clock-skew',
  /** {@link KeyEvent} when the client key is loaded, changes, cannot be reloaded, or is refused by Okta. */
  key: 'okta-m2m:key',
} as const;

export interface ClockSkewEvent {
  /** Server minus local clock, ms. */
  skewMs: number;
}

export interface TokenFetchEvent {
  durationMs: number;
  outcome: 'success' | 'error';
  status?: number | undefined;
  error?: string | undefined;
  tokenType?: 'Bearer' | 'DPoP' | undefined;
  /** 1 for the first request; more when a DPoP nonce handshake needed several. */
  requests: number;
}

export interface TokenCacheEvent {
  /** `negative`: a remembered token failure answered without a request (see the token provider). */
  result: 'hit' | 'miss' | 'refresh-ahead' | 'negative';
}

export interface RequestEvent {
  operation: string;
  method: string;
  /** Path only. */
  path: string;
  attempt: number;
  status?: number | undefined;
  /** Failure class when there was no response: `timeout`, `network`. */
  failure?: 'timeout' | 'network' | undefined;
  durationMs: number;
}

export interface RetryEvent {
  operation: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface BreakerEvent {
  /** Which breaker: `api` (management API calls) or `token` (the token endpoint). */
  circuit: 'api' | 'token';
  from: 'closed' | 'open' | 'half-open';
  to: 'closed' | 'open' | 'half-open';
}

/**
 * The client key's life: `loaded` (first key), `changed` (a new key from the source), `load-failed` (the source
 * changed but could not be loaded; the key in use stays), `refused` (Okta refused the key), `reverted` (back to
 * the previous, accepted key after the new one was refused). Kids only, never key material.
 */
export interface KeyEvent {
  event: 'loaded' | 'changed' | 'load-failed' | 'refused' | 'reverted';
  /** The kid in use after the event (undefined while there is none). */
  kid: string | undefined;
  /** For `changed` and `reverted`: the kid given up. */
  previousKid?: string | undefined;
}

/** Channel objects, created once. */
export const channels = {
  tokenFetch: channel(CHANNELS.tokenFetch),
  tokenCache: channel(CHANNELS.tokenCache),
  request: channel(CHANNELS.request),
  retry: channel(CHANNELS.retry),
  breaker: channel(CHANNELS.breaker),
  clockSkew: channel(CHANNELS.clockSkew),
  key: channel(CHANNELS.key),
};
