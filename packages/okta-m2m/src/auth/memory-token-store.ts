/**
 * The in-process {@link TokenStore}: the default store of the token provider, and the fallback of shared
 * stores while their backend is away. Entries, leases and the token endpoint's rate-limit headroom live in this
 * process only; leases are fenced and expire on the injected clock exactly as a shared store's do, so the
 * provider has one code path.
 */
import type { Clock } from '../deps.js';
import {
  supersedes,
  type SharedRateLimit,
  type StoredToken,
  type TokenLease,
  type TokenStore,
  type TokenStoreSetOptions,
} from './token-store.js';

/** Default lease time: longer than one token fetch with its retries normally takes. */
const DEFAULT_LEASE_MS = 30_000;

/**
 * Options of {@link MemoryTokenStore}.
 * @example
 * new MemoryTokenStore({ leaseMs: 10_000 });
 */
export interface MemoryTokenStoreOptions {
  /** How long a lease lasts unless released. Default 30 000 ms. */
  leaseMs?: number | undefined;
  /** Time source for entry and lease expiry. Default `Date.now`. */
  clock?: Clock | undefined;
}

interface Entry {
  token: StoredToken;
  fence: number;
  expiresAt: number;
}

/**
 * A {@link TokenStore} in this process's memory.
 * @example
 * const store = new MemoryTokenStore();
 * const lease = await store.lease('k');          // a lease: nobody else holds it
 * await store.set('k', stored, { ttlMs: 60_000, lease });
 * await lease?.release();
 */
export class MemoryTokenStore implements TokenStore {
  readonly #leaseMs: number;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #leases = new Map<string, { fence: number; expiresAt: number }>();
  readonly #fences = new Map<string, number>();
  readonly #waiters = new Map<string, Set<() => void>>();
  readonly #rateLimits = new Map<string, SharedRateLimit>();

  constructor(options: MemoryTokenStoreOptions = {}) {
    this.#leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.#clock = options.clock ?? Date.now;
  }

  async get(key: string): Promise<StoredToken | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (this.#clock() >= entry.expiresAt) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  async set(key: string, token: StoredToken, options: TokenStoreSetOptions): Promise<boolean> {
    const fence = options.lease?.fence ?? 0;
    const current = this.#entries.get(key);
    if (current !== undefined && fence < current.fence) return false;
    this.#entries.set(key, {
      token,
      fence: Math.max(fence, current?.fence ?? 0),
      expiresAt: this.#clock() + Math.max(0, options.ttlMs),
    });
    this.#wake(key);
    return true;
  }

  async lease(key: string): Promise<TokenLease | undefined> {
    const now = this.#clock();
    const held = this.#leases.get(key);
    if (held !== undefined && now < held.expiresAt) return undefined;
    const fence = (this.#fences.get(key) ?? 0) + 1;
    this.#fences.set(key, fence);
    const state = { fence, expiresAt: now + this.#leaseMs };
    this.#leases.set(key, state);
    return {
      fence,
      expiresAt: state.expiresAt,
      release: async () => {
        if (this.#leases.get(key) === state) {
          this.#leases.delete(key);
          this.#wake(key);
        }
      },
    };
  }

  async waitForToken(
    key: string,
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<StoredToken | undefined> {
    if (options.signal?.aborted) return undefined;
    // Listen first, then look (no lost wake-up between the caller's last look and the wait).
    const found = new AbortController();
    const signal =
      options.signal === undefined ? found.signal : AbortSignal.any([options.signal, found.signal]);
    const notified = new Promise<void>((resolve) => {
      const waiters = this.#waiters.get(key) ?? new Set<() => void>();
      this.#waiters.set(key, waiters);
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, options.timeoutMs));
      timer.unref();
      signal.addEventListener('abort', done, { once: true });
      waiters.add(done);
    });
    const present = await this.get(key);
    if (present !== undefined) {
      found.abort();
      return present;
    }
    await notified;
    return this.get(key);
  }

  async publishRateLimit(bucket: string, headroom: SharedRateLimit): Promise<void> {
    const current = await this.readRateLimit(bucket);
    if (supersedes(current, headroom)) this.#rateLimits.set(bucket, { ...headroom });
  }

  async readRateLimit(bucket: string): Promise<SharedRateLimit | undefined> {
    const current = this.#rateLimits.get(bucket);
    if (current === undefined || this.#clock() < current.resetAt) return current;
    this.#rateLimits.delete(bucket);
    return undefined;
  }

  #wake(key: string): void {
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) return;
    for (const wake of [...waiters]) wake();
  }
}
