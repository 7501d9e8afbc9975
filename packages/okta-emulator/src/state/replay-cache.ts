/**
 * Replay caches: remember a client assertion `jti` or DPoP proof `jti` until it could no longer be
 * accepted anyway, and refuse it a second time. Bounded by sweeping expired entries.
 */

/**
 * Records `key` in a replay cache until `forgetAfterMs`. Returns false when it was already there (a replay).
 * Expired entries are swept now and then, so the cache stays bounded by the traffic of one validity window.
 */
export function rememberOnce(
  cache: Map<string, number>,
  key: string,
  forgetAfterMs: number,
  nowMs: number,
): boolean {
  const seen = cache.get(key);
  if (seen !== undefined && seen > nowMs) return false;
  cache.set(key, forgetAfterMs);
  // Sweep when the cache has doubled since the last sweep (and holds at least 1024 keys). A sweep walks the
  // whole map, so sweeping every 1024 inserts cost more per insert the more proofs one validity window held
  // (quadratic under steady load); doubling keeps the cost per insert constant and the map within twice its
  // live size.
  if (cache.size >= (nextSweepAt.get(cache) ?? 1024)) {
    sweep(cache, nowMs);
    nextSweepAt.set(cache, Math.max(1024, 2 * cache.size));
  }
  return true;
}

/** Per replay cache: the size at which {@link rememberOnce} sweeps next. */
const nextSweepAt = new WeakMap<Map<string, number>, number>();

function sweep(cache: Map<string, number>, nowMs: number): void {
  for (const [k, until] of cache) if (until <= nowMs) cache.delete(k);
}
