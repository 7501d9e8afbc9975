/**
 * The org authorization server's token endpoint, `POST /oauth2/v1/token`: client_credentials with
 * private_key_jwt only, optional DPoP per app, Okta's order of checks and its exact error texts. Every
 * refusal is thrown as an `OAuthProtocolError` and rendered by the app's error handler.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthProtocolError } from '../lib/errors.js';
import { parseCompactJwt } from '../lib/jws.js';
import { TOKEN_PATH } from '../lib/http-paths.js';
import { JWT_BEARER_ASSERTION_TYPE, authenticateClientAssertion } from '../oauth/client-assertion.js';
import { dpopHeaderValues, verifyDpopProof } from '../oauth/dpop.js';
import { KNOWN_GRANT_TYPES, SUPPORTED_GRANT_TYPES } from '../oauth/grant-types.js';
import { ACCESS_TOKEN_LIFETIME_S, mintAccessToken } from '../oauth/tokens.js';
import type { EmulatorState } from '../state/emulator-state.js';
import type { OidcApp } from '../state/org-records.js';

/** Marker body for a token request whose Content-Type is not a form: its parameters are ignored. */
const NOT_A_FORM = Object.freeze({});

/** The stats key of a client assertion without a `kid` header. */
const NO_KID = '(none)';

/** Longest token-request body accepted (a request is ~2 KB). */
const TOKEN_BODY_LIMIT = 64 * 1024;

/**
 * `POST /oauth2/v1/token` of the org authorization server: client_credentials with private_key_jwt only,
 * optional DPoP per app, Okta's order of checks and its exact error texts.
 */
export async function registerTokenRoute(app: FastifyInstance, state: EmulatorState): Promise<void> {
  await app.register(async (scope) => {
    // Only forms carry parameters here; any other body is read and ignored, as if no parameter was sent.
    scope.removeAllContentTypeParsers();
    await scope.register(formbody, { bodyLimit: TOKEN_BODY_LIMIT });
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: TOKEN_BODY_LIMIT }, (_req, _body, done) =>
      done(null, NOT_A_FORM),
    );

    scope.post(TOKEN_PATH, {
      bodyLimit: TOKEN_BODY_LIMIT,
      onResponse: (request, reply, done) => {
        countTokenRequest(state, request, reply.statusCode);
        done();
      },
      onError: (request, _reply, error, done) => {
        if (error instanceof OAuthProtocolError) {
          request.tokenOutcome = { ...request.tokenOutcome, outcome: error.error };
        }
        done();
      },
      handler: (request, reply) => handleTokenRequest(state, request, reply),
    });
  });
}

async function handleTokenRequest(state: EmulatorState, request: FastifyRequest, reply: FastifyReply) {
  const params = readForm(request.body);
  if (params.duplicates.length > 0) {
    throw new OAuthProtocolError('illegal_duplicated_parameters', { args: [params.duplicates.join(', ')] });
  }
  const query = (request.query ?? {}) as Record<string, unknown>;
  if ('client_assertion' in query || 'client_secret' in query) {
    throw new OAuthProtocolError('client_credentials_in_query');
  }
  const grantType = params.values.grant_type;
  if (grantType === undefined || grantType === '') {
    throw new OAuthProtocolError('token_request_missing_grant_type', {
      args: [SUPPORTED_GRANT_TYPES.join(', ')],
    });
  }

  const tokenEndpoint = state.orgUrl + TOKEN_PATH;
  const app = authenticate(state, request, params.values, tokenEndpoint);
  request.tokenOutcome = { ...request.tokenOutcome, clientId: app.id };

  if (grantType !== 'client_credentials') {
    const configured = app.grantTypes.join(', ');
    throw KNOWN_GRANT_TYPES.has(grantType)
      ? new OAuthProtocolError('unauthorized_client', { args: [configured] })
      : new OAuthProtocolError('unsupported_grant_type', { args: [configured] });
  }
  if (app.applicationType !== 'service') {
    throw new OAuthProtocolError('invalid_application_type_client_credentials');
  }
  if (!app.grantTypes.includes('client_credentials')) {
    throw new OAuthProtocolError('unauthorized_client', { args: [app.grantTypes.join(', ')] });
  }

  // DPoP only for apps that require it; a proof sent to any other app is ignored (Okta's Node SDK always sends one).
  let jkt: string | undefined;
  if (app.dpopBound) {
    jkt = verifyDpopProof(state, dpopHeaderValues(request.raw), {
      method: 'POST',
      url: tokenEndpoint,
      requireNonce: true,
    }).jkt;
  }

  const scopes = grantedScopes(app, params.values.scope);
  const { accessToken } = mintAccessToken(state, { clientId: app.id, scopes, ...(jkt ? { jkt } : {}) });
  state.stats.tokensIssued++;
  request.tokenOutcome = { ...request.tokenOutcome, clientId: app.id, outcome: 'success' };
  const kid = request.tokenOutcome.kid ?? NO_KID;
  state.stats.tokensIssuedByKid[kid] = (state.stats.tokensIssuedByKid[kid] ?? 0) + 1;
  return reply
    .code(200)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .type('application/json')
    .send({
      token_type: jkt ? 'DPoP' : 'Bearer',
      expires_in: ACCESS_TOKEN_LIFETIME_S,
      access_token: accessToken,
      scope: scopes.join(' '),
    });
}

