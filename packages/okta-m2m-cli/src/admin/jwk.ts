/**
 * Comparing public keys: the RFC 7638 thumbprint of a registered JWK, so `setup` and `doctor` can tell whether
 * a private key belongs to a key registered on the app, whatever kid it was registered under.
 */
import { createHash } from 'node:crypto';

/**
 * RFC 7638 SHA-256 thumbprint (base64url) of an RSA or EC public JWK; undefined for other key types.
 * @example
 * thumbprintOf({ kty: 'EC', crv: 'P-256', x: '...', y: '...' })
 */
export function thumbprintOf(jwk: Record<string, unknown>): string | undefined {
  const members =
    jwk['kty'] === 'RSA'
      ? { e: jwk['e'], kty: 'RSA', n: jwk['n'] }
      : jwk['kty'] === 'EC'
        ? { crv: jwk['crv'], kty: 'EC', x: jwk['x'], y: jwk['y'] }
        : undefined;
  if (members === undefined || Object.values(members).some((v) => typeof v !== 'string')) return undefined;
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}
