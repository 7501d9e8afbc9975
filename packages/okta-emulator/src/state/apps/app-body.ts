/**
 * What an app create request may say: the body of `POST /api/v1/apps` checked and reduced to what the
 * emulator models, each problem an E0000001 cause.
 */
import { OktaApiError } from '../../lib/errors.js';
import type { PublicJwk } from '../org-records.js';
import { parsePublicJwk, jwkError, JWK_CAUSES, MAX_APP_KEYS } from './jwk-rules.js';

/** The fields of an OIDC app body the emulator keeps. */
export interface AppInput {
  label: string;
  tokenEndpointAuthMethod: string;
  applicationType: string;
  grantTypes: string[];
  responseTypes: string[];
  dpopBound: boolean;
  /** Undefined when the body has no `settings.oauthClient.jwks`. */
  jwks: PublicJwk[] | undefined;
}

const AUTH_METHODS = new Set([
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
]);
const APP_TYPES = new Set(['web', 'native', 'browser', 'service']);

/**
 * Reads an Okta OIDC app body (`POST`/`PUT /api/v1/apps`). Defaults follow Okta: a `service` app gets
 * `grant_types: ["client_credentials"]`, `response_types: ["token"]` and, like a new API Services app,
 * `dpop_bound_access_tokens: true`. Problems become E0000001 "Api validation failed: <field>" with one
 * cause per problem; a non-object body is E0000003.
 */
export function parseAppBody(body: unknown): AppInput {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OktaApiError('E0000003');
  const b = body as Record<string, unknown>;
  const causes: { field: string; text: string }[] = [];
  const fail = (field: string, text: string) => causes.push({ field, text: `${field}: ${text}` });

  if (b.signOnMode !== 'OPENID_CONNECT') {
    fail('signOnMode', "The emulator only supports 'OPENID_CONNECT' apps.");
  }
  const label = b.label;
  if (typeof label !== 'string' || label.trim() === '') fail('label', 'The field cannot be left blank');
  else if (label.length > 100) fail('label', 'The field is too long');

  const credentials = objectAt(b, 'credentials');
  const oauthCreds = credentials ? objectAt(credentials, 'oauthClient') : undefined;
  const settings = objectAt(b, 'settings');
  const oauthSettings = settings ? objectAt(settings, 'oauthClient') : undefined;

  const method = oauthCreds?.token_endpoint_auth_method ?? 'client_secret_basic';
  if (typeof method !== 'string' || !AUTH_METHODS.has(method)) {
    fail(
      'token_endpoint_auth_method',
      `'${String(method)}' is not a valid token endpoint authentication method.`,
    );
  }
  const appType = oauthSettings?.application_type ?? 'web';
  if (typeof appType !== 'string' || !APP_TYPES.has(appType)) {
    fail('application_type', `'${String(appType)}' is not a valid application type.`);
  }
  const isService = appType === 'service';
  const grantTypes = stringList(
    oauthSettings?.grant_types,
    isService ? ['client_credentials'] : ['authorization_code'],
  );
  if (!grantTypes) fail('grant_types', 'The value must be a list of grant types.');
  const responseTypes = stringList(oauthSettings?.response_types, isService ? ['token'] : ['code']);
  if (!responseTypes) fail('response_types', 'The value must be a list of response types.');
  const dpop = oauthSettings?.dpop_bound_access_tokens ?? isService;
  if (typeof dpop !== 'boolean') fail('dpop_bound_access_tokens', 'The value must be true or false.');

  if (causes.length > 0) {
    throw new OktaApiError('E0000001', {
      summaryArgs: [causes.map((c) => c.field).join(', ')],
      causes: causes.map((c) => c.text),
    });
  }

  let jwks: PublicJwk[] | undefined;
  const jwksValue = oauthSettings?.jwks;
  if (jwksValue !== undefined && jwksValue !== null) {
    const keys = (jwksValue as { keys?: unknown }).keys;
    if (typeof jwksValue !== 'object' || !Array.isArray(keys)) throw jwkError(JWK_CAUSES.invalidKey);
    if (keys.length > MAX_APP_KEYS) throw jwkError(JWK_CAUSES.tooMany);
    jwks = keys.map((k) => parsePublicJwk(k));
    const kids = jwks.map((k) => k.kid);
    if (jwks.length > 1 && kids.some((k) => k === undefined)) throw jwkError(JWK_CAUSES.nonUniqueKid);
    if (new Set(kids).size !== kids.length) throw jwkError(JWK_CAUSES.duplicateKid);
  }
  return {
    label: label as string,
    tokenEndpointAuthMethod: method as string,
    applicationType: appType as string,
    grantTypes: grantTypes ?? [],
    responseTypes: responseTypes ?? [],
    dpopBound: dpop as boolean,
    jwks,
  };
}

function objectAt(o: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = o[key];
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function stringList(value: unknown, fallback: string[]): string[] | undefined {
  if (value === undefined || value === null) return fallback;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return undefined;
  return [...(value as string[])];
}
