/**
 * Signature algorithms: which ones Okta accepts for client assertions and DPoP proofs, and the key type
 * and curve each needs.
 */
/** Signature algorithms Okta accepts for client assertions (private_key_jwt) and DPoP proofs. */
export const ASYMMETRIC_ALGS: readonly string[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];

/** The `algs` parameter of a DPoP challenge, exactly as Okta sends it. */
export const DPOP_ALGS_PARAM = 'RS256 RS384 RS512 ES256 ES384 ES512';

/** True when `alg` is one of RS/ES 256/384/512 (never `none`, never HS*). */
export function isAllowedAlg(alg: unknown): alg is string {
  return typeof alg === 'string' && ASYMMETRIC_ALGS.includes(alg);
}

/** The key type an algorithm needs. */
export function ktyForAlg(alg: string): 'RSA' | 'EC' {
  return alg.startsWith('ES') ? 'EC' : 'RSA';
}

/** The curve an ES algorithm needs. */
export function curveForAlg(alg: string): string | undefined {
  return { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' }[alg];
}
