/**
 * The Redis {@link TokenStore}: one shared, encrypted token per cache key for a fleet of replicas, a fenced
 * lease so the fleet fetches once, pub/sub to wake waiters, and a degraded mode.
 *
 * Contracts:
 * - Every Redis command is bounded by `commandTimeoutMs`; a command that fails or times out switches the store
 *   to degraded mode: it logs a warning, counts it, and serves from the in-process fallback store until a probe
 *   (at most one per `probeIntervalMs`, only while the connection is up) succeeds. No method rejects because
 *   Redis failed.
 * - Values are sealed with AES-256-GCM bound to the cache key (token-cipher.ts); an entry that fails to open is
 *   counted as tampered, deleted (only if unchanged) and reported as absent, so the provider fetches a new one.
 * - A live holder renews its lease every `leaseMs / 3` until it releases it, so a slow fetch keeps the lease
 *   while a holder that died loses it at most `leaseMs` after its death. A holder that degraded meanwhile still
 *   tries its fenced write once and always tries to release (each bounded by the command timeout), so the
 *   fleet is not kept waiting for the whole lease by one replica's hiccup.
 * - The token endpoint's rate-limit headroom is shared in clear (numbers, no secret), the lowest count of a
 *   window winning, and expires at the window's reset. On Redis's clock, a reset more than
 *   `MAX_RESET_AHEAD_MS` (65 s) ahead is refused, an entry lives at most 61 s, and a stored reset more than 61 s
 *   ahead (written by anyone else) is replaced by the next report: one bad report cannot stall the fleet.
 * - Key layout and scripts: key-layout.ts and redis-scripts.ts.
 */
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import {
  MAX_RESET_AHEAD_MS,
  MemoryTokenStore,
  type Logger,
  type SharedRateLimit,
  type StoredToken,
  type TokenLease,
  type TokenStore,
  type TokenStoreSetOptions,
} from 'okta-m2m';
import { eventsChannel, keyLayout, type KeyLayout } from './key-layout.js';
import {
  ACQUIRE_LEASE,
  DELETE_IF_SAME,
  FENCED_SET,
  PUBLISH_RATE_LIMIT,
  RELEASE_LEASE,
  RENEW_LEASE,
} from './redis-scripts.js';
import { open, parseEncryptionKey, seal } from './token-cipher.js';
import { StoreMetrics, type StoreMetricsSnapshot } from './store-metrics.js';

/**
 * Options of {@link RedisTokenStore}.
 * @example
 * const options: RedisTokenStoreOptions = { redis: process.env.REDIS_URL!, encryptionKey: process.env.TOKEN_STORE_KEY! };
 */
export interface RedisTokenStoreOptions {
  /** A `redis://` URL (the store owns and closes the connection), or an ioredis client you own. */
  redis: string | Redis;
  /** 32 bytes (raw, base64 or hex) for AES-256-GCM. Every replica of the fleet needs the same key. */
  encryptionKey: string | Uint8Array;
  /** Prefix of every key and of the channel. Default `okta-m2m:`. */
  keyPrefix?: string | undefined;
  /** How long a lease lasts unless released: longer than a token fetch with its retries. Default 30 000. */
  leaseMs?: number | undefined;
  /** Bound on each Redis command before falling back. Default 500. */
  commandTimeoutMs?: number | undefined;
  /** How long operations wait for the first connection before falling back. Default 2000. */
  connectTimeoutMs?: number | undefined;
  /** In degraded mode, try Redis again at most this often. Default 1000. */
  probeIntervalMs?: number | undefined;
  /** Longest wait between checks while waiting for a token when pub/sub is not connected. Default 250. */
  pollMs?: number | undefined;
  /** The in-process store used while Redis is away. Default a new `MemoryTokenStore`. */
  fallback?: TokenStore | undefined;
  /** Warnings on degrade and tampering, info on recovery. Never given a token. */
  logger?: Logger | undefined;
  clock?: (() => number) | undefined;
}

/** Longest life of a rate-limit entry (ms): a one-minute window and a second of the header's resolution. */
const RATE_ENTRY_TTL_CAP_MS = 61_000;

