import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { MutableClock } from './clock.js';
import type { IdGenerator } from './ids.js';

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

/** The platform half of the emulator's in-memory state. */
export interface PlatformState {
  /** The org's id (`00o…`), used in ORNs. */
  orgId: string;
  adminToken: string;
  adminUserId: string;
  signingKey: SigningKey;
  apps: Map<string, OidcApp>;
  /** Access token string -> record. Looked up on every API call (no signature verification per call). */
  tokens: Map<string, IssuedToken>;
  /** `clientId jti` -> epoch ms after which the entry may be forgotten. */
  usedAssertionJtis: Map<string, number>;
  /** Proof `jti` -> epoch ms after which the entry may be forgotten. */
  usedProofJtis: Map<string, number>;
  dpopNonce: { current: string; previous: string | undefined; rotatedAt: number };
  stats: Stats;
}

/**
 * The opt-in resource-server nonce mode (RFC 9449 §9; Okta does not require nonces on `/api/v1`, facts §2.4):
 * `'off'` (default) accepts proofs with or without a nonce; `'required'` answers a DPoP-bound API request whose
 * proof lacks the current (or previous) nonce with 401 `use_dpop_nonce` and a `DPoP-Nonce` header; `'always'`
 * refuses every DPoP-bound API request that way with a new nonce (a server that never converges, for client tests).
 */
export type DpopResourceNonceMode = 'off' | 'required' | 'always';

/** Everything platform code needs: state plus the injected clock and id source. */
export interface PlatformContext {
  orgUrl: string;
  clock: MutableClock;
  ids: IdGenerator;
  state: PlatformState;
  /** How often the DPoP nonce rotates, in ms. */
  nonceRotationMs: number;
  /** Resource-server nonce mode; configuration, so `reset` keeps it. */
  dpopResourceNonce: DpopResourceNonceMode;
}

/** ISO-8601 with milliseconds and `Z`, the way Okta prints timestamps. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** A fresh DPoP nonce (opaque, URL-safe). */
export function newNonce(): string {
  return randomBytes(24).toString('base64url');
}

/** Generates an RS256 key for signing access tokens; `kid` is its RFC 7638 thumbprint. */
export async function generateSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', {
    modulusLength: 2048,
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    privateJwk: { ...privateJwk, kid, alg: 'RS256', use: 'sig' },
    publicJwk: { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
  };
}

/** A new Okta-style API token (`00` + 40 characters). */
export function newAdminToken(): string {
  return '00' + randomBytes(30).toString('base64url').replace(/[-_]/g, 'x').slice(0, 40);
}

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

/**
 * Creates the platform state. The signing key and admin token are generated unless given (a restored state
 * passes them so tokens' `kid` and the admin token survive a restart).
 */
export async function createPlatformState(options: {
  ids: IdGenerator;
  clock: MutableClock;
  adminToken?: string;
  signingKey?: SigningKey;
}): Promise<PlatformState> {
  return {
    orgId: options.ids.id('00o'),
    adminToken: options.adminToken ?? newAdminToken(),
    adminUserId: options.ids.id('00u'),
    signingKey: options.signingKey ?? (await generateSigningKey()),
    apps: new Map(),
    tokens: new Map(),
    usedAssertionJtis: new Map(),
    usedProofJtis: new Map(),
    dpopNonce: { current: newNonce(), previous: undefined, rotatedAt: options.clock.now() },
    stats: emptyStats(),
  };
}

/**
 * Clears apps, tokens, replay caches and counters; keeps the admin token and signing key (so a client's
 * configuration stays valid across `reset`).
 */
export function resetPlatformState(state: PlatformState, clock: MutableClock): void {
  state.apps.clear();
  state.tokens.clear();
  state.usedAssertionJtis.clear();
  state.usedProofJtis.clear();
  state.dpopNonce = { current: newNonce(), previous: undefined, rotatedAt: clock.now() };
  state.stats = emptyStats();
}

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

/** Stores an issued token; sweeps expired tokens every few thousand inserts. */
export function storeToken(state: PlatformState, token: string, record: IssuedToken, nowMs: number): void {
  state.tokens.set(token, record);
  if (state.tokens.size % 4096 === 0) {
    const nowS = nowMs / 1000;
    for (const [t, r] of state.tokens) if (r.exp <= nowS) state.tokens.delete(t);
  }
}

/** Rotates the DPoP nonce now: the current one becomes the previous one (still accepted). */
export function rotateNonce(state: PlatformState, nowMs: number): void {
  state.dpopNonce = { current: newNonce(), previous: state.dpopNonce.current, rotatedAt: nowMs };
}

/** The persisted shape of the platform state (see `serializePlatformState`). */
export interface PlatformSnapshot {
  version: 1;
  orgId: string;
  adminToken: string;
  adminUserId: string;
  signingKey: SigningKey;
  apps: OidcApp[];
}

/**
 * The part of the state that survives a restart: admin token, signing key, apps with their keys and
 * grants. Tokens, replay caches and nonces are deliberately not persisted (clients fetch a new token).
 * The snapshot holds the emulator's private signing key: write it with mode 0600.
 */
export function serializePlatformState(state: PlatformState): PlatformSnapshot {
  return {
    version: 1,
    orgId: state.orgId,
    adminToken: state.adminToken,
    adminUserId: state.adminUserId,
    signingKey: state.signingKey,
    apps: [...state.apps.values()],
  };
}

/** Checks and applies a snapshot; throws a TypeError naming the problem when it is not one. */
export function restorePlatformState(state: PlatformState, snapshot: unknown): void {
  const s = snapshot as Partial<PlatformSnapshot> | null;
  if (
    !s ||
    typeof s !== 'object' ||
    s.version !== 1 ||
    typeof s.adminToken !== 'string' ||
    !Array.isArray(s.apps)
  ) {
    throw new TypeError('The state file does not hold an okta-emulator platform snapshot (version 1).');
  }
  if (!s.signingKey || typeof s.signingKey.kid !== 'string') {
    throw new TypeError('The state file has no signing key.');
  }
  state.adminToken = s.adminToken;
  if (typeof s.adminUserId === 'string') state.adminUserId = s.adminUserId;
  if (typeof s.orgId === 'string') state.orgId = s.orgId;
  state.signingKey = s.signingKey;
  state.apps = new Map(s.apps.map((a) => [a.id, a]));
}

/** A JSON view for `/__emulator/state`: apps, keys and grants, token metadata; no private key, no token. */
export function publicStateView(state: PlatformState, nowMs: number): Record<string, unknown> {
  const nowS = nowMs / 1000;
  const tokens = [...state.tokens.values()]
    .filter((t) => t.exp > nowS)
    .map((t) => ({
      jti: t.jti,
      clientId: t.clientId,
      scopes: t.scopes,
      dpopBound: t.jkt !== undefined,
      exp: t.exp,
    }));
  return {
    adminUserId: state.adminUserId,
    signingKeyId: state.signingKey.kid,
    apps: [...state.apps.values()],
    activeTokens: tokens,
    dpopNonceRotatedAt: isoTime(state.dpopNonce.rotatedAt),
  };
}
