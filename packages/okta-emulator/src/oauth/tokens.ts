/**
 * Access tokens of the org authorization server: minting Okta-shaped RS256 JWTs (with `cnf.jkt` when
 * DPoP-bound), storing them for the API-auth hook, and looking them up.
 */
import { createPrivateKey, randomBytes, sign, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { AuthorizationServerState } from './server-state.js';
import type { IssuedToken, SigningKey } from '../state/org-records.js';

/** Lifetime of org-AS access tokens for Okta scopes: fixed at one hour. */
export const ACCESS_TOKEN_LIFETIME_S = 3600;

const keyObjects = new WeakMap<SigningKey, KeyObject>();

function privateKey(signingKey: SigningKey): KeyObject {
  let key = keyObjects.get(signingKey);
  if (!key) {
    key = createPrivateKey({ key: signingKey.privateJwk as JsonWebKey, format: 'jwk' });
    keyObjects.set(signingKey, key);
  }
  return key;
}

/**
 * Mints an org-AS access token shaped like Okta's: RS256 JWT with header `{kid, alg}` and claims
 * `ver: 1`, `jti: "AT.…"`, `iss` = `aud` = org URL, `sub` = `cid` = client id, `iat`, `exp` (+3600 s),
 * `scp` array, and `cnf.jkt` when DPoP-bound. The token is stored for the API-auth hook's lookup.
 */
export function mintAccessToken(
  state: AuthorizationServerState,
  grant: { clientId: string; scopes: string[]; jkt?: string },
): { accessToken: string; record: IssuedToken } {
  const nowMs = state.clock.now();
  const iat = Math.floor(nowMs / 1000);
  const jti = 'AT.' + randomBytes(32).toString('base64url');
  const claims: Record<string, unknown> = {
    ver: 1,
    jti,
    iss: state.orgUrl,
    aud: state.orgUrl,
    sub: grant.clientId,
    iat,
    exp: iat + ACCESS_TOKEN_LIFETIME_S,
    cid: grant.clientId,
    scp: grant.scopes,
  };
  if (grant.jkt !== undefined) claims.cnf = { jkt: grant.jkt };
  const header = { kid: state.signingKey.kid, alg: 'RS256' };
  const signingInput = `${b64u(header)}.${b64u(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), privateKey(state.signingKey)).toString(
    'base64url',
  );
  const accessToken = `${signingInput}.${signature}`;
  const record: IssuedToken = {
    jti,
    clientId: grant.clientId,
    scopes: grant.scopes,
    iat,
    exp: iat + ACCESS_TOKEN_LIFETIME_S,
    ...(grant.jkt !== undefined ? { jkt: grant.jkt } : {}),
  };
  state.storeToken(accessToken, record);
  return { accessToken, record };
}

/** The stored record of a token this emulator issued, or undefined. Expiry is the caller's check. */
export function lookupAccessToken(
  state: AuthorizationServerState,
  accessToken: string,
): IssuedToken | undefined {
  return state.tokens.get(accessToken);
}

function b64u(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