/** Where the store currently serves from. */
export type StoreMode = 'shared' | 'degraded';

interface RedisLease extends TokenLease {
  readonly layout: KeyLayout;
}

/**
 * A {@link TokenStore} on Redis, for `createOktaClient({ tokenStore })`.
 * @example
 * import { RedisTokenStore } from 'okta-m2m-redis';
 * const tokenStore = new RedisTokenStore({ redis: process.env.REDIS_URL!, encryptionKey: process.env.TOKEN_STORE_KEY! });
 * const client = createOktaClient({ ...fromEnv(), tokenStore });
 * // on shutdown: await client.close(); await tokenStore.close();
 */
export class RedisTokenStore implements TokenStore {
  readonly #redis: Redis;
  readonly #owned: boolean;
  readonly #key: Buffer;
  readonly #prefix: string;
  readonly #leaseMs: number;
  readonly #timeoutMs: number;
  readonly #connectMs: number;
  readonly #probeMs: number;
  readonly #pollMs: number;
  readonly #fallback: TokenStore;
  readonly #log: Logger | undefined;
  readonly #clock: () => number;
  readonly #metrics = new StoreMetrics();
  readonly #redisLeases = new WeakSet<TokenLease>();
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #renewals = new Set<ReturnType<typeof setInterval>>();
  #subscriber: Redis | undefined;
  /** True once SUBSCRIBE was acknowledged on the current subscriber connection (not merely connected). */
  #subscribed = false;
  #mode: StoreMode = 'shared';
  #nextProbeAt = 0;
  #closed = false;
  /** Settles when the first connection is ready (commands sent before it would fail without an offline queue). */
  readonly #firstReady: Promise<void>;
  #everReady = false;

