/**
 * What the authorization server's checks read and write in the org: apps and their keys, replay caches,
 * the DPoP nonce, the signing key and the issued tokens. `EmulatorState` is one; the checks depend only on
 * this much of it.
 */
import type { Clock } from '../lib/clock.js';
import type { IssuedToken, OidcApp, SigningKey } from '../state/org-records.js';

/** The org as the token endpoint and the API-auth hook see it. */
export interface AuthorizationServerState {
  readonly orgUrl: string;
  readonly clock: Clock;
  readonly apps: ReadonlyMap<string, OidcApp>;
  readonly signingKey: SigningKey;
  /** `clientId jti` -> epoch ms after which the entry may be forgotten. */
  readonly usedAssertionJtis: Map<string, number>;
  /** Proof `jti` -> epoch ms after which the entry may be forgotten. */
  readonly usedProofJtis: Map<string, number>;
  readonly tokens: ReadonlyMap<string, IssuedToken>;
  /** Keeps an issued token for the API-auth hook's lookup. */
  storeToken(token: string, record: IssuedToken): void;
  /** Rotates the DPoP nonce now (the previous one stays valid). */
  rotateNonce(): void;
  /** The nonce to hand out in a `dpop-nonce` header (rotated when its period has passed). */
  currentNonce(): string;
  /** True for the current nonce or the one it replaced. */
  isAcceptedNonce(nonce: string): boolean;
}
