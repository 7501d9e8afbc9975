/**
 * The Lua scripts that make the lease and the fenced write atomic in Redis (each runs as one command).
 */

/**
 * Take the lease when free: `SET lease <fence> NX PX ttl` with a fence from `INCR`, in one step, so fences
 * only grow and a fence is never spent without a lease.
 * KEYS: lease, fence counter. ARGV: lease ms. Returns the fence, or 0 when the lease is held.
 */
export const ACQUIRE_LEASE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return fence`;

/**
 * Fenced write: refused (0) when the stored token was written under a newer lease, or when the writer's fence
 * is above the fence counter (a lease from an earlier life of Redis: it restarted without persistence or failed
 * over, and the counter started again, so that fence says nothing about who is current). A stored `f` above the
 * counter is from an earlier life too: it is treated as invalid and overwritten. Otherwise store the sealed
 * token with its expiry, end the writer's lease if it still holds it, and wake waiters (1).
 * KEYS: token, lease, fence counter. ARGV: fence, sealed token, ttl ms, channel, tag.
 */
export const FENCED_SET = `
local counter = tonumber(redis.call('GET', KEYS[3]) or '0')
local fence = tonumber(ARGV[1])
if fence > counter then return 0 end
local stored = tonumber(redis.call('HGET', KEYS[1], 'f') or '0')
if stored > counter then stored = 0 end
if fence < stored then return 0 end
redis.call('HSET', KEYS[1], 'f', ARGV[1], 'v', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if fence > 0 and redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`;

/**
 * End a lease if the caller still holds it, and wake waiters.
 * KEYS: lease. ARGV: fence, channel, tag. Returns 1 when released, 0 when the lease had passed on.
 */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0`;

/**
 * Delete a token entry only if it still holds the given sealed value (a tampered entry found by a reader).
 * KEYS: token. ARGV: sealed value. Returns 1 when deleted.
 */
export const DELETE_IF_SAME = `
if redis.call('HGET', KEYS[1], 'v') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Extend a lease its holder still holds (the holder is alive and still fetching).
 * KEYS: lease. ARGV: fence, lease ms. Returns 1 when extended, 0 when the lease had passed on.
 */
export const RENEW_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;

/**
 * Record rate-limit headroom: kept when it is for a later window, or a lower count in the same window (the
 * most conservative report of the fleet wins); expires when its window resets. Measured on Redis's clock
 * (`TIME`): a report whose reset is more than the bound ahead is refused, a stored entry whose reset is more
 * than the TTL cap ahead is not believed (any report replaces it), and the TTL is at most the cap, so no entry
 * outlives a one-minute window by much.
 * KEYS: rate. ARGV: remaining, limit (-1: not sent), reset ms, refuse-ahead ms, TTL cap ms. Returns 1 when written.
 */
export const PUBLISH_RATE_LIMIT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local incoming = tonumber(ARGV[3])
local cap = tonumber(ARGV[5])
if incoming - now > tonumber(ARGV[4]) then return 0 end
local current = redis.call('HMGET', KEYS[1], 'remaining', 'reset')
if current[2] then
  local reset = tonumber(current[2])
  if reset - now <= cap then
    if incoming < reset then return 0 end
    if incoming == reset and tonumber(current[1]) <= tonumber(ARGV[1]) then return 0 end
  end
end
redis.call('HSET', KEYS[1], 'remaining', ARGV[1], 'limit', ARGV[2], 'reset', ARGV[3])
redis.call('PEXPIRE', KEYS[1], math.max(1, math.min(cap, incoming - now)))
return 1`;
