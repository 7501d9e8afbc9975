/**
 * The token request, as two functions (design rule 6): {@link buildTokenRequest} describes one HTTP attempt,
 * {@link processTokenResponse} interprets the answer and is pure, so every case is unit-tested without a server.
 *
 * Interpretation follows Okta's org authorization server: success is 200 JSON with `access_token`,
 * `token_type` (`Bearer` or `DPoP`), `expires_in`, `scope`; failures are `{error, error_description}` with 400
 * or 401, except 429, whose body is an Okta error object (E0000047). A DPoP-requiring app first answers
 * `invalid_dpop_proof` "The DPoP proof JWT header is missing.", then `use_dpop_nonce` with a `dpop-nonce`
 * header. Messages never contain the assertion, the proof or the token.
 */
import {
  DpopError,
  OAuthError,
  OktaApiError,
  RateLimitError,
  ResponseError,
  type OktaM2MErrorOptions,
} from '../errors.js';
import { parseRateLimit } from '../http/rate-limit.js';
import { headerValue, type HttpRequest, type HttpResponse } from '../http/types.js';
import { createAccessToken, type OktaAccessToken } from './access-token.js';
import { oauthHintFor } from './oauth-hints.js';

/**
 * The `client_assertion_type` for private_key_jwt.
 * @example
 * form.set('client_assertion_type', CLIENT_ASSERTION_TYPE);
 */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * When the server sends no `expires_in`, assume Okta's fixed lifetime for org-AS tokens (seconds).
 * @example
 * const expiresIn = body.expires_in ?? DEFAULT_EXPIRES_IN_SECONDS;
 */
export const DEFAULT_EXPIRES_IN_SECONDS = 3600;

/**
 * Inputs of one token request attempt.
 * @example
 * const input: TokenRequestInput = { tokenEndpoint, scopes: ['okta.users.read'], clientAssertion };
 */
export interface TokenRequestInput {
  tokenEndpoint: URL;
  scopes: readonly string[];
  /** A freshly signed client assertion. */
  clientAssertion: string;
  /** A fresh DPoP proof for `POST tokenEndpoint`, when proving possession. */
  dpopProof?: string | undefined;
}

/**
 * Describe one token request: form body `grant_type`, `scope` (space-separated), `client_assertion_type`,
 * `client_assertion` (no `client_id`: the assertion names the client).
 * @example
 * const req = buildTokenRequest({ tokenEndpoint, scopes: ['okta.users.read'], clientAssertion });
 */
export function buildTokenRequest(input: TokenRequestInput): HttpRequest {
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    scope: input.scopes.join(' '),
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: input.clientAssertion,
  });
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
  };
  if (input.dpopProof !== undefined) headers['DPoP'] = input.dpopProof;
  return { method: 'POST', url: new URL(input.tokenEndpoint.href), headers, body: body.toString() };
}

/**
 * What a token response means.
 * @example
 * if (result.kind === 'use-nonce') prover.rememberNonce(tokenEndpoint, result.nonce);
 */
export type TokenResponseResult =
  | {
      kind: 'token';
      token: OktaAccessToken;
      /** A `dpop-nonce` the server sent with the token (it may rotate nonces at any time). */
      nonce?: string | undefined;
    }
  /** The server requires DPoP and no proof was sent. */
  | { kind: 'dpop-required'; status: number; error: string; errorDescription: string | undefined }
  /** The server wants a proof carrying this nonce. */
  | { kind: 'use-nonce'; nonce: string };

/**
 * Context for {@link processTokenResponse}.
 * @example
 * processTokenResponse(response, { requestedScopes: ['okta.users.read'], now: Date.now(), jkt: prover.thumbprint });
 */
export interface ProcessTokenResponseOptions {
  /** The scopes that were requested (the token's scopes when the server omits `scope`). */
  requestedScopes: readonly string[];
  /** Current time, ms since the epoch (the token's `obtainedAt`). */
  now: number;
  /** Thumbprint of the DPoP key the proof was made with, recorded on DPoP-bound tokens. */
  jkt?: string | undefined;
}

