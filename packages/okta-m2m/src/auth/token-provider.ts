/**
 * The token provider: gets access tokens with private_key_jwt (and DPoP when needed), caches them per scope
 * set, refreshes them ahead of expiry, and authorizes API requests.
 *
 * Contracts:
 * - Cache key: the sorted, de-duplicated requested scopes. A DPoP-bound token is only used while its `jkt`
 *   equals the provider's DPoP key thumbprint.
 * - Single flight: however many callers find the cache cold or expired, one fetch runs and all share it.
 * - Refresh ahead: a token is refreshed in the background once 80% of its lifetime has passed or when it is
 *   within `refreshAheadSeconds` of expiry, whichever comes first, but never before half its
 *   lifetime. Callers keep getting the cached token meanwhile, so in steady state nobody waits on a fetch.
 *   The refresh is started by the first lookup past that point, and by a timer (unref'd; `close()` clears it).
 *   A failed background refresh is logged and retried 30 s later; callers are not disturbed while the cached
 *   token is valid. A token counts as expired `min(30 s, 10% of lifetime)` before its `expires_in`.
 * - Every token HTTP attempt signs a new client assertion (new `jti`) and a new DPoP proof, with the key the
 *   key source holds at that moment (a key file re-read when it changes, see key-source.ts). A token request
 *   refused because of the key ("kid is invalid", "signature is invalid") tells the source, which re-reads it
 *   (or goes back to the previous accepted key); when it has another key, the request is sent again with a
 *   new assertion, at most {@link MAX_KEY_RETRIES_PER_FETCH} times per fetch. Cached tokens are untouched.
 * - DPoP: `'auto'` starts without proofs and switches for good when the server says a proof is missing;
 *   `true` always proves; `false` never does. The nonce handshake is bounded: at most 3 token requests per fetch.
 * - The refresh timer only refreshes scope sets used within `refreshIdleSeconds` (default 900): a token no one
 *   asked for lately is left to expire, and fetched again on its next use.
 * - Negative cache: a token request that cannot succeed by repetition (an OAuth refusal such as `invalid_client`,
 *   `invalid_scope`, `consent_required`; any other 4xx answer; every DPoP failure; a key problem) is remembered
 *   per scope set for a back-off that starts at 1 s and doubles up to 60 s; a 429 that outlasted the call is
 *   remembered until the rate limit's reset (1 s to 60 s). Meanwhile callers get the same typed error without a
 *   request. A success clears it.
 * - Clock skew: a refusal for the assertion's or proof's time claims (issued in the future, expired) is corrected
 *   once per fetch from the response's `Date`: the offset is remembered (ServerClock), reported in the metrics
 *   (`clock.skewMs`) and logged, and the request is sent again with corrected `iat`/`exp`.
 * - 403 insufficient_scope for a scope the cached token shows as requested but not granted: the still-valid token
 *   is kept (a new one would not carry it either); the scope takes effect at the next refresh.
 * - Shared store: a fetch goes through the {@link TokenStore} (default: in-process {@link MemoryTokenStore}) keyed by
 *   {@link tokenCacheKey} (token endpoint, client id, scopes and, while DPoP is active, the DPoP key thumbprint).
 *   Processes sharing a store fetch once under its lease and take each other's tokens (auth/shared-fetch.ts). A
 *   stored token passes the checks a fetched one does: requested for the same scopes, every scope granted under
 *   `requireAllScopes`, DPoP when `dpop` is true, a DPoP token only when bound to this process's DPoP key (in
 *   `'auto'` mode that switches to DPoP); a token this process dropped is never taken back. A remembered failure
 *   (negative cache) is answered before the store is consulted, so the store never bypasses it.
 * - Shared rate limit (with a configured store): each token response's `X-Rate-Limit-*` headroom is published to
 *   the store, and a token request waits for the window's reset when the sharing processes are down to the
 *   reserve (auth/token-pacing.ts), counted in the metrics (`token.paced`).
 * - Cache lookups are reported to {@link Metrics} as exactly one of `hit`, `miss`, `refresh-ahead` (a hit that
 *   started a background refresh), `negative` (a remembered failure answered without a request).
 */
