/**
 * The records the org keeps besides users and IAM objects: apps (every sign-on mode) with their keys, scope
 * grants and assignments, issued access tokens, the emulator's own signing key, and the request counters.
 */
import type { JWK } from 'jose';
import type { AppGroupRecord, AppUserRecord } from './apps/app-assignments.js';
import type { AppKeyCredential } from './apps/app-signing-keys.js';

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

/**
 * An app of any sign-on mode (the name is historical: OIDC apps came first). The OAuth fields are those of
 * an OPENID_CONNECT app's client; other modes keep them empty (`applicationType` ''), so the token endpoint
 * never serves them. The emulator's token endpoint serves `service` apps with `private_key_jwt`.
 */
export interface OidcApp {
  /** `0oa…`; also the client_id of an OIDC app. */
  id: string;
  /** management.yaml `ApplicationSignOnMode`. */
  signOnMode: string;
  /** The template name (`oidc_client`, `bookmark`, ...) or the name derived for a custom app. */
  name: string;
  label: string;
  status: 'ACTIVE' | 'INACTIVE';
  created: string;
  lastUpdated: string;
  /** `accessibility` and `visibility` as sent (defaults are added when served). */
  accessibility: Record<string, unknown>;
  visibility: Record<string, unknown>;
  /** `settings` as sent, without `oauthClient` (e.g. `app`, `signOn`). */
  settings: Record<string, unknown>;
  tokenEndpointAuthMethod: string;
  applicationType: string;
  grantTypes: string[];
  responseTypes: string[];
  /** `settings.oauthClient.dpop_bound_access_tokens`. */
  dpopBound: boolean;
  /** `credentials.oauthClient.pkce_required`. */
  pkceRequired: boolean;
  /** `credentials.oauthClient.autoKeyRotation`. */
  autoKeyRotation: boolean;
  /** The other `settings.oauthClient` members management.yaml declares (redirect_uris, client_uri, logo_uri, ...). */
  oauthSettings: Record<string, unknown>;
  /** The client secret of an app that authenticates with one (shown only on create and update). */
  clientSecret?: string;
  keys: AppKey[];
  grants: ScopeGrant[];
  /** X.509 key credentials (`/credentials/keys`); the first is the app's signing key. */
  keyCredentials: AppKeyCredential[];
  appUsers: AppUserRecord[];
  appGroups: AppGroupRecord[];
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
  /** Token requests by the `kid` in their client assertion's header (`(none)` without one), whatever the outcome. */
  tokenRequestsByKid: Record<string, number>;
  tokensIssued: number;
  /** Tokens issued, by the `kid` of the client assertion that obtained them. */
  tokensIssuedByKid: Record<string, number>;
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
    tokenRequestsByKid: {},
    tokensIssued: 0,
    tokensIssuedByKid: {},
    apiRequests: 0,
    apiRequestsByRoute: {},
  };
}
