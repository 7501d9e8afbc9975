/**
 * okta-m2m-redis: a Redis-backed token store for okta-m2m. A fleet of replicas shares one access token per
 * cache key, fetched once per lifetime under a fenced lease, sealed with AES-256-GCM at rest, and falls back to
 * the in-process cache while Redis is away. Design and failure modes: docs/fleet.md.
 *
 * @example
 * import { createOktaClient, fromEnv } from 'okta-m2m';
 * import { RedisTokenStore } from 'okta-m2m-redis';
 * const tokenStore = new RedisTokenStore({ redis: process.env.REDIS_URL!, encryptionKey: process.env.TOKEN_STORE_KEY! });
 * const client = createOktaClient({ ...fromEnv(), tokenStore });
 */
export { RedisTokenStore } from './redis-token-store.js';
export type { RedisTokenStoreOptions, StoreMode } from './redis-token-store.js';
export type { StoreMetricsSnapshot } from './store-metrics.js';
export { keyLayout, eventsChannel } from './key-layout.js';
export type { KeyLayout } from './key-layout.js';
export { parseEncryptionKey, EncryptionKeyError, seal, open } from './token-cipher.js';
