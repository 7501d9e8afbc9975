/**
 * `GET /status`: the token client at a glance, for the operator console (any valid key): the caller's right,
 * the current token's type, expiry and granted scopes (never the token), the tracker's counts, the breaker
 * state, the rate-limit headroom of the latest Okta response, and the token store (in-process, or Redis shared
 * or degraded, with its counters). The token is looked up at most once per token lifetime so that polling the
 * panel does not inflate the cache-hit count it shows.
 */
import type { FastifyInstance } from 'fastify';
import { OktaM2MError, type OktaClient } from 'okta-m2m';
import type { StatusTracker } from '../ops/status-tracker.js';
import type { ServiceTokenStore } from '../ops/token-store.js';

/** The token as the panel shows it. */
export interface TokenSummary {
  type: 'Bearer' | 'DPoP';
  expiresAt: string;
  scopes: readonly string[];
}

/**
 * Register `GET /status`.
 * @example
 * registerStatusRoute(app, client, tracker, tokens);
 */
export function registerStatusRoute(
  app: FastifyInstance,
  client: OktaClient,
  tracker: StatusTracker,
  tokens: ServiceTokenStore,
): void {
  let known: { type: 'Bearer' | 'DPoP'; expiresAt: number; scopes: readonly string[] } | undefined;
  const token = async (): Promise<TokenSummary | { error: string; hint?: string }> => {
    if (known === undefined || Date.now() > known.expiresAt - 60_000) {
      try {
        const t = await client.tokens.warmUp();
        known = { type: t.type, expiresAt: t.expiresAt, scopes: [...t.scopes] };
      } catch (error) {
        known = undefined;
        if (!(error instanceof OktaM2MError)) throw error;
        return { error: error.code, ...(error.hint === undefined ? {} : { hint: error.hint }) };
      }
    }
    return { type: known.type, expiresAt: new Date(known.expiresAt).toISOString(), scopes: known.scopes };
  };

  app.get('/status', { schema: { hide: true }, config: { scope: 'users:read' } }, async (request) => {
    const rate = client.transport.rateLimit;
    return {
      caller: { name: request.caller, scope: request.callerScope },
      now: new Date().toISOString(),
      token: await token(),
      ...tracker.counts(),
      breaker: client.transport.breakerState,
      tokenStore: await tokenStore(tokens),
      rateLimit:
        rate === undefined
          ? null
          : {
              limit: rate.limit ?? null,
              remaining: rate.remaining ?? null,
              resetAt: rate.resetAt === undefined ? null : new Date(rate.resetAt).toISOString(),
            },
    };
  });
}

/** The store's state and, with Redis, its counters (no keys, no tokens, no URL). */
async function tokenStore(
  tokens: ServiceTokenStore,
): Promise<{ state: 'in-process' | 'shared' | 'degraded'; counters?: Record<string, number> }> {
  const state = await tokens.state();
  const snapshot = tokens.counters();
  if (snapshot === undefined) return { state };
  const { mode: _mode, ...counters } = snapshot;
  return { state, counters: { ...counters } };
}
