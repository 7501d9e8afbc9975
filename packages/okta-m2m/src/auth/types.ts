/**
 * Contracts between the token side (auth/*) and the request side (http/*, users/*).
 */

/** An access token as the library holds it. `value` is secret: never log it. */
export interface AccessToken {
  /** The token itself. Not enumerable on instances created by the token provider. */
  readonly value: string;
  /** `Bearer`, or `DPoP` for a sender-constrained token. */
  readonly type: 'Bearer' | 'DPoP';
  /** When it expires (ms since epoch, client clock). */
  readonly expiresAt: number;
  /** When it was obtained (ms since epoch, client clock). */
  readonly obtainedAt: number;
  /** Scopes the server granted (from `scope`); may be fewer than requested. */
  readonly scopes: readonly string[];
  /** RFC 7638 thumbprint of the DPoP key the token is bound to. */
  readonly jkt?: string | undefined;
}

/** The method and URL of one request attempt that needs authorization headers. */
export interface AuthorizeRequest {
  method: string;
  url: URL;
  signal?: AbortSignal | undefined;
}

/** Headers for one attempt, and the token they carry (to report a 401/403 against it). */
export interface Authorization {
  headers: Record<string, string>;
  token: AccessToken;
}

/**
 * What the request side asks of the token side. Implemented by the token provider (with DPoP when the
 * token is bound): every call of `authorize` returns fresh headers, including a new DPoP proof.
 */
export interface RequestAuthorizer {
  /** Headers for one request attempt: `Authorization` and, for DPoP-bound tokens, a new `DPoP` proof (with `ath`). */
  authorize(request: AuthorizeRequest): Promise<Authorization>;
  /** The API answered 401 for this token: forget it, so the next `authorize` fetches a new one. */
  rejectToken(token: AccessToken): void;
  /**
   * The API answered 403 insufficient_scope for this token. Forget it if the last such drop was over a minute
   * ago (so newly granted scopes take effect without a restart). Returns true when a retry with a new token
   * makes sense. `required` lists the scopes the challenge named, when it named any.
   */
  insufficientScope(token: AccessToken, required?: readonly string[]): boolean;
  /** A resource answered with a `DPoP-Nonce` demand: remember it for that origin. */
  dpopNonce(url: URL, nonce: string): void;
}

/**
 * A DPoP prover: holds the DPoP key (imported once, never the client-authentication key) and the nonces
 * servers have asked for. Implemented in auth/dpop.ts.
 */
export interface DpopProver {
  /** RFC 7638 SHA-256 thumbprint of the public key (base64url): the `cnf.jkt` a bound token carries. */
  readonly thumbprint: string;
  /** The JWS algorithm, e.g. `ES256`. */
  readonly alg: string;
  /**
   * A new proof for one request attempt: `htm`, `htu` (normalised as Okta compares it: no query or fragment,
   * percent-decoded path, no doubled slash), `iat`, a fresh `jti`, `ath` when an access token is given, and the
   * nonce remembered for the URL's origin (or the one given).
   */
  proof(input: {
    method: string;
    url: URL;
    accessToken?: string | undefined;
    nonce?: string | undefined;
  }): Promise<string>;
  /** Remember the nonce a server sent (`DPoP-Nonce` header) for that URL's origin. */
  rememberNonce(url: URL, nonce: string): void;
  /** The nonce remembered for that URL's origin. */
  nonceFor(url: URL): string | undefined;
}
