/**
 * A private_key_jwt client assertion built by hand with jose, independent of the library's own
 * client-assertion module, so raw interop tests exercise the library's DPoP prover alone.
 */
import { randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

/**
 * Sign a client assertion: iss = sub = client id, aud = the token endpoint, 5-minute lifetime, fresh jti.
 * @example
 * const assertion = await handAssertion({ clientId, tokenEndpoint, key, alg: 'RS256' });
 */
export async function handAssertion(input: {
  clientId: string;
  tokenEndpoint: string;
  key: KeyObject;
  alg: string;
  kid?: string;
}): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: input.alg, typ: 'JWT', ...(input.kid ? { kid: input.kid } : {}) })
    .setIssuer(input.clientId)
    .setSubject(input.clientId)
    .setAudience(input.tokenEndpoint)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(input.key);
}

/** The form body of a client_credentials token request with private_key_jwt. */
export function tokenForm(scopes: readonly string[], assertion: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    scope: scopes.join(' '),
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  }).toString();
}