import type { TokenSettings } from '../config-types.js';
import { defaultDeps, MAX_TIMER_MS, type Deps, type Logger } from '../deps.js';
import {
  ClosedError,
  DpopError,
  InvalidArgumentError,
  KeyError,
  OAuthError,
  OktaApiError,
  OktaM2MError,
  RateLimitError,
  ResponseError,
  ScopesNotGrantedError,
} from '../errors.js';
import type { HttpResponse, Transport } from '../http/types.js';
import { createSafeLogger } from '../observability/logger.js';
import { Metrics } from '../observability/metrics.js';
import type { OktaAccessToken } from './access-token.js';
import { createClientAssertion } from './client-assertion.js';
import { ServerClock, timeClaimRefusal } from './server-clock.js';
import { fixedKeySource, type KeyStatus, type SigningKeySource } from './key-source.js';
import type { SigningKey } from './keys.js';
import { MemoryTokenStore } from './memory-token-store.js';
import { fetchOnce } from './shared-fetch.js';
import { paceTokenRequest, publishHeadroom, rateLimitBucket } from './token-pacing.js';
import { tokenCacheKey, type TokenStore } from './token-store.js';
import { buildTokenRequest, processTokenResponse } from './token-request.js';
import type { AccessToken, Authorization, AuthorizeRequest, DpopProver, RequestAuthorizer } from './types.js';

/**
 * Token requests allowed per fetch (no proof → proof → proof with nonce).
 * @example
 * assert(server.tokenRequests <= MAX_TOKEN_REQUESTS_PER_FETCH);
 */
export const MAX_TOKEN_REQUESTS_PER_FETCH = 3;
/**
 * Token requests sent again per fetch after Okta refused the client key (a re-read key, then the previous one).
 * @example
 * assert(refusedKeyRetries <= MAX_KEY_RETRIES_PER_FETCH);
 */
export const MAX_KEY_RETRIES_PER_FETCH = 2;
const BACKGROUND_RETRY_MS = 30_000;
const SCOPE_DROP_INTERVAL_MS = 60_000;
/** Negative-cache back-off: first wait, and the longest. */
const NEGATIVE_FIRST_MS = 1_000;
const NEGATIVE_MAX_MS = 60_000;

/**
 * Options of {@link TokenProvider}: the resolved token settings (`tokenSettings(resolveConfig(options))`, every
 * default applied) and what the provider works with.
 * @example
 * const options: TokenProviderOptions = { ...tokenSettings(config), transport, signingKey, dpopProver };
 */
export interface TokenProviderOptions extends TokenSettings {
  transport: Transport;
  /** The client key, or a source whose key may change (fileKeySource, functionKeySource). */
  signingKey: SigningKey | SigningKeySource;
  /** The DPoP prover, or a factory called at most once, when DPoP is first needed. Required unless dpop is false. */
  dpopProver?: DpopProver | (() => Promise<DpopProver>) | undefined;
  /** Start background refreshes from a timer too (not only from lookups). Default true. */
  refreshTimer?: boolean | undefined;
  /** The server-clock estimate shared with the DPoP prover; one is created when not given. */
  serverClock?: ServerClock | undefined;
  metrics?: Metrics | undefined;
  deps?: Partial<Deps> | undefined;
}

interface CacheEntry {
  readonly key: string;
  readonly scopes: readonly string[];
  token: OktaAccessToken | undefined;
  inflight: Promise<OktaAccessToken> | undefined;
  refreshAt: number;
  /** After a failed background refresh: no new background attempt before this time. */
  retryRefreshAt: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  lastScopeDrop: number | undefined;
  warnedPartial: boolean;
  /** Last time a caller asked for this scope set (local clock). */
  lastUsedAt: number;
  /** A remembered failure that repetition cannot fix, answered without a request until `until`. */
  failure: { error: unknown; until: number; backoffMs: number; key: SigningKey | undefined } | undefined;
  /** The value of the last token dropped after a 401 or 403: never taken back from the store. */
  dropped?: string | undefined;
}

/**
 * Gets, caches and refreshes access tokens; authorizes API requests (implements {@link RequestAuthorizer}).
 * @example
 * const tokens = new TokenProvider({ transport, tokenEndpoint, clientId, signingKey, scopes, dpopProver });
 * const token = await tokens.getToken();              // default scopes
 * const { headers } = await tokens.authorize({ method: 'GET', url: new URL('https://acme.okta.com/api/v1/users') });
 */
