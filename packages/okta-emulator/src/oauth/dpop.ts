/**
 * DPoP proofs (RFC 9449) as Okta checks them: reading the `DPoP` headers, verifying a proof for the token
 * endpoint or a resource request (signature, `htm`, `htu`, `iat`, `jti` replay, `ath`, nonce), and comparing `htu`.
 */
import type { IncomingMessage } from 'node:http';
import type { AuthorizationServerState } from './server-state.js';
import { rememberOnce } from '../state/replay-cache.js';
import { isAllowedAlg } from './algorithms.js';
import {
  hasPrivateMembers,
  jwkThumbprint,
  parseCompactJwt,
  publicKeyFromJwk,
  sha256b64u,
  verifyCompactJws,
} from '../lib/jws.js';
import { OAuthProtocolError } from '../lib/errors.js';
import { hasCriticalExtensions, isNotYetValid } from './jwt-rules.js';

/** Proofs older than this (by `iat`) are refused (five minutes). */
export const PROOF_MAX_AGE_S = 300;
/** Leeway for a proof `iat` slightly ahead of the emulator's clock. */
export const PROOF_FUTURE_LEEWAY_S = 60;

/** What a proof must match. */
export interface ProofExpectation {
  /** HTTP method of the request (`htm`). */
  method: string;
  /** The absolute request URL without query, as the org sees it (`htu`). */
  url: string;
  /** For resource requests: the access token the proof must hash into `ath`. */
  accessToken?: string;
  /** Token endpoint: the proof must carry the current (or previous) `nonce`. */
  requireNonce?: boolean;
  /**
   * Resource requests in the opt-in resource-nonce mode (RFC 9449): `'required'` wants the current (or
   * previous) `nonce`; `'always'` refuses every proof with a new nonce. Either way the refusal is the
   * `use_dpop_nonce` error with a `dpop-nonce` header, which the API-auth hook renders as a 401 challenge.
   */
  resourceNonce?: 'required' | 'always';
}

/** A proof that passed every check. */
export interface VerifiedProof {
  /** RFC 7638 thumbprint of the proof key (`cnf.jkt`). */
  jkt: string;
}

/**
 * The `DPoP` request headers, read from the raw header list so duplicates are seen (Node would otherwise
 * join them). A compact JWT has no comma, so a comma-joined value (as a proxy would forward two headers)
 * also counts as several proofs.
 */
export function dpopHeaderValues(raw: IncomingMessage): string[] {
  const values: string[] = [];
  const list = raw.rawHeaders;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i]?.toLowerCase() === 'dpop') values.push(...(list[i + 1] ?? '').split(','));
  }
  return values;
}

/**
 * Verifies one DPoP proof (RFC 9449 as Okta applies it) and throws the catalogue's
 * `OAuthProtocolError` on the first failure: header count, parse (a `crit` header counts as unparsable), `typ`, `alg`, embedded public `jwk`,
 * signature, `htm`, `htu` (no query/fragment, compared with the percent-decoded request path), `iat` (not in the future, not
 * older than five minutes), `nbf` not in the future, `exp` if present, `jti` (required except on a nonce-less token request;
 * single-use), `ath` for resource requests, and on the token endpoint (and at resources in the opt-in
 * resource-nonce mode) the server `nonce` (a missing or unknown nonce gets `use_dpop_nonce` with a fresh
 * `dpop-nonce` header). The `jti` is recorded only when
 * everything passed, so a proof rejected for its nonce can be replaced by one that has it.
 */
