/**
 * Where a token lives in Redis. Every key of one token shares a `{hash}` tag (one cluster slot), and the
 * hash hides the client id and scopes from anyone listing keys:
 *
 * | key | type | holds |
 * | --- | --- | --- |
 * | `<prefix>{h}:token` | hash | `f` the fence of the write, `v` the sealed token; expires with the token |
 * | `<prefix>{h}:lease` | string | the fence of the current lease holder; expires with the lease |
 * | `<prefix>{h}:fence` | string | the fence counter (`INCR`), never expires; a fence above it is from an earlier life of Redis |
 * | `<prefix>{h}:rate` | hash | for a rate-limit bucket: `remaining`, `limit`, `reset` (ms); expires at the reset, at most 61 s |
 * | `<prefix>events` | channel | messages `h` when a token is written or a lease released |
 */
import { createHash } from 'node:crypto';

/**
 * The Redis names for one cache key.
 * @example
 * const keys = keyLayout('okta-m2m:', cacheKey); // keys.token === 'okta-m2m:{3f2a…}:token'
 */
export interface KeyLayout {
  /** The tag: the first 128 bits of SHA-256(cache key), hex. */
  readonly tag: string;
  readonly token: string;
  readonly lease: string;
  readonly fence: string;
  /** The rate-limit headroom, when the key names a token endpoint's bucket. */
  readonly rate: string;
  /** The pub/sub channel shared by all keys under the prefix. */
  readonly channel: string;
}

/**
 * Names of the keys for `cacheKey` under `prefix`.
 * @example
 * keyLayout('okta-m2m:', 'v1 https://acme.okta.com/oauth2/v1/token 0oa1 - okta.users.read').lease;
 */
export function keyLayout(prefix: string, cacheKey: string): KeyLayout {
  const tag = createHash('sha256').update(cacheKey, 'utf8').digest('hex').slice(0, 32);
  return {
    tag,
    token: `${prefix}{${tag}}:token`,
    lease: `${prefix}{${tag}}:lease`,
    fence: `${prefix}{${tag}}:fence`,
    rate: `${prefix}{${tag}}:rate`,
    channel: eventsChannel(prefix),
  };
}

/**
 * The pub/sub channel of a prefix.
 * @example
 * eventsChannel('okta-m2m:'); // 'okta-m2m:events'
 */
export function eventsChannel(prefix: string): string {
  return `${prefix}events`;
}