export class TokenProvider implements RequestAuthorizer {
  readonly #transport: Transport;
  readonly #endpoint: URL;
  readonly #clientId: string;
  readonly #audience: string;
  readonly #keys: SigningKeySource;
  readonly #scopes: readonly string[];
  readonly #lifetime: number;
  readonly #dpopMode: 'auto' | boolean;
  readonly #proverSource: DpopProver | (() => Promise<DpopProver>) | undefined;
  readonly #refreshAheadMs: number;
  readonly #requireAll: boolean;
  readonly #timers: boolean;
  readonly #idleMs: number;
  readonly #serverClock: ServerClock;
  readonly #metrics: Metrics;
  readonly #deps: Deps;
  readonly #log: Logger;
  readonly #tokenStore: TokenStore;
  /** The token endpoint's rate-limit bucket, when a shared store was configured (pacing across processes). */
  readonly #rateBucket: string | undefined;
  readonly #entries = new Map<string, CacheEntry>();
  readonly #owners = new WeakMap<AccessToken, CacheEntry>();
  #dpopActive: boolean;
  #prover: DpopProver | undefined;
  #proverPromise: Promise<DpopProver> | undefined;
  #closed = false;
  /** Aborted by close(): ends a pacing wait. */
  readonly #closing = new AbortController();

  constructor(options: TokenProviderOptions) {
    this.#transport = options.transport;
    this.#endpoint = new URL(options.tokenEndpoint.href);
    this.#clientId = options.clientId;
    this.#audience = options.audience;
    this.#keys = isKeySource(options.signingKey) ? options.signingKey : fixedKeySource(options.signingKey);
    this.#scopes = normaliseScopes(options.scopes);
    this.#lifetime = options.assertionLifetimeSeconds;
    this.#dpopMode = options.dpop;
    this.#proverSource = options.dpopProver;
    this.#refreshAheadMs = options.refreshAheadSeconds * 1000;
    this.#requireAll = options.requireAllScopes;
    this.#timers = options.refreshTimer ?? true;
    this.#idleMs = options.refreshIdleSeconds * 1000;
    this.#metrics = options.metrics ?? new Metrics();
    this.#deps = defaultDeps(options.deps);
    this.#serverClock = options.serverClock ?? new ServerClock(this.#deps.clock);
    this.#log = createSafeLogger(this.#deps.logger);
    this.#tokenStore = options.tokenStore ?? new MemoryTokenStore({ clock: this.#deps.clock });
    this.#rateBucket = options.tokenStore === undefined ? undefined : rateLimitBucket(this.#endpoint);
    this.#dpopActive = this.#dpopMode === true;
    if (this.#dpopMode !== false && this.#proverSource === undefined) {
      throw new TypeError('TokenProvider: dpopProver is required unless dpop is false');
    }
  }

  /** Whether token requests currently carry DPoP proofs (always for `dpop: true`; after the switch for `'auto'`). */
  get dpopActive(): boolean {
    return this.#dpopActive;
  }

  /** The scopes used when none are given. */
  get scopes(): readonly string[] {
    return this.#scopes;
  }

  /** The client key's state: its kid, whether it is usable, changes seen, the latest problem. */
  keyStatus(): KeyStatus {
    return this.#keys.status();
  }

  /**
   * Re-read the client key now (forgetting keys Okta refused before, and remembered token failures when the key
   * changed); resolves to its state.
   */
  async reloadKey(): Promise<KeyStatus> {
    if (await this.#keys.reload()) for (const entry of this.#entries.values()) entry.failure = undefined;
    return this.#keys.status();
  }

  /** A remembered failure of the key (refused, unloadable) no longer holds once the source has another key. */
  async #keyChangedSince(failure: NonNullable<CacheEntry['failure']>): Promise<boolean> {
    if (!(isKeyRefusal(failure.error) || failure.error instanceof KeyError)) return false;
    const now = await this.#keys.current().catch(() => undefined);
    return now !== undefined && now !== failure.key;
  }