/**
 * Client authentication: exactly one credential style, and it must be a private_key_jwt assertion.
 * A client secret (Basic header or `client_secret`) from a known client gets Okta's "must use
 * private_key_jwt" error.
 */
function authenticate(
  state: EmulatorState,
  request: FastifyRequest,
  values: Record<string, string>,
  tokenEndpoint: string,
): OidcApp {
  const authorization = request.headers.authorization;
  const basic = typeof authorization === 'string' && /^basic\s/i.test(authorization);
  const hasAssertion = values.client_assertion !== undefined || values.client_assertion_type !== undefined;
  const hasSecret = values.client_secret !== undefined;
  const styles = Number(basic) + Number(hasAssertion) + Number(hasSecret);
  if (styles > 1) throw new OAuthProtocolError('multiple_client_credentials');
  if (styles === 0) throw new OAuthProtocolError('missing_client_credentials');
  if (basic || hasSecret) {
    const clientId = basic ? basicClientId(authorization) : values.client_id;
    if (clientId !== undefined && state.apps.has(clientId)) {
      throw new OAuthProtocolError('unsupported_auth_method_client_creds');
    }
    throw new OAuthProtocolError('invalid_client');
  }
  if (values.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) {
    throw new OAuthProtocolError('client_assertion_type_invalid');
  }
  const assertion = values.client_assertion;
  if (assertion === undefined || assertion === '') throw new OAuthProtocolError('missing_client_credentials');
  const kid = parseCompactJwt(assertion)?.header.kid;
  request.tokenOutcome = { kid: typeof kid === 'string' ? kid : NO_KID };
  const app = authenticateClientAssertion(state, assertion, tokenEndpoint);
  if (values.client_id !== undefined && values.client_id !== app.id)
    throw new OAuthProtocolError('invalid_client');
  return app;
}

function basicClientId(header: string | undefined): string | undefined {
  try {
    const decoded = Buffer.from((header ?? '').replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return decodeURIComponent(colon === -1 ? decoded : decoded.slice(0, colon));
  } catch {
    return undefined;
  }
}

/**
 * Scope rules at the org AS: none requested → `invalid_scope`; `openid` or a `.self` scope →
 * their own errors; a non-Okta scope → `invalid_scope` naming it; of the rest only granted ones are issued,
 * and none granted → `consent_required`.
 */
function grantedScopes(app: OidcApp, scopeParam: string | undefined): string[] {
  const requested = [...new Set((scopeParam ?? '').split(' ').filter((s) => s.length > 0))];
  if (requested.length === 0) throw new OAuthProtocolError('missing_scopes');
  if (requested.includes('openid')) throw new OAuthProtocolError('openid_not_allowed_client_creds');
  if (requested.some((s) => s.endsWith('.self')))
    throw new OAuthProtocolError('client_credentials_self_scope_requested');
  const foreign = requested.filter((s) => !s.startsWith('okta.'));
  if (foreign.length > 0) throw new OAuthProtocolError('illegal_scope', { args: [foreign.join(', ')] });
  const granted = requested.filter((s) => app.grants.some((g) => g.scopeId === s && g.status === 'ACTIVE'));
  if (granted.length === 0) throw new OAuthProtocolError('no_org_scopes_granted');
  return granted;
}

/** Form parameters as single strings, plus the names that were sent more than once. */
function readForm(body: unknown): { values: Record<string, string>; duplicates: string[] } {
  const values: Record<string, string> = Object.create(null) as Record<string, string>;
  const duplicates: string[] = [];
  if (body === null || typeof body !== 'object' || body === NOT_A_FORM) return { values, duplicates };
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      duplicates.push(name);
      values[name] = String(value[0] ?? '');
    } else {
      values[name] = String(value);
    }
  }
  return { values, duplicates };
}

function countTokenRequest(state: EmulatorState, request: FastifyRequest, status: number): void {
  const stats = state.stats;
  stats.tokenRequests++;
  const clientId = request.tokenOutcome?.clientId;
  if (clientId !== undefined)
    stats.tokenRequestsByClient[clientId] = (stats.tokenRequestsByClient[clientId] ?? 0) + 1;
  const outcome =
    request.tokenOutcome?.outcome ??
    (status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'other');
  stats.tokenRequestsByOutcome[outcome] = (stats.tokenRequestsByOutcome[outcome] ?? 0) + 1;
  const kid = request.tokenOutcome?.kid;
  if (kid !== undefined) stats.tokenRequestsByKid[kid] = (stats.tokenRequestsByKid[kid] ?? 0) + 1;
}
