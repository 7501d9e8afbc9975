/**
 * The records the org keeps besides users and IAM objects: OIDC apps with their keys and scope grants, issued
 * access tokens, the emulator's own signing key, and the request counters.
 */
import type { JWK } from 'jose';

/** A public JWK as stored on an app (only the members Okta keeps). */
export interface PublicJwk {
  kty: 'RSA' | 'EC';
  kid?: string;
  alg?: string;
  use?: string;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

/** One key of an app's JWKS (`/api/v1/apps/{id}/credentials/jwks`). */
export interface AppKey {
  /** Okta's key id, `pks…` (not the `kid`). */
  id: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
  jwk: PublicJwk;
}

/** A scope consent grant (`/api/v1/apps/{id}/grants`). */
export interface ScopeGrant {
  /** `oag…` */
  id: string;
  scopeId: string;
  issuer: string;
  status: 'ACTIVE';
  created: string;
  lastUpdated: string;
  createdBy: { id: string; type: 'User' | 'Client' };
  source: 'ADMIN';
}

/** An OIDC app (client). The emulator's token endpoint serves `service` apps with `private_key_jwt`. */
export interface OidcApp {
  /** `0oa…`; also the client_id. */
  id: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
  tokenEndpointAuthMethod: string;
  applicationType: string;
  grantTypes: string[];
  responseTypes: string[];
  /** `settings.oauthClient.dpop_bound_access_tokens`. */
  dpopBound: boolean;
  keys: AppKey[];
  grants: ScopeGrant[];
}

/** An access token minted by the org authorization server, kept for the API-auth hook's lookup. */
export interface IssuedToken {
  /** `AT.…` */
  jti: string;
  clientId: string;
  scopes: string[];
  /** RFC 7638 thumbprint of the DPoP key when the token is DPoP-bound. */
  jkt?: string;
  /** Seconds since the epoch. */
  iat: number;
  /** Seconds since the epoch. */
  exp: number;
}

/** The emulator's own token-signing key (RS256). */
export interface SigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Counters behind `/__emulator/stats` and `RunningEmulator.stats()`. */
export interface Stats {
  tokenRequests: number;
  tokenRequestsByClient: Record<string, number>;
  /** `success` or the OAuth `error` code (or `rate_limited`, `error` for anything else). */
  tokenRequestsByOutcome: Record<string, number>;
  tokensIssued: number;
  apiRequests: number;
  /** Keyed by `METHOD /route/pattern`. */
  apiRequestsByRoute: Record<string, number>;
}

/**
 * The opt-in resource-server nonce mode (RFC 9449 section 9; Okta does not require nonces on `/api/v1`):
 * `'off'` (default) accepts proofs with or without a nonce; `'required'` answers a DPoP-bound API request whose
 * proof lacks the current (or previous) nonce with 401 `use_dpop_nonce` and a `DPoP-Nonce` header; `'always'`
 * refuses every DPoP-bound API request that way with a new nonce (a server that never converges, for client tests).
 */
export type DpopResourceNonceMode = 'off' | 'required' | 'always';

/** Empty counters. */
export function emptyStats(): Stats {
  return {
    tokenRequests: 0,
    tokenRequestsByClient: {},
    tokenRequestsByOutcome: {},
    tokensIssued: 0,
    apiRequests: 0,
    apiRequestsByRoute: {},
  };
}