/**
 * Interpret a token endpoint response. Pure. Returns a token, a DPoP demand, or a nonce demand; throws
 * {@link OAuthError} (with a hint), {@link DpopError}, {@link RateLimitError}, {@link OktaApiError} or
 * {@link ResponseError}.
 * @example
 * const result = processTokenResponse(response, { requestedScopes: ['okta.users.read'], now: Date.now() });
 * if (result.kind === 'token') use(result.token);
 */
export function processTokenResponse(
  response: HttpResponse,
  options: ProcessTokenResponseOptions,
): TokenResponseResult {
  const { status } = response;
  const where = `POST ${response.url.pathname}`;
  const requestId = headerValue(response, 'x-okta-request-id');
  const json = parseJson(response.body);

  if (status === 200) return successResult(response, json, options, where);

  // Every error below carries the response; never one whose body may hold a token.
  const attached = withoutTokens(response);
  if (status === 429) throw rateLimitError(attached, json, where, requestId);

  if (isRecord(json) && typeof json['error'] === 'string') {
    const error = json['error'];
    const errorDescription =
      typeof json['error_description'] === 'string' ? json['error_description'] : undefined;
    const nonce = headerValue(response, 'dpop-nonce');
    if (error === 'use_dpop_nonce') {
      if (nonce !== undefined && nonce !== '') return { kind: 'use-nonce', nonce };
      throw new DpopError(
        `${where} answered ${status} use_dpop_nonce without a DPoP-Nonce header.`,
        { status, error, errorDescription },
        { hint: 'Check for a proxy that strips the DPoP-Nonce response header.', response: attached },
      );
    }
    if (isDpopMissing(error, errorDescription)) {
      return { kind: 'dpop-required', status, error, errorDescription };
    }
    const rule = oauthHintFor(error, errorDescription);
    const message = `${where} failed with ${status} ${error}${errorDescription ? `: ${errorDescription}` : ''}`;
    if (error === 'invalid_dpop_proof') {
      throw new DpopError(
        message,
        { status, error, errorDescription },
        { hint: rule?.hint, response: attached },
      );
    }
    throw new OAuthError(
      message,
      { status, error, errorDescription, requestId },
      { hint: rule?.hint, response: attached },
    );
  }

  if (isOktaErrorObject(json)) {
    throw new OktaApiError(
      `${where} failed with ${status} ${json.errorCode}: ${json.errorSummary ?? ''}`.trimEnd(),
      {
        status,
        method: 'POST',
        path: response.url.pathname,
        errorCode: json.errorCode,
        errorSummary: json.errorSummary,
        errorCauses: json.errorCauses,
        errorId: json.errorId,
        requestId,
      },
      {
        hint: status >= 500 ? 'The authorization server failed; retry later.' : undefined,
        response: attached,
      },
    );
  }

  throw responseError(
    `${where} answered ${status} with ${json === NOT_JSON ? 'a non-JSON body' : 'an unexpected JSON body'}.`,
    status,
    attached,
    {
      hint:
        status >= 500
          ? 'The authorization server failed; retry later.'
          : 'Check tokenEndpoint: it must be the authorization server token endpoint, e.g. https://your-org.okta.com/oauth2/v1/token.',
    },
  );
}

/** Okta's answer to a token request without a proof from an app that requires DPoP. */
function isDpopMissing(error: string, description: string | undefined): boolean {
  return error === 'invalid_dpop_proof' && /header is missing/i.test(description ?? '');
}

