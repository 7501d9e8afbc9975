/**
 * The fleet's shared token store: with `REDIS_URL` set, the Okta client keeps its tokens in Redis through
 * okta-m2m-redis, so every replica of the service shares one token, fetched once per lifetime under a fenced
 * lease and sealed with `TOKEN_STORE_KEY`. When Redis is slow or down the store serves from the replica's own
 * cache (`degraded`) and no call fails; this module reports that state to `/readyz`, `/status` and `/metrics`,
 * and closes the store with the app.
 */
import type { Logger, TokenStore } from 'okta-m2m';
import { RedisTokenStore, type StoreMetricsSnapshot } from 'okta-m2m-redis';
import type { SharedTokenStoreConfig } from '../config.js';

/** `in-process`: no REDIS_URL; `shared`: Redis answers; `degraded`: Redis is away, tokens are per replica. */
export type TokenStoreState = 'in-process' | 'shared' | 'degraded';

/** What the app holds: the store to give the Okta client, and its state. */
export interface ServiceTokenStore {
  /** For `createOktaClient({ tokenStore })`; `undefined` keeps the library's in-process store. */
  readonly store: TokenStore | undefined;
  /** The state now; with Redis, asks it (one PING, bounded by the store's command timeout). */
  state(): Promise<TokenStoreState>;
  /** The state last seen, without asking Redis (for a metrics scrape). */
  lastState(): TokenStoreState;
  /** The Redis store's counters, or `undefined` without Redis. */
  counters(): StoreMetricsSnapshot | undefined;
  close(): Promise<void>;
}

/**
 * Open the shared store (waiting at most its connect timeout for Redis; an unreachable Redis starts `degraded`
 * and is retried in the background), or the in-process default when `config` is undefined.
 * @example
 * const tokens = await openTokenStore(config.tokenStore, logger);
 * const client = createOktaClient({ ...okta, tokenStore: tokens.store });
 */
export async function openTokenStore(
  config: SharedTokenStoreConfig | undefined,
  logger: Logger,
): Promise<ServiceTokenStore> {
  if (config === undefined) {
    return {
      store: undefined,
      state: () => Promise.resolve('in-process'),
      lastState: () => 'in-process',
      counters: () => undefined,
      close: () => Promise.resolve(),
    };
  }
  const store = new RedisTokenStore({
    redis: config.redisUrl,
    encryptionKey: config.encryptionKey,
    logger,
  });
  const connected = (await store.ready()) && (await store.check()) === 'shared';
  const where = redisLocation(config.redisUrl);
  if (connected) logger.info({ redis: where }, 'sharing Okta tokens through Redis');
  else {
    logger.warn(
      { redis: where },
      'Redis is not reachable; tokens are per replica until it is (retrying in the background)',
    );
  }
  return {
    store,
    state: () => store.check(),
    lastState: () => store.mode,
    counters: () => store.metrics(),
    close: () => store.close(),
  };
}

/** The URL without credentials, path or query: safe to log. */
function redisLocation(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}`;
}
