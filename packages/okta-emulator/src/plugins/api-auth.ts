/**
 * The API-auth hook: authenticates every `/api/v1` and `/oauth2/v1/clients` request (admin API token, or an
 * access token with its DPoP proof) and sets `request.principal`. It never authorises; `authz/` does.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../authz/principal.js';
import { ChallengeResponse, OAuthProtocolError, OktaApiError } from '../lib/errors.js';
import { isProtectedPath, pathOf } from '../lib/http-paths.js';
import { buildChallenge, buildNonceChallenge } from '../oauth/challenge.js';
import { dpopHeaderValues, verifyDpopProof } from '../oauth/dpop.js';
import { lookupAccessToken } from '../oauth/tokens.js';
import type { EmulatorState } from '../state/emulator-state.js';

/**
 * Registers the API-auth hook at the root (call it before the management routes). It authenticates
 * `/api/v1/*` and `/oauth2/v1/clients/*` and sets `request.principal`; it never authorises (scopes, roles and
 * resource sets are the management side's job, and the apps routes check their own scopes).
 *
 * - `SSWS <admin token>` → `{kind: 'api-token'}`; any other SSWS value → 401 E0000011.
 * - `Bearer`/`DPoP <access token>` → looked up in memory (no signature check per call); unknown or expired
 *   → 401 E0000011 with a `WWW-Authenticate: … error="invalid_token"` challenge.
 * - DPoP-bound token: Bearer scheme, no proof, or a proof that fails (`htm`, `htu`, `iat`, `jti`, `ath`,
 *   `cnf.jkt`) → 400, empty body, `WWW-Authenticate: DPoP algs="…", …, error=…, error_description=…`.
 * - Unbound token sent with the DPoP scheme → 401 `invalid_token` "The presented access_token is not DPoP bound."
 * - Opt-in resource-nonce mode (`state.dpopResourceNonce`, RFC 9449; Okta does not do this): a
 *   DPoP-bound request whose proof lacks the current (or previous) nonce → 401, empty body,
 *   `WWW-Authenticate: DPoP algs="…", error="use_dpop_nonce", error_description="Resource server requires
 *   nonce in DPoP proof."` and `DPoP-Nonce: <current nonce>`.
 */
export function registerApiAuth(app: FastifyInstance, state: EmulatorState): void {
  app.addHook('onRequest', async (request) => {
    const path = pathOf(request.url);
    if (!isProtectedPath(path)) return;
    request.principal = authenticateRequest(state, request, path);
  });
}

function authenticateRequest(state: EmulatorState, request: FastifyRequest, path: string): Principal {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string' || authorization.trim() === '') {
    throw new OktaApiError('E0000011');
  }
  const match = /^(\S+)\s+(\S.*)$/.exec(authorization.trim());
  const scheme = match?.[1]?.toLowerCase();
  const credential = match?.[2]?.trim() ?? '';
  if (scheme === 'ssws') {
    if (!safeEqual(credential, state.adminToken)) throw new OktaApiError('E0000011');
    return { kind: 'api-token', adminUserId: state.adminUserId };
  }
  if (scheme !== 'bearer' && scheme !== 'dpop') throw new OktaApiError('E0000011');
  const presented: 'Bearer' | 'DPoP' = scheme === 'dpop' ? 'DPoP' : 'Bearer';

  const record = lookupAccessToken(state, credential);
  const challenge = (err: OAuthProtocolError, challengeScheme: 'Bearer' | 'DPoP') =>
    buildChallenge({
      scheme: challengeScheme,
      orgUrl: state.orgUrl,
      error: err.error,
      errorDescription: err.description,
      resource: path,
    });
  const invalidToken = (key: 'access_token_invalid' | 'token_expired' | 'access_token_not_dpop_bound') => {
    const err = new OAuthProtocolError(key);
    return new OktaApiError('E0000011', { headers: { 'www-authenticate': challenge(err, presented) } });
  };
  if (!record) throw invalidToken('access_token_invalid');
  if (record.exp <= state.clock.now() / 1000) throw invalidToken('token_expired');

  if (record.jkt === undefined) {
    if (presented === 'DPoP') throw invalidToken('access_token_not_dpop_bound');
    return {
      kind: 'oauth',
      clientId: record.clientId,
      scopes: record.scopes,
      scheme: 'Bearer',
      tokenId: record.jti,
    };
  }

  // A DPoP-bound token: the scheme must be DPoP and a valid proof must come with it.
  try {
    if (presented !== 'DPoP') throw new OAuthProtocolError('dpop_authentication_scheme_required');
    const proofs = dpopHeaderValues(request.raw);
    if (proofs.length === 0) throw new OAuthProtocolError('dpop_proof_required_for_token');
    const nonceMode = state.dpopResourceNonce;
    const proof = verifyDpopProof(state, proofs, {
      method: request.method,
      url: state.orgUrl + path,
      accessToken: credential,
      ...(nonceMode === 'off' ? {} : { resourceNonce: nonceMode }),
    });
    if (proof.jkt !== record.jkt) throw new OAuthProtocolError('invalid_access_token_dpop_binding');
  } catch (err) {
    if (err instanceof OAuthProtocolError && err.key === 'use_dpop_nonce') {
      throw new ChallengeResponse(401, { 'www-authenticate': buildNonceChallenge(), ...err.headers });
    }
    if (err instanceof OAuthProtocolError) {
      throw new ChallengeResponse(err.statusCode, { 'www-authenticate': challenge(err, 'DPoP') });
    }
    throw err;
  }
  return {
    kind: 'oauth',
    clientId: record.clientId,
    scopes: record.scopes,
    scheme: 'DPoP',
    tokenId: record.jti,
  };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