function successResult(
  response: HttpResponse,
  json: unknown,
  options: ProcessTokenResponseOptions,
  where: string,
): TokenResponseResult {
  if (!isRecord(json)) {
    throw responseError200(
      `${where} answered 200 with ${json === NOT_JSON ? 'a non-JSON body' : 'a non-object'}.`,
      200,
      response,
    );
  }
  const value = json['access_token'];
  if (typeof value !== 'string' || value === '') {
    throw responseError200(`${where} answered 200 without an access_token.`, 200, response);
  }
  const rawType = json['token_type'];
  const type = typeof rawType === 'string' ? rawType.toLowerCase() : undefined;
  if (type !== 'bearer' && type !== 'dpop') {
    throw responseError200(
      `${where} answered 200 with token_type ${typeof rawType === 'string' ? JSON.stringify(rawType) : 'missing'}; expected Bearer or DPoP.`,
      200,
      response,
    );
  }
  const rawExpires = json['expires_in'];
  let expiresIn = DEFAULT_EXPIRES_IN_SECONDS;
  if (rawExpires !== undefined) {
    const n = typeof rawExpires === 'string' ? Number(rawExpires) : rawExpires;
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) {
      throw responseError200(`${where} answered 200 with an invalid expires_in.`, 200, response);
    }
    expiresIn = n;
  }
  const rawScope = json['scope'];
  if (rawScope !== undefined && typeof rawScope !== 'string') {
    throw responseError200(`${where} answered 200 with a non-string scope.`, 200, response);
  }
  // RFC 6749 5.1: an omitted scope means the requested scopes were granted.
  const scopes = rawScope === undefined ? [...options.requestedScopes] : rawScope.split(' ').filter(Boolean);
  const tokenType = type === 'dpop' ? 'DPoP' : 'Bearer';
  const token = createAccessToken({
    value,
    type: tokenType,
    obtainedAt: options.now,
    expiresAt: options.now + expiresIn * 1000,
    scopes,
    requestedScopes: options.requestedScopes,
    jkt: tokenType === 'DPoP' ? options.jkt : undefined,
  });
  const nonce = headerValue(response, 'dpop-nonce');
  return nonce === undefined || nonce === '' ? { kind: 'token', token } : { kind: 'token', token, nonce };
}

function rateLimitError(
  response: HttpResponse,
  json: unknown,
  where: string,
  requestId: string | undefined,
): RateLimitError {
  const rateLimit = parseRateLimit(response.headers);
  const body = isOktaErrorObject(json) ? json : undefined;
  return new RateLimitError(
    `${where} was rate limited (429${body ? ` ${body.errorCode}` : ''}).`,
    {
      status: 429,
      method: 'POST',
      path: response.url.pathname,
      errorCode: body?.errorCode,
      errorSummary: body?.errorSummary,
      errorCauses: body?.errorCauses,
      errorId: body?.errorId,
      requestId,
      resetAt: rateLimit?.resetAt,
      limit: rateLimit?.limit,
    },
    {
      hint: "Too many token requests. Tokens are cached and shared, so this usually means many processes or clients fetch tokens for the same app; reuse one client per process, or raise the app's rate limit share.",
      response,
    },
  );
}

function responseError(
  message: string,
  status: number,
  response: HttpResponse,
  options: OktaM2MErrorOptions = {},
): ResponseError {
  return new ResponseError(message, status, { ...options, response });
}

/**
 * A ResponseError for a 200 token response the library cannot use. Its body may hold an access token (a
 * well-formed `access_token` next to a bad `token_type` or `expires_in`), so the attached response keeps the
 * status, headers and URL but never the body.
 */
function responseError200(message: string, status: number, response: HttpResponse): ResponseError {
  return responseError(message, status, { ...response, body: WITHHELD_BODY });
}

/**
 * The response as an error may carry it: the body withheld when it is a success or names a token member
 * (`access_token`, `refresh_token`, `id_token`), whatever the status.
 */
function withoutTokens(response: HttpResponse): HttpResponse {
  const risky = response.status < 300 || /access_token|refresh_token|id_token/.test(response.body);
  return risky ? { ...response, body: WITHHELD_BODY } : response;
}

/** What a withheld token response body reads as on an attached response. */
export const WITHHELD_BODY = '[token response body withheld: it may contain an access token]';

const NOT_JSON = Symbol('not-json');

function parseJson(body: string): unknown {
  if (body.trim() === '') return NOT_JSON;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return NOT_JSON;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

interface OktaErrorObject {
  errorCode: string;
  errorSummary?: string;
  errorId?: string;
  errorCauses?: { errorSummary: string }[];
}

function isOktaErrorObject(value: unknown): value is OktaErrorObject {
  if (!isRecord(value) || typeof value['errorCode'] !== 'string') return false;
  if (value['errorSummary'] !== undefined && typeof value['errorSummary'] !== 'string') return false;
  const causes = value['errorCauses'];
  return (
    causes === undefined ||
    (Array.isArray(causes) && causes.every((c) => isRecord(c) && typeof c['errorSummary'] === 'string'))
  );
}