export function verifyDpopProof(
  state: AuthorizationServerState,
  headers: string[],
  expect: ProofExpectation,
): VerifiedProof {
  if (headers.length === 0) throw new OAuthProtocolError('invalid_dpop_proof_missing_header');
  if (headers.length > 1) throw new OAuthProtocolError('invalid_dpop_proof_multiple_headers_not_allowed');
  const proof = headers[0] ?? '';
  const parsed = parseCompactJwt(proof.trim());
  if (!parsed) throw new OAuthProtocolError('invalid_dpop_proof_invalid_jwt');
  const { header, payload } = parsed;
  if (hasCriticalExtensions(header)) throw new OAuthProtocolError('invalid_dpop_proof_invalid_jwt');
  if (header.typ !== 'dpop+jwt') throw new OAuthProtocolError('invalid_dpop_proof_invalid_type');
  const alg = header.alg;
  if (!isAllowedAlg(alg)) throw new OAuthProtocolError('invalid_dpop_proof_invalid_signature_algorithm');
  const jwk = header.jwk;
  if (jwk === null || typeof jwk !== 'object' || Array.isArray(jwk))
    throw new OAuthProtocolError('invalid_dpop_proof');
  const jwkObj = jwk as Record<string, unknown>;
  if (hasPrivateMembers(jwkObj)) throw new OAuthProtocolError('invalid_dpop_proof');
  const jkt = jwkThumbprint(jwkObj);
  if (!jkt) throw new OAuthProtocolError('invalid_dpop_proof');
  let outcome;
  try {
    outcome = verifyCompactJws(proof.trim(), alg, publicKeyFromJwk(jwkObj));
  } catch {
    throw new OAuthProtocolError('invalid_dpop_proof');
  }
  if (outcome === 'alg-mismatch')
    throw new OAuthProtocolError('invalid_dpop_proof_invalid_signature_algorithm');
  if (outcome !== 'ok') throw new OAuthProtocolError('invalid_dpop_proof_invalid_signature');

  if (payload.htm !== expect.method) throw new OAuthProtocolError('invalid_dpop_proof_invalid_htm');
  if (typeof payload.htu !== 'string' || !sameHtu(payload.htu, expect.url)) {
    throw new OAuthProtocolError('invalid_dpop_proof_invalid_htu');
  }

  const nowMs = state.clock.now();
  const now = nowMs / 1000;
  const iat = payload.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat))
    throw new OAuthProtocolError('invalid_dpop_proof_invalid_iat');
  if (iat > now + PROOF_FUTURE_LEEWAY_S)
    throw new OAuthProtocolError('invalid_dpop_proof_jwt_issued_in_future');
  if (iat < now - PROOF_MAX_AGE_S) throw new OAuthProtocolError('invalid_dpop_proof_jwt_too_old');
  if (isNotYetValid(payload, now, PROOF_FUTURE_LEEWAY_S))
    throw new OAuthProtocolError('invalid_dpop_proof_jwt_issued_in_future');
  if (payload.exp !== undefined && (typeof payload.exp !== 'number' || payload.exp <= now)) {
    throw new OAuthProtocolError('invalid_dpop_proof_jwt_expired');
  }

  const jti = payload.jti;
  const nonceLessTokenRequest = expect.requireNonce === true && payload.nonce === undefined;
  if (jti === undefined) {
    // The docs' first token-request example has no jti; accept that only before the nonce is known.
    if (!nonceLessTokenRequest) throw new OAuthProtocolError('invalid_dpop_proof_invalid_jti');
  } else if (typeof jti !== 'string' || jti.length === 0 || jti.length > 256) {
    throw new OAuthProtocolError('invalid_dpop_proof_invalid_jti');
  }
  const replayKey = typeof jti === 'string' ? `${jkt} ${jti}` : undefined;
  if (replayKey !== undefined) {
    const seen = state.usedProofJtis.get(replayKey);
    if (seen !== undefined && seen > nowMs) throw new OAuthProtocolError('dpop_proof_already_used');
  }

  if (expect.accessToken !== undefined && payload.ath !== sha256b64u(expect.accessToken)) {
    throw new OAuthProtocolError('dpop_proof_invalid_ath');
  }
  if (expect.resourceNonce === 'always') {
    state.rotateNonce();
    throw new OAuthProtocolError('use_dpop_nonce', { headers: { 'dpop-nonce': state.currentNonce() } });
  }
  if (expect.requireNonce === true || expect.resourceNonce === 'required') {
    const nonce = payload.nonce;
    if (typeof nonce !== 'string' || !state.isAcceptedNonce(nonce)) {
      throw new OAuthProtocolError('use_dpop_nonce', { headers: { 'dpop-nonce': state.currentNonce() } });
    }
  }
  if (replayKey !== undefined) {
    // A proof can only be accepted within its freshness window, so that is how long its jti must be kept.
    const forgetAfter = (iat + PROOF_MAX_AGE_S + PROOF_FUTURE_LEEWAY_S) * 1000;
    rememberOnce(state.usedProofJtis, replayKey, forgetAfter, nowMs);
  }
  return { jkt };
}

/**
 * Compares a proof's `htu` with the URL the request was sent to, ignoring query and fragment. Okta compares the
 * `htu` as sent against the percent-DECODED request path (a request to `/users/a%40b.com` needs
 * `htu` `.../users/a@b.com`; a proof that repeats `%40` is refused), so only the expected side is decoded.
 */
export function sameHtu(htu: string, expected: string): boolean {
  const sent = memoHtu(sentHtus, htu, false);
  return sent !== undefined && sent === memoHtu(expectedHtus, expected, true);
}

/**
 * htuOf results by input, one map per mode. htuOf is a pure function of its input and requests repeat a few
 * URLs, so remembering results saves two or three URL parses (and a percent-decode) per proof. Bounded: cleared
 * when full; long inputs are not remembered.
 */
const sentHtus = new Map<string, string | undefined>();
const expectedHtus = new Map<string, string | undefined>();

function memoHtu(
  memo: Map<string, string | undefined>,
  value: string,
  decodePath: boolean,
): string | undefined {
  if (memo.has(value)) return memo.get(value);
  const result = htuOf(value, decodePath);
  if (value.length <= 2048) {
    if (memo.size >= 1024) memo.clear();
    memo.set(value, result);
  }
  return result;
}

function htuOf(value: string, decodePath: boolean): string | undefined {
  const cut = value.search(/[?#]/);
  const base = cut === -1 ? value : value.slice(0, cut);
  try {
    const url = new URL(base);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    let path = url.pathname;
    if (decodePath) {
      // Decode, then let the URL parser re-escape what a URL path cannot hold literally (space, quotes...);
      // `?` and `#` decoded from the path are kept escaped so they stay part of it.
      const decoded = decodeURIComponent(path).replace(/[?#]/g, (c) => encodeURIComponent(c));
      path = new URL(decoded, url.origin).pathname;
    }
    return `${url.protocol}//${url.host.toLowerCase()}${path}`;
  } catch {
    return undefined;
  }
}