  /**
   * A valid access token for `scopes` (default: the configured scopes), from the cache when possible.
   * @example
   * const token = await tokens.getToken(['okta.users.read']);
   */
  async getToken(
    scopes?: readonly string[],
    options: { signal?: AbortSignal | undefined } = {},
  ): Promise<OktaAccessToken> {
    if (this.#closed) throw new ClosedError();
    const entry = this.#entry(scopes === undefined ? this.#scopes : normaliseScopes(scopes));
    const now = this.#deps.clock();
    entry.lastUsedAt = now;
    const token = entry.token;
    if (token !== undefined && this.#usable(token, now)) {
      if (now >= entry.refreshAt && now >= entry.retryRefreshAt && entry.inflight === undefined) {
        this.#metrics.tokenCache({ result: 'refresh-ahead' });
        this.#refreshInBackground(entry);
      } else {
        this.#metrics.tokenCache({ result: 'hit' });
      }
      return token;
    }
    if (
      entry.inflight === undefined &&
      entry.failure !== undefined &&
      now < entry.failure.until &&
      !(await this.#keyChangedSince(entry.failure))
    ) {
      this.#metrics.tokenCache({ result: 'negative' });
      throw entry.failure.error;
    }
    this.#metrics.tokenCache({ result: 'miss' });
    return raceSignal(entry.inflight ?? this.#startFetch(entry), options.signal);
  }

  /** Headers for one API request attempt: `Authorization`, and a fresh `DPoP` proof for a bound token. */
  async authorize(request: AuthorizeRequest): Promise<Authorization> {
    const token = await this.getToken(undefined, { signal: request.signal });
    if (token.type === 'DPoP') {
      // The prover is loaded once; after that no await is spent on it.
      const prover = this.#prover ?? (await this.#getProver());
      const proof = await prover.proof({
        method: request.method,
        url: request.url,
        accessToken: token.value,
      });
      return { headers: { Authorization: `DPoP ${token.value}`, DPoP: proof }, token };
    }
    return { headers: { Authorization: `Bearer ${token.value}` }, token };
  }

  /** The API answered 401 for `token`: forget it (if still cached) so the next call fetches a new one. */
  rejectToken(token: AccessToken): void {
    const entry = this.#owners.get(token);
    if (entry !== undefined && entry.token === token) this.#drop(entry);
  }

  /**
   * The API answered 403 insufficient_scope for `token` (`required`: the scope(s) the challenge named). A scope this
   * scope set never asked for, or one the token shows as requested and not granted, would not be in a new token
   * either: the still-valid token is kept and
   * false returned. Otherwise the token is dropped at most once a minute per scope set, so scopes granted since it
   * was issued take effect. True when a retry with another token makes sense.
   */
  insufficientScope(token: AccessToken, required?: readonly string[]): boolean {
    const entry = this.#owners.get(token);
    if (entry === undefined) return false;
    if (entry.token !== token) return true; // a newer token is (or will be) cached
    const missing = (token as Partial<OktaAccessToken>).missingScopes ?? [];
    // A scope not asked for, or asked for and not granted: a new token for this scope set would lack it too.
    if (required !== undefined && required.some((s) => !entry.scopes.includes(s) || missing.includes(s))) {
      return false;
    }
    const now = this.#deps.clock();
    if (entry.lastScopeDrop !== undefined && now - entry.lastScopeDrop < SCOPE_DROP_INTERVAL_MS) return false;
    entry.lastScopeDrop = now;
    this.#drop(entry);
    return true;
  }

  /** A resource demanded a DPoP nonce: remember it for that origin. */
  dpopNonce(url: URL, nonce: string): void {
    this.#prover?.rememberNonce(url, nonce);
  }

  /** Stop background refreshes; later calls reject with {@link ClosedError}. */
  close(): void {
    this.#closed = true;
    this.#closing.abort();
    for (const entry of this.#entries.values()) {
      if (entry.timer !== undefined) clearTimeout(entry.timer);
      entry.timer = undefined;
    }
  }

  /** Wait for fetches in progress (background refreshes included) to settle. Never rejects. */
  async settled(): Promise<void> {
    await Promise.allSettled(
      [...this.#entries.values()].flatMap((e) => (e.inflight === undefined ? [] : [e.inflight])),
    );
  }

  #entry(scopes: readonly string[]): CacheEntry {
    const key = scopes.join(' ');
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = {
        key,
        scopes,
        token: undefined,
        inflight: undefined,
        refreshAt: 0,
        retryRefreshAt: 0,
        timer: undefined,
        lastScopeDrop: undefined,
        warnedPartial: false,
        lastUsedAt: this.#deps.clock(),
        failure: undefined,
      };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  #usable(token: OktaAccessToken, now: number): boolean {
    if (token.type === 'DPoP' && this.#prover !== undefined && token.jkt !== undefined) {
      if (token.jkt !== this.#prover.thumbprint) return false;
    }
    const margin = Math.min(30_000, (token.expiresAt - token.obtainedAt) / 10);
    return now < token.expiresAt - margin;
  }

  #drop(entry: CacheEntry): void {
    entry.dropped = entry.token?.value ?? entry.dropped;
    entry.token = undefined;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
  }

  #startFetch(entry: CacheEntry): Promise<OktaAccessToken> {
    const promise = (async () => {
      try {
        const token = await this.#obtain(entry);
        entry.failure = undefined;
        this.#store(entry, token);
        return token;
      } catch (error) {
        const now = this.#deps.clock();
        if (error instanceof RateLimitError) {
          // The token endpoint's rate limit: no request before its reset (at least 1 s, at most 60 s from now).
          const until = Math.min(
            now + NEGATIVE_MAX_MS,
            Math.max(now + NEGATIVE_FIRST_MS, error.resetAt ?? 0),
          );
          entry.failure = {
            error,
            until,
            backoffMs: entry.failure?.backoffMs ?? NEGATIVE_FIRST_MS / 2,
            key: this.#keys.key,
          };
        } else if (isPermanentFailure(error)) {
          const backoffMs =
            entry.failure === undefined
              ? NEGATIVE_FIRST_MS
              : Math.min(NEGATIVE_MAX_MS, entry.failure.backoffMs * 2);
          entry.failure = { error, until: now + backoffMs, backoffMs, key: this.#keys.key };
        }
        throw error;
      } finally {
        entry.inflight = undefined;
      }
    })();
    entry.inflight = promise;
    // Callers may have gone (aborted); the failure is theirs to see, not an unhandled rejection.
    promise.catch(() => undefined);
    return promise;
  }

  /** The token through the store: another process's, or fetched here under the store's lease. */
  async #obtain(entry: CacheEntry): Promise<OktaAccessToken> {
    const key = tokenCacheKey({
      tokenEndpoint: this.#endpoint,
      clientId: this.#clientId,
      scopes: entry.scopes,
      dpopThumbprint: this.#dpopActive ? (await this.#getProver()).thumbprint : undefined,
    });
    return fetchOnce({
      store: this.#tokenStore,
      key,
      fetch: () => this.#fetch(entry),
      accept: (token) => this.#acceptShared(entry, token),
      clock: this.#deps.clock,
      log: this.#log,
    });
  }

  /**
   * Whether a token from the store may replace what `entry` holds. It must pass the checks a fetched token passes:
   * valid, requested for exactly these scopes, all of them granted when `requireAllScopes`, DPoP when `dpop` is
   * true, and a DPoP token bound to this process's key (and DPoP allowed at all). A token refused here is fetched
   * by this process instead, so the real error (e.g. ScopesNotGrantedError) reaches the caller and the negative
   * cache.
   */
  async #acceptShared(entry: CacheEntry, token: OktaAccessToken): Promise<boolean> {
    if (token.value === entry.dropped || !this.#usable(token, this.#deps.clock())) return false;
    if (entry.token !== undefined && token.obtainedAt <= entry.token.obtainedAt) return false;
    if ([...new Set(token.requestedScopes)].sort().join(' ') !== entry.key) return false;
    if (this.#requireAll && token.missingScopes.length > 0) return false;
    if (token.type === 'DPoP') {
      if (this.#dpopMode === false || token.jkt !== (await this.#getProver()).thumbprint) return false;
      this.#switchToDpop(); // the server demanded DPoP of the process that fetched it
    } else if (this.#dpopMode === true) {
      return false; // a Bearer token where DPoP is required is a downgrade, as from the server
    }
    this.#checkScopes(entry, token); // warns once about scopes not granted, as for a fetched token
    return true;
  }

  #refreshInBackground(entry: CacheEntry): void {
    if (this.#closed || entry.inflight !== undefined) return;
    this.#startFetch(entry).catch((error: unknown) => {
      if (this.#closed) return; // closed while refreshing (a forced close aborts the fetch): nothing failed
      const now = this.#deps.clock();
      entry.retryRefreshAt = now + BACKGROUND_RETRY_MS;
      this.#log.warn(
        {
          scopes: entry.scopes,
          code: error instanceof OktaM2MError ? error.code : undefined,
          error,
          tokenExpiresInMs: entry.token === undefined ? undefined : entry.token.expiresAt - now,
        },
        'Background token refresh failed; the cached token stays in use while valid',
      );
      this.#schedule(entry, entry.retryRefreshAt);
    });
  }

  #store(entry: CacheEntry, token: OktaAccessToken): void {
    entry.token = token;
    entry.retryRefreshAt = 0;
    this.#owners.set(token, entry);
    const lifetime = token.expiresAt - token.obtainedAt;
    const byFraction = token.obtainedAt + 0.8 * lifetime;
    const byWindow = token.expiresAt - this.#refreshAheadMs;
    entry.refreshAt = Math.max(token.obtainedAt + 0.5 * lifetime, Math.min(byFraction, byWindow));
    this.#schedule(entry, entry.refreshAt);
  }

  #schedule(entry: CacheEntry, at: number): void {
    if (!this.#timers || this.#closed) return;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, at - this.#deps.clock()));
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      const now = this.#deps.clock();
      // Only scope sets in use: a token no one asked for within the idle window is left to expire.
      if (
        entry.token !== undefined &&
        this.#usable(entry.token, now) &&
        now >= entry.retryRefreshAt &&
        now - entry.lastUsedAt <= this.#idleMs
      ) {
        this.#refreshInBackground(entry);
      }
    }, delay);
    entry.timer.unref();
  }

  async #getProver(): Promise<DpopProver> {
    if (this.#prover !== undefined) return this.#prover;
    const source = this.#proverSource;
    if (source === undefined) throw new DpopError('DPoP is needed but no DPoP prover is configured.');
    if (typeof source !== 'function') {
      this.#prover = source;
      return source;
    }
    this.#proverPromise ??= source().then((p) => (this.#prover = p));
    return this.#proverPromise;
  }

  #switchToDpop(): void {
    if (this.#dpopActive) return;
    this.#dpopActive = true;
    this.#log.info(
      { tokenEndpoint: this.#endpoint.href },
      'DPoP is required by the authorization server; switching to DPoP',
    );
  }

  async #fetch(entry: CacheEntry): Promise<OktaAccessToken> {
    const { clock, uuid } = this.#deps;
    const serverNow = this.#serverClock.now;
    const started = clock();
    let requests = 0;
    let keyRetries = 0;
    let status: number | undefined;
    let skewCorrected = false;
    let paced = false;
    try {
      for (let round = 1; ; round++) {
        const prover = this.#dpopActive ? await this.#getProver() : undefined;
        if (!paced) {
          paced = true; // once per fetch: the handshake's and retries' requests follow at once
          await this.#pace();
        }
        let signedWith: SigningKey | undefined;
        const response = await this.#transport.send(
          async () => {
            requests++;
            signedWith = await this.#keys.current();
            const clientAssertion = await createClientAssertion(signedWith, {
              clientId: this.#clientId,
              audience: this.#audience,
              lifetimeSeconds: this.#lifetime,
              now: serverNow(),
              jti: uuid(),
            });
            const dpopProof =
              prover === undefined ? undefined : await prover.proof({ method: 'POST', url: this.#endpoint });
            return buildTokenRequest({
              tokenEndpoint: this.#endpoint,
              scopes: entry.scopes,
              clientAssertion,
              dpopProof,
            });
          },
          { operation: 'token', retryable: true, circuit: 'token' },
        );
        status = response.status;
        if (this.#rateBucket !== undefined)
          publishHeadroom(this.#tokenStore, this.#rateBucket, response, this.#log, serverNow);
        const receivedAt = clock();
        let result: ReturnType<typeof processTokenResponse>;
        try {
          result = processTokenResponse(response, {
            requestedScopes: entry.scopes,
            now: receivedAt,
            jkt: prover?.thumbprint,
          });
        } catch (error) {
          if (
            signedWith !== undefined &&
            keyRetries < MAX_KEY_RETRIES_PER_FETCH &&
            isKeyRefusal(error) &&
            (await this.#keys.refused(signedWith))
          ) {
            keyRetries++;
            round--; // not a DPoP round
            this.#log.warn(
              {
                refusedKid: signedWith.kid,
                kid: this.#keys.status().kid,
                error: (error as OAuthError).errorDescription,
              },
              'Okta refused the client key; sending the token request again with the key the source holds now',
            );
            continue;
          }
          if (skewCorrected || !this.#correctSkew(error, response, receivedAt)) throw error;
          skewCorrected = true;
          round--; // the corrected resend does not count against the DPoP handshake rounds
          continue;
        }
        if (result.kind === 'token') {
          if (signedWith !== undefined) this.#keys.accepted(signedWith);
          if (this.#dpopMode === true && result.token.type !== 'DPoP') {
            // The caller asked for DPoP: a Bearer token from a server that ignored the proof is a downgrade.
            throw new DpopError(
              `POST ${this.#endpoint.pathname} answered 200 with a ${result.token.type} token although dpop is true and a DPoP proof was sent.`,
              { status },
              {
                hint: 'The authorization server ignored the DPoP proof. Turn on "Require Demonstrating Proof of Possession (DPoP) header in token requests" on the app, check for a proxy that strips the DPoP header, or set dpop to "auto" to accept Bearer tokens.',
              },
            );
          }
          if (result.nonce !== undefined && prover !== undefined)
            prover.rememberNonce(this.#endpoint, result.nonce);
          this.#checkScopes(entry, result.token);
          this.#metrics.tokenFetch({
            durationMs: clock() - started,
            outcome: 'success',
            status,
            tokenType: result.token.type,
            requests,
          });
          return result.token;
        }
        if (result.kind === 'dpop-required') {
          if (prover !== undefined) {
            throw new DpopError(
              `POST ${this.#endpoint.pathname} answered ${status} ${result.error}: the server saw no DPoP proof although one was sent.`,
              { status, error: result.error, errorDescription: result.errorDescription },
              { hint: 'Check for a proxy that strips the DPoP request header.' },
            );
          }
          this.#requireDpopAllowed(status, result.error, result.errorDescription);
          this.#switchToDpop();
        } else {
          this.#requireDpopAllowed(status, 'use_dpop_nonce', undefined);
          this.#switchToDpop();
          (prover ?? (await this.#getProver())).rememberNonce(this.#endpoint, result.nonce);
        }
        if (round >= MAX_TOKEN_REQUESTS_PER_FETCH) {
          throw new DpopError(
            `The DPoP nonce handshake with POST ${this.#endpoint.pathname} did not converge after ${round} token requests.`,
            { status, error: result.kind === 'use-nonce' ? 'use_dpop_nonce' : result.error },
            {
              hint: 'The server kept demanding a DPoP proof or a new nonce. Retry later; if it persists, check for a proxy that strips the DPoP or DPoP-Nonce headers.',
            },
          );
        }
      }
    } catch (error) {
      this.#metrics.tokenFetch({
        durationMs: clock() - started,
        outcome: 'error',
        status,
        error: error instanceof OktaM2MError ? error.code : 'OKTA_M2M_UNKNOWN',
        requests,
      });
      throw error;
    }
  }

  /** With a shared store: wait when the processes sharing it have nearly used up the token endpoint's window. */
  async #pace(): Promise<void> {
    if (this.#rateBucket === undefined) return;
    const waitedMs = await paceTokenRequest({
      store: this.#tokenStore,
      bucket: this.#rateBucket,
      serverNow: this.#serverClock.now,
      sleep: this.#deps.sleep,
      log: this.#log,
      signal: this.#closing.signal,
    }).catch((error: unknown) => {
      if (this.#closing.signal.aborted) throw new ClosedError();
      throw error;
    });
    if (waitedMs > 0) this.#metrics.tokenPaced({ waitedMs });
  }

  /**
   * After a refusal for time claims, learn the server's clock offset from `Date`. True when an offset was learnt
   * (the request is worth sending again once).
   */
  #correctSkew(error: unknown, response: HttpResponse, receivedAt: number): boolean {
    const description =
      error instanceof OAuthError && error.error === 'invalid_client'
        ? error.errorDescription
        : error instanceof DpopError && error.error === 'invalid_dpop_proof'
          ? error.errorDescription
          : undefined;
    const direction = timeClaimRefusal(description);
    if (direction === undefined) return false;
    const offset = this.#serverClock.learnFrom(response, receivedAt, direction);
    if (offset === undefined) return false;
    this.#metrics.clockSkew({ skewMs: offset });
    this.#log.warn(
      { clockSkewMs: offset, tokenEndpoint: this.#endpoint.href },
      offset === 0
        ? "This host's clock agrees with the authorization server's again (from its Date header); signing with the local time."
        : `This host's clock differs from the authorization server's by ${Math.round(offset / 1000)} s (from its Date header); signing with the corrected time. Fix the host's time synchronisation (NTP).`,
    );
    return true;
  }

  #requireDpopAllowed(status: number, error: string, errorDescription: string | undefined): void {
    if (this.#dpopMode !== false) return;
    throw new DpopError(
      `The authorization server requires DPoP (POST ${this.#endpoint.pathname} answered ${status} ${error}), but dpop is false.`,
      { status, error, errorDescription },
      {
        hint: 'Set dpop to "auto" or true (OKTA_DPOP=auto), or turn off "Require Demonstrating Proof of Possession (DPoP) header in token requests" on the app.',
      },
    );
  }

  #checkScopes(entry: CacheEntry, token: OktaAccessToken): void {
    if (token.missingScopes.length === 0) return;
    const hint = `Grant ${token.missingScopes.join(', ')} on the app's Okta API Scopes tab, or stop requesting ${token.missingScopes.length > 1 ? 'them' : 'it'}.`;
    if (this.#requireAll) throw new ScopesNotGrantedError(entry.scopes, token.scopes, { hint });
    if (!entry.warnedPartial) {
      entry.warnedPartial = true;
      this.#log.warn(
        { requested: entry.scopes, granted: token.scopes, missing: token.missingScopes, hint },
        'The authorization server granted fewer scopes than requested',
      );
    }
  }
}