  constructor(options: RedisTokenStoreOptions) {
    this.#key = parseEncryptionKey(options.encryptionKey);
    this.#prefix = options.keyPrefix ?? 'okta-m2m:';
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#timeoutMs = options.commandTimeoutMs ?? 500;
    this.#connectMs = options.connectTimeoutMs ?? 2000;
    this.#probeMs = options.probeIntervalMs ?? 1000;
    this.#pollMs = options.pollMs ?? 250;
    this.#clock = options.clock ?? Date.now;
    this.#fallback = options.fallback ?? new MemoryTokenStore({ leaseMs: this.#leaseMs, clock: this.#clock });
    this.#log = options.logger;
    this.#owned = typeof options.redis === 'string';
    this.#redis =
      typeof options.redis === 'string'
        ? new Redis(options.redis, clientOptions(this.#connectMs))
        : options.redis;
    this.#redis.on('error', (error: Error) => this.#connectionError('connection', error));
    this.#everReady = this.#redis.status === 'ready';
    this.#firstReady = this.#everReady
      ? Promise.resolve()
      : new Promise<void>((resolve) => this.#redis.once('ready', () => resolve()));
    this.#firstReady.then(() => (this.#everReady = true)).catch(() => undefined);
  }

  /** Where the store serves from now: `shared` (Redis) or `degraded` (the in-process fallback). */
  get mode(): StoreMode {
    return this.#mode;
  }

  /**
   * Wait (at most the connect timeout) for the first connection: true when Redis is ready. Optional: call it at
   * start-up so the first calls share from the start instead of falling back while the connection opens.
   * @example
   * if (!(await store.ready())) log.warn('Redis not reachable yet; tokens are per process until it is');
   */
  async ready(): Promise<boolean> {
    if (this.#everReady) return true;
    await this.#bounded(this.#firstReady, this.#connectMs).catch(() => undefined);
    return this.#everReady;
  }

  /**
   * Ask Redis now (a PING bounded by the command timeout): back to `shared` when it answers, `degraded` when it
   * does not. For health and status endpoints; without it the store still recovers on its own, at its first
   * operation after a probe interval.
   * @example
   * const mode = await store.check(); // 'shared' | 'degraded'
   */
  async check(): Promise<StoreMode> {
    if (this.#closed) return this.#mode;
    try {
      await this.#withTimeout(this.#redis.ping());
      if (this.#mode === 'degraded') this.#recover();
    } catch (error) {
      this.#degrade('check', error);
    }
    return this.#mode;
  }

  /** A copy of the counters (mode changes, fallbacks, leases, refused writes, tampered entries). */
  metrics(): StoreMetricsSnapshot {
    return this.#metrics.snapshot(this.#mode);
  }

  async get(key: string): Promise<StoredToken | undefined> {
    const layout = keyLayout(this.#prefix, key);
    return this.#shared(
      'get',
      async () => {
        const sealed = await this.#redis.hget(layout.token, 'v');
        return sealed === null ? undefined : this.#open(layout, key, sealed);
      },
      () => this.#fallback.get(key),
    );
  }

  async set(key: string, token: StoredToken, options: TokenStoreSetOptions): Promise<boolean> {
    const layout = keyLayout(this.#prefix, key);
    const lease = options.lease;
    const redisFence = lease !== undefined && this.#redisLeases.has(lease) ? lease.fence : 0;
    const ttlMs = Math.max(1, Math.ceil(options.ttlMs));
    return this.#shared(
      'set',
      async () => {
        const sealed = seal(this.#key, JSON.stringify(token), key);
        const written = await this.#script(
          FENCED_SET,
          [layout.token, layout.lease, layout.fence],
          [redisFence, sealed, ttlMs, layout.channel, layout.tag],
        );
        if (written !== 1) this.#metrics.count('fencedWritesRefused');
        return written === 1;
      },
      () =>
        this.#fallback.set(key, token, {
          ttlMs,
          lease: lease !== undefined && !this.#redisLeases.has(lease) ? lease : undefined,
        }),
      // Under a Redis lease the fleet waits for this write: try Redis even while degraded.
      redisFence > 0,
    );
  }

  async lease(key: string): Promise<TokenLease | undefined> {
    const layout = keyLayout(this.#prefix, key);
    return this.#shared(
      'lease',
      async () => {
        const fence = Number(
          await this.#script(ACQUIRE_LEASE, [layout.lease, layout.fence], [this.#leaseMs]),
        );
        if (!(fence > 0)) {
          this.#metrics.count('leasesBusy');
          return undefined;
        }
        this.#metrics.count('leasesAcquired');
        const stop = (): void => {
          clearInterval(renewal);
          this.#renewals.delete(renewal);
        };
        const renew = (): void => {
          this.#withTimeout(this.#script(RENEW_LEASE, [layout.lease], [fence, this.#leaseMs]))
            .then((renewed) => renewed === 1 || stop())
            .catch(stop);
        };
        const renewal = setInterval(renew, Math.max(10, Math.floor(this.#leaseMs / 3)));
        renewal.unref();
        this.#renewals.add(renewal);
        const lease: RedisLease = {
          fence,
          layout,
          expiresAt: this.#clock() + this.#leaseMs,
          release: () => {
            stop();
            return this.#release(layout, fence);
          },
        };
        this.#redisLeases.add(lease);
        return lease;
      },
      () => this.#fallback.lease(key),
    );
  }

  async waitForToken(
    key: string,
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<StoredToken | undefined> {
    if (this.#mode === 'degraded' && !this.#mayProbe()) return this.#fallback.waitForToken(key, options);
    const layout = keyLayout(this.#prefix, key);
    const subscribed = this.#subscribe();
    const timeoutMs = subscribed ? options.timeoutMs : Math.min(options.timeoutMs, this.#pollMs);
    // Listen first, then look: a token written between the caller's last look and now is found by the get, and
    // one written after the get wakes the listener (no lost wake-up).
    const found = new AbortController();
    const signal =
      options.signal === undefined ? found.signal : AbortSignal.any([options.signal, found.signal]);
    const notified = this.#notified(layout.tag, timeoutMs, signal);
    const present = await this.get(key);
    if (present !== undefined) {
      found.abort();
      return present;
    }
    await notified;
    return this.get(key);
  }

  /** Share a token endpoint's rate-limit headroom with the fleet (not secret: stored in clear). */
  async publishRateLimit(bucket: string, headroom: SharedRateLimit): Promise<void> {
    const layout = keyLayout(this.#prefix, bucket);
    await this.#shared(
      'publishRateLimit',
      async () => {
        await this.#script(
          PUBLISH_RATE_LIMIT,
          [layout.rate],
          [
            headroom.remaining,
            headroom.limit ?? -1,
            Math.round(headroom.resetAt),
            MAX_RESET_AHEAD_MS,
            RATE_ENTRY_TTL_CAP_MS,
          ],
        );
      },
      () => this.#fallback.publishRateLimit?.(bucket, headroom) ?? Promise.resolve(),
    );
  }

  /** The fleet's headroom for `bucket` until its window resets. */
  async readRateLimit(bucket: string): Promise<SharedRateLimit | undefined> {
    const layout = keyLayout(this.#prefix, bucket);
    return this.#shared(
      'readRateLimit',
      async () => {
        const [remaining, limit, reset] = await this.#redis.hmget(layout.rate, 'remaining', 'limit', 'reset');
        if (remaining === null || reset === null || Number(reset) <= this.#clock()) return undefined;
        return {
          remaining: Number(remaining),
          limit: limit === null || Number(limit) < 0 ? undefined : Number(limit),
          resetAt: Number(reset),
        };
      },
      () => this.#fallback.readRateLimit?.(bucket) ?? Promise.resolve(undefined),
    );
  }

  /** Close the connections this store opened. An ioredis client passed in stays open. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const renewal of this.#renewals) clearInterval(renewal);
    this.#renewals.clear();
    const subscriber = this.#subscriber;
    this.#subscriber = undefined;
    this.#subscribed = false;
    subscriber?.disconnect();
    if (this.#owned) this.#redis.disconnect();
  }

  /**
   * Release a Redis lease whatever the mode (bounded by the command timeout): a replica that degraded while
   * holding it would otherwise keep the fleet waiting for the whole lease. A failure leaves it to run out.
   */
  async #release(layout: KeyLayout, fence: number): Promise<void> {
    try {
      await this.#withTimeout(
        this.#script(RELEASE_LEASE, [layout.lease], [fence, layout.channel, layout.tag]),
      );
    } catch (error) {
      if (!this.#closed) this.#degrade('release', error);
    }
  }

  #open(layout: KeyLayout, key: string, sealed: string): StoredToken | undefined {
    const json = open(this.#key, sealed, key);
    const token = json === undefined ? undefined : parseStored(json);
    if (token !== undefined) return token;
    this.#metrics.count('tamperedEntries');
    this.#log?.warn(
      { key: layout.token },
      'okta-m2m-redis: a stored token failed authentication (tampered, or another encryption key); fetching a new one',
    );
    this.#script(DELETE_IF_SAME, [layout.token], [sealed]).catch(() => undefined);
    return undefined;
  }

  /**
   * Run `op` on Redis within the command timeout; on failure (or while degraded, unless `evenIfDegraded`) run
   * `fallback`.
   */
  async #shared<T>(
    name: string,
    op: () => Promise<T>,
    fallback: () => Promise<T>,
    evenIfDegraded = false,
  ): Promise<T> {
    if (this.#closed || (this.#mode === 'degraded' && !evenIfDegraded && !this.#mayProbe())) {
      this.#metrics.count('fallbackOps');
      return fallback();
    }
    try {
      if (!this.#everReady) await this.#bounded(this.#firstReady, this.#connectMs);
      const result = await this.#withTimeout(op());
      if (this.#mode === 'degraded') this.#recover();
      return result;
    } catch (error) {
      this.#degrade(name, error);
      this.#metrics.count('fallbackOps');
      return fallback();
    }
  }

  #mayProbe(): boolean {
    if (this.#redis.status !== 'ready' || this.#clock() < this.#nextProbeAt) return false;
    this.#nextProbeAt = this.#clock() + this.#probeMs;
    return true;
  }

  #degrade(operation: string, error: unknown): void {
    this.#nextProbeAt = this.#clock() + this.#probeMs;
    if (this.#mode === 'degraded') return;
    this.#mode = 'degraded';
    this.#metrics.count('degraded');
    this.#log?.warn(
      { operation, error: error instanceof Error ? error.message : String(error) },
      'okta-m2m-redis: Redis is unavailable; using the in-process token cache until it is back',
    );
  }

  #recover(): void {
    this.#mode = 'shared';
    this.#metrics.count('recovered');
    this.#log?.info({}, 'okta-m2m-redis: Redis is back; sharing tokens again');
  }

  #connectionError(source: string, error: Error): void {
    if (this.#closed) return;
    this.#metrics.count('redisErrors');
    this.#degrade(source, error);
  }

  #withTimeout<T>(promise: Promise<T>): Promise<T> {
    return this.#bounded(promise, this.#timeoutMs);
  }

  async #bounded<T>(promise: Promise<T>, ms: number): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      // Reject from the check phase, after the poll phase has read any reply already received: a stalled event
      // loop (a busy process) must not turn an answer that arrived in time into a timeout.
      timer = setTimeout(
        () => setImmediate(() => reject(new Error(`Redis did not answer within ${ms} ms`))),
        ms,
      );
      timer.unref();
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
      promise.catch(() => undefined);
    }
  }

  async #script(
    source: string,
    keys: readonly string[],
    args: readonly (string | number)[],
  ): Promise<unknown> {
    const sha = sha1(source);
    try {
      return await this.#redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.#redis.eval(source, keys.length, ...keys, ...args);
    }
  }

  /** Make sure the subscriber connection exists; true when its SUBSCRIBE has been acknowledged. */
  #subscribe(): boolean {
    if (this.#closed) return false;
    if (this.#subscriber === undefined) {
      const subscriber = this.#redis.duplicate();
      this.#subscriber = subscriber;
      const channel = eventsChannel(this.#prefix);
      subscriber.on('error', () => this.#metrics.count('redisErrors'));
      const unsubscribed = (): void => {
        if (this.#subscriber === subscriber) this.#subscribed = false;
      };
      subscriber.on('close', unsubscribed);
      subscriber.on('end', unsubscribed);
      subscriber.on('ready', () => {
        subscriber
          .subscribe(channel)
          .then(() => {
            if (this.#subscriber === subscriber && subscriber.status === 'ready') this.#subscribed = true;
          })
          .catch(() => undefined);
      });
      subscriber.on('message', (_channel: string, tag: string) => {
        const waiters = this.#waiters.get(tag);
        if (waiters !== undefined) for (const wake of [...waiters]) wake();
      });
    }
    return this.#subscribed && this.#subscriber.status === 'ready';
  }

  #notified(tag: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const waiters = this.#waiters.get(tag) ?? new Set<() => void>();
      this.#waiters.set(tag, waiters);
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(tag) === waiters) this.#waiters.delete(tag);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      timer.unref();
      signal?.addEventListener('abort', done, { once: true });
      waiters.add(done);
    });
  }
}

/**
 * ioredis options for a store-owned connection: commands fail at once while disconnected (no offline queue),
 * are bounded by the store's command timeout, and the client keeps reconnecting in the background (at most 1 s apart).
 */
function clientOptions(connectMs: number): RedisOptions {
  return {
    connectTimeout: connectMs,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  };
}

function sha1(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

function parseStored(json: string): StoredToken | undefined {
  try {
    const t = JSON.parse(json) as Partial<StoredToken>;
    if (
      typeof t.value !== 'string' ||
      (t.type !== 'Bearer' && t.type !== 'DPoP') ||
      typeof t.expiresAt !== 'number' ||
      typeof t.obtainedAt !== 'number' ||
      !Array.isArray(t.scopes) ||
      !Array.isArray(t.requestedScopes)
    ) {
      return undefined;
    }
    return {
      value: t.value,
      type: t.type,
      expiresAt: t.expiresAt,
      obtainedAt: t.obtainedAt,
      scopes: t.scopes.map(String),
      requestedScopes: t.requestedScopes.map(String),
      ...(typeof t.jkt === 'string' ? { jkt: t.jkt } : {}),
    };
  } catch {
    return undefined;
  }
}
