/**
 * Okta's rate-limit headers as a value object. Okta sends `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining` and
 * `X-Rate-Limit-Reset` (UTC epoch seconds) on rate-limited responses, and a `Date` header on every response; the
 * wait before a retry is measured against `Date` (the server's clock), as Okta's own SDKs do, so a skewed local
 * clock does not distort it. Pure.
 */

/** The rate-limit state reported by one response. Fields the server did not send are `undefined`. */
export interface RateLimitInfo {
  /** `X-Rate-Limit-Limit`: requests allowed in the window (0 on a concurrency-limit 429). */
  readonly limit: number | undefined;
  /** `X-Rate-Limit-Remaining`: requests left in the window. */
  readonly remaining: number | undefined;
  /** `X-Rate-Limit-Reset` in ms since the epoch: when the window resets. */
  readonly resetAt: number | undefined;
  /** The response's `Date` header in ms since the epoch: the server's clock when it answered. */
  readonly serverNow: number | undefined;
}

type HeaderRecord = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * Read the rate-limit headers and `Date` from a response's headers (names matched case-insensitively).
 * Repeated or comma-joined values are tolerated: the most conservative reading wins (the lowest limit and
 * remaining count, the latest reset). Returns `undefined` when none of the three rate-limit headers is present.
 *
 * @example
 * parseRateLimit({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0',
 *   'x-rate-limit-reset': '1609459200', date: 'Fri, 01 Jan 2021 00:00:00 GMT' })
 * // { limit: 600, remaining: 0, resetAt: 1609459200000, serverNow: 1609459200000 }
 */
export function parseRateLimit(headers: HeaderRecord): RateLimitInfo | undefined {
  const lower = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const list = lower.get(key) ?? [];
    list.push(...(typeof value === 'string' ? [value] : value));
    lower.set(key, list);
  }
  const limit = numbers(lower.get('x-rate-limit-limit'));
  const remaining = numbers(lower.get('x-rate-limit-remaining'));
  const reset = numbers(lower.get('x-rate-limit-reset'));
  if (limit.length === 0 && remaining.length === 0 && reset.length === 0) return undefined;
  return {
    limit: limit.length ? Math.min(...limit) : undefined,
    remaining: remaining.length ? Math.min(...remaining) : undefined,
    resetAt: reset.length ? Math.max(...reset) * 1000 : undefined,
    serverNow: parseHttpDate(lower.get('date')?.[0]),
  };
}

/**
 * Whether {@link parseRateLimit} would find rate-limit headers in these lower-case headers (as the transport
 * delivers them), without parsing them: at least one of the three carries a non-negative integer. Pure.
 * @example
 * hasRateLimit({ 'x-rate-limit-remaining': '9' }) // true
 */
export function hasRateLimit(headers: HeaderRecord): boolean {
  return (
    anyInteger(headers['x-rate-limit-limit']) ||
    anyInteger(headers['x-rate-limit-remaining']) ||
    anyInteger(headers['x-rate-limit-reset'])
  );
}

function anyInteger(value: string | readonly string[] | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value === 'string') return isDigits(value) || numbers([value]).length > 0;
  return numbers(value).length > 0;
}

/** A non-empty run of ASCII digits (the common case, checked without splitting). */
function isDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Parse an HTTP date (`Fri, 01 Jan 2021 00:00:00 GMT`) to ms since the epoch; `undefined` if absent or invalid. */
export function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Every non-negative integer in the values, splitting comma-joined duplicates. */
function numbers(values: readonly string[] | undefined): number[] {
  if (values === undefined) return [];
  const out: number[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const text = part.trim();
      if (/^\d+$/.test(text)) out.push(Number(text));
    }
  }
  return out;
}