/** A token failure that repeating the request cannot fix (remembered in the negative cache). */
function isPermanentFailure(error: unknown): boolean {
  // An OAuth refusal, or any other 4xx answer (an Okta error object, a proxy's or WAF's page): the same request
  // gets the same answer. Every DPoP failure (a refused proof, a Bearer answer to dpop: true, DPoP demanded while
  // dpop is false, a stripped header) is a set-up problem too.
  if (error instanceof OAuthError) return error.status < 500;
  if (error instanceof OktaApiError || error instanceof ResponseError)
    return error.status >= 400 && error.status < 500;
  return error instanceof KeyError || error instanceof ScopesNotGrantedError || error instanceof DpopError;
}

/** Okta's answers to an assertion whose key it does not know or whose signature its key does not verify. */
function isKeyRefusal(error: unknown): boolean {
  return (
    error instanceof OAuthError &&
    error.error === 'invalid_client' &&
    /kid is invalid|signature is invalid/i.test(error.errorDescription ?? '')
  );
}

function isKeySource(key: SigningKey | SigningKeySource): key is SigningKeySource {
  return typeof (key as Partial<SigningKeySource>).current === 'function';
}

function normaliseScopes(scopes: readonly string[]): readonly string[] {
  const normalised = [...new Set(scopes.map((s) => s.trim()).filter(Boolean))].sort();
  if (normalised.length === 0) {
    throw new InvalidArgumentError('scopes', 'getToken(scopes) needs at least one scope.', {
      hint: "Pass the scopes to request, e.g. ['okta.users.read'], or omit the argument for the configured ones.",
    });
  }
  return Object.freeze(normalised);
}

function raceSignal<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e as Error);
      },
    );
  });
}
