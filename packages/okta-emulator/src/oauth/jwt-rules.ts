/**
 * Rules shared by every JWT the org authorization server verifies (client assertions and DPoP proofs) that
 * are not specific to either: RFC 7515 `crit` (the emulator understands no header extension, so any `crit`
 * entry is refused) and RFC 7519 `nbf` (a JWT is not accepted before its not-before time).
 */

/**
 * True when the JOSE header asks the recipient to understand extensions (RFC 7515 §4.1.11). The emulator
 * implements none, so any `crit` member (even an empty or malformed one, which the RFC forbids) fails.
 *
 * @example
 * hasCriticalExtensions({ alg: 'RS256', crit: ['exp'] }); // true
 */
export function hasCriticalExtensions(header: Readonly<Record<string, unknown>>): boolean {
  return Object.hasOwn(header, 'crit');
}

/**
 * True when `nbf` is present and either not a finite number or later than `nowS + leewayS` (RFC 7519 §4.1.5:
 * the JWT must not be accepted before that time; a small leeway allows for clock skew).
 *
 * @example
 * isNotYetValid({ nbf: 2_000_000_000 }, 1_700_000_000, 60); // true
 */
export function isNotYetValid(
  payload: Readonly<Record<string, unknown>>,
  nowS: number,
  leewayS: number,
): boolean {
  if (!Object.hasOwn(payload, 'nbf')) return false;
  const nbf = payload.nbf;
  return typeof nbf !== 'number' || !Number.isFinite(nbf) || nbf > nowS + leewayS;
}
