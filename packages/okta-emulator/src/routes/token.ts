import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { oauthError } from '../errors.js';
import { JWT_BEARER_ASSERTION_TYPE, authenticateClientAssertion } from '../oauth/client-assertion.js';
import { dpopHeaderValues, verifyDpopProof } from '../oauth/dpop.js';
import { OAuthProtocolError } from '../oauth/oauth-errors.js';
import { ACCESS_TOKEN_LIFETIME_S, mintAccessToken } from '../oauth/tokens.js';
import type { OidcApp, PlatformContext } from '../state.js';

/** Path of the org authorization server's token endpoint. */
export const TOKEN_PATH = '/oauth2/v1/token';

/** Grant types the emulator's org AS serves. */
export const SUPPORTED_GRANT_TYPES = ['client_credentials'] as const;

/** Grant types Okta knows (a known-but-not-configured one is `unauthorized_client`, anything else unsupported). */
const KNOWN_GRANT_TYPES = new Set([
  'authorization_code',
  'implicit',
  'password',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'urn:openid:params:grant-type:ciba',
  'urn:okta:params:oauth:grant-type:otp',
  'urn:okta:params:oauth:grant-type:oob',
  'http://auth0.com/oauth/grant-type/mfa-oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'interaction_code',
]);

/** Marker body for a token request whose Content-Type is not a form: its parameters are ignored. */
const NOT_A_FORM = Object.freeze({});

/** Longest token-request body accepted (a request is ~2 KB). */
const TOKEN_BODY_LIMIT = 64 * 1024;

declare module 'fastify' {
  interface FastifyRequest {
    /** Token endpoint bookkeeping for the stats: the authenticated client and the outcome. */
    tokenOutcome?: { clientId?: string; outcome?: string };
  }
}

/**
 * `POST /oauth2/v1/token` of the org authorization server: client_credentials with private_key_jwt only,
 * optional DPoP per app, Okta's order of checks and its exact error texts (facts §1, §2.2, §2.3).
 */
export async function registerTokenRoute(app: FastifyInstance, ctx: PlatformContext): Promise<void> {
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
        countTokenRequest(ctx, request, reply.statusCode);
        done();
      },
      handler: async (request, reply) => {
        try {
          return await handleTokenRequest(ctx, request, reply);
        } catch (err) {
          if (err instanceof OAuthProtocolError) {
            request.tokenOutcome = { ...request.tokenOutcome, outcome: err.error };
            return oauthError(reply, err);
          }
          throw err;
        }
      },
    });
  });
}

async function handleTokenRequest(ctx: PlatformContext, request: FastifyRequest, reply: FastifyReply) {
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

  const tokenEndpoint = ctx.orgUrl + TOKEN_PATH;
  const app = authenticate(ctx, request, params.values, tokenEndpoint);
  request.tokenOutcome = { clientId: app.id };

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
    jkt = verifyDpopProof(ctx, dpopHeaderValues(request.raw), {
      method: 'POST',
      url: tokenEndpoint,
      requireNonce: true,
    }).jkt;
  }

  const scopes = grantedScopes(app, params.values.scope);
  const { accessToken } = mintAccessToken(ctx, { clientId: app.id, scopes, ...(jkt ? { jkt } : {}) });
  ctx.state.stats.tokensIssued++;
  request.tokenOutcome = { clientId: app.id, outcome: 'success' };
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
  ctx: PlatformContext,
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
    if (clientId !== undefined && ctx.state.apps.has(clientId)) {
      throw new OAuthProtocolError('unsupported_auth_method_client_creds');
    }
    throw new OAuthProtocolError('invalid_client');
  }
  if (values.client_assertion_type !== JWT_BEARER_ASSERTION_TYPE) {
    throw new OAuthProtocolError('client_assertion_type_invalid');
  }
  const assertion = values.client_assertion;
  if (assertion === undefined || assertion === '') throw new OAuthProtocolError('missing_client_credentials');
  const app = authenticateClientAssertion(ctx, assertion, tokenEndpoint);
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
 * Scope rules at the org AS (facts §1.5): none requested → `invalid_scope`; `openid` or a `.self` scope →
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

function countTokenRequest(ctx: PlatformContext, request: FastifyRequest, status: number): void {
  const stats = ctx.state.stats;
  stats.tokenRequests++;
  const clientId = request.tokenOutcome?.clientId;
  if (clientId !== undefined)
    stats.tokenRequestsByClient[clientId] = (stats.tokenRequestsByClient[clientId] ?? 0) + 1;
  const outcome =
    request.tokenOutcome?.outcome ??
    (status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'other');
  stats.tokenRequestsByOutcome[outcome] = (stats.tokenRequestsByOutcome[outcome] ?? 0) + 1;
}
