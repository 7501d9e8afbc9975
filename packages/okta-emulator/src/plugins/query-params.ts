/**
 * Query parameters the emulator does not implement are refused, never ignored: a list that silently
 * dropped `filter` or `expand` would answer 200 with the wrong data. The refusal is Okta's 501 E0000052
 * "Endpoint not implemented." with a cause naming the parameter.
 */
import { OktaApiError } from '../lib/errors.js';

/**
 * Throws 501 E0000052 when `query` holds a parameter outside `allowed`.
 * @example refuseUnknownQuery(request.query, ['q', 'limit', 'after']);
 */
export function refuseUnknownQuery(query: unknown, allowed: readonly string[]): void {
  if (query === null || typeof query !== 'object') return;
  const unknown = Object.keys(query).filter((k) => !allowed.includes(k));
  if (unknown.length === 0) return;
  throw new OktaApiError('E0000052', {
    causes: unknown.map(
      (k) =>
        `The emulator does not implement the query parameter '${k}' here (supported: ${allowed.join(', ') || 'none'}).`,
    ),
  });
}
