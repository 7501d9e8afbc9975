/**
 * Reads an app body (`POST`/`PUT /api/v1/apps`) for every sign-on mode of management.yaml's `Application`
 * discriminator: the common fields (label, accessibility, visibility), the mode's configuration
 * (`settings.app` or `settings.signOn`, required fields per `sign-on-modes.ts`) and, for OPENID_CONNECT,
 * the OAuth client (`credentials.oauthClient`, `settings.oauthClient`). Problems become E0000001
 * "Api validation failed: <field>" with one cause per problem; a non-object body is E0000003; a catalog
 * app the emulator has no template for is 501 E0000052.
 */
import { OktaApiError } from '../../lib/errors.js';
import type { PublicJwk } from '../org-records.js';
import { parsePublicJwk, jwkError, JWK_CAUSES, MAX_APP_KEYS } from './jwk-rules.js';
import { SIGN_ON_MODES } from './sign-on-modes.js';

/** What an OPENID_CONNECT body configures. */
export interface OidcInput {
  tokenEndpointAuthMethod: string;
  applicationType: string;
  grantTypes: string[];
  responseTypes: string[];
  dpopBound: boolean;
  pkceRequired: boolean;
  autoKeyRotation: boolean;
  /** A client secret the caller chose (otherwise one is generated when the method needs one). */
  clientSecret: string | undefined;
  /** Undefined when the body has no `settings.oauthClient.jwks`. */
  jwks: PublicJwk[] | undefined;
  /** The other `settings.oauthClient` members management.yaml declares, as sent (redirect_uris, client_uri, ...). */
  settings: Record<string, unknown>;
}

/** The fields of an app body the emulator keeps. */
export interface AppInput {
  signOnMode: string;
  /** The template name; undefined for a custom app (AUTO_LOGIN, SAML_2_0) whose name Okta derives. */
  name: string | undefined;
  label: string;
  accessibility: Record<string, unknown>;
  visibility: Record<string, unknown>;
  /** `settings` without `oauthClient` (for every mode). */
  settings: Record<string, unknown>;
  oidc: OidcInput | undefined;
}

const AUTH_METHODS = new Set([
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
  'private_key_jwt',
  'none',
]);
/** Methods that authenticate with a client secret: Okta generates one when none is given (management.yaml). */
export const SECRET_METHODS: ReadonlySet<string> = new Set([
  'client_secret_basic',
  'client_secret_post',
  'client_secret_jwt',
]);
const APP_TYPES = new Set(['web', 'native', 'browser', 'service']);
/** `settings.oauthClient` members kept as sent (management.yaml `OpenIdConnectApplicationSettingsClient`). */
const OAUTH_SETTINGS_KEPT = [
  'client_uri',
  'logo_uri',
  'redirect_uris',
  'post_logout_redirect_uris',
  'initiate_login_uri',
  'policy_uri',
  'tos_uri',
  'consent_method',
  'issuer_mode',
  'wildcard_redirect',
  'frontchannel_logout_uri',
  'frontchannel_logout_session_required',
  'idp_initiated_login',
  'jwks_uri',
  'refresh_token',
  'participate_slo',
  'sector_identifier_uri',
  'subject_type',
] as const;
const URI_LISTS = ['redirect_uris', 'post_logout_redirect_uris'] as const;
const URI_FIELDS = ['client_uri', 'logo_uri', 'initiate_login_uri', 'policy_uri', 'tos_uri'] as const;

type Cause = { field: string; text: string };

/**
 * Parses and checks an app body.
 * @example parseAppBody({ name: 'bookmark', label: 'Docs', signOnMode: 'BOOKMARK', settings: { app: { url: 'https://example.com' } } })
 */
export function parseAppBody(body: unknown): AppInput {
  if (!isObject(body)) throw new OktaApiError('E0000003');
  const causes: Cause[] = [];
  const fail = (field: string, text: string) => causes.push({ field, text: `${field}: ${text}` });

  const label = body.label;
  if (typeof label !== 'string' || label.trim() === '') fail('label', 'The field cannot be left blank');
  else if (label.length > 100) fail('label', 'The field is too long');

  const signOnMode = body.signOnMode;
  const settings = isObject(body.settings) ? body.settings : {};
  if (body.settings !== undefined && body.settings !== null && !isObject(body.settings))
    fail('settings', 'The value must be an object.');
  for (const key of ['accessibility', 'visibility'] as const) {
    if (body[key] !== undefined && body[key] !== null && !isObject(body[key]))
      fail(key, 'The value must be an object.');
  }
  const name = body.name;
  if (name !== undefined && name !== null && typeof name !== 'string')
    fail('name', 'The value must be a string.');

  let oidc: OidcInput | undefined;
  if (signOnMode === 'OPENID_CONNECT') {
    if (name !== undefined && name !== null && name !== 'oidc_client')
      fail('name', "An OPENID_CONNECT app's name must be 'oidc_client'.");
    oidc = parseOidc(body, settings, fail);
  } else if (typeof signOnMode === 'string' && SIGN_ON_MODES[signOnMode] !== undefined) {
    const rule = SIGN_ON_MODES[signOnMode]!;
    if (typeof name === 'string' && !rule.names.includes(name)) {
      throw new OktaApiError('E0000052', {
        causes: [
          `The emulator has no app catalog: '${name}' is not a template it serves for ${signOnMode} (templates: ${
            rule.names.length > 0 ? rule.names.join(', ') : 'none, create a custom app without a name'
          }).`,
        ],
      });
    }
    if ((name === undefined || name === null) && !rule.customWithoutName)
      fail('name', 'The field cannot be left blank');
    const section = settings[rule.settingsKey];
    if (!isObject(section)) {
      fail(`settings.${rule.settingsKey}`, 'The field cannot be left blank');
    } else {
      for (const field of rule.required) {
        const v = section[field];
        if (v === undefined || v === null || v === '') fail(field, 'The field cannot be left blank');
      }
    }
  } else if (signOnMode === 'SAML_1_1') {
    throw new OktaApiError('E0000052', {
      causes: ['SAML_1_1 apps come only from the app catalog, which the emulator does not have.'],
    });
  } else {
    fail('signOnMode', `'${String(signOnMode)}' is not a valid sign-on mode.`);
  }

  if (causes.length > 0) {
    throw new OktaApiError('E0000001', {
      summaryArgs: [[...new Set(causes.map((c) => c.field))].join(', ')],
      causes: causes.map((c) => c.text),
    });
  }
  const { oauthClient: _ignored, ...otherSettings } = settings;
  normalizeSettings(signOnMode as string, otherSettings);
  return {
    signOnMode: signOnMode as string,
    name: typeof name === 'string' ? name : undefined,
    label: label as string,
    accessibility: isObject(body.accessibility) ? body.accessibility : {},
    visibility: isObject(body.visibility) ? body.visibility : {},
    settings: otherSettings,
    oidc,
  };
}

function parseOidc(
  body: Record<string, unknown>,
  settings: Record<string, unknown>,
  fail: (field: string, text: string) => void,
): OidcInput | undefined {
  const credentials = isObject(body.credentials) ? body.credentials : undefined;
  const oauthCreds = credentials && isObject(credentials.oauthClient) ? credentials.oauthClient : undefined;
  const oauthSettings = isObject(settings.oauthClient) ? settings.oauthClient : undefined;

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

  // management.yaml: pkce_required defaults to true for browser and native apps; `none` requires it.
  const pkceDefault = appType === 'browser' || appType === 'native' || method === 'none';
  const pkce = oauthCreds?.pkce_required ?? pkceDefault;
  if (typeof pkce !== 'boolean') fail('pkce_required', 'The value must be true or false.');
  else if (method === 'none' && !pkce)
    fail('pkce_required', "PKCE must be required when 'token_endpoint_auth_method' is 'none'.");
  const autoKeyRotation = oauthCreds?.autoKeyRotation ?? true;
  if (typeof autoKeyRotation !== 'boolean') fail('autoKeyRotation', 'The value must be true or false.');
  const secret = oauthCreds?.client_secret;
  if (secret !== undefined && secret !== null) {
    if (typeof secret !== 'string' || secret.length < 14 || secret.length > 100)
      fail('client_secret', 'The client secret must be 14 to 100 characters long.');
  }

  const kept: Record<string, unknown> = {};
  for (const key of OAUTH_SETTINGS_KEPT) {
    const v = oauthSettings?.[key];
    if (v !== undefined) kept[key] = v;
  }
  for (const key of URI_LISTS) {
    const v = kept[key];
    if (
      v !== undefined &&
      v !== null &&
      (!Array.isArray(v) || v.some((u) => typeof u !== 'string' || !isUri(u)))
    )
      fail(key, 'The value must be a list of absolute URIs.');
  }
  for (const key of URI_FIELDS) {
    const v = kept[key];
    if (v !== undefined && v !== null && (typeof v !== 'string' || !isUri(v)))
      fail(key, 'The value must be an absolute URI.');
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
    tokenEndpointAuthMethod: method as string,
    applicationType: appType as string,
    grantTypes: grantTypes ?? [],
    responseTypes: responseTypes ?? [],
    dpopBound: dpop === true,
    pkceRequired: pkce === true,
    autoKeyRotation: autoKeyRotation !== false,
    clientSecret: typeof secret === 'string' ? secret : undefined,
    jwks,
    settings: kept,
  };
}

/**
 * What Okta stores differently from what was sent: a SAML app's empty `defaultRelayState` reads back as
 * null; a WS-Federation app without `groupName` gets the role claim type.
 */
function normalizeSettings(signOnMode: string, settings: Record<string, unknown>): void {
  const signOn = settings.signOn;
  if (signOnMode === 'SAML_2_0' && isObject(signOn) && signOn.defaultRelayState === '') {
    settings.signOn = { ...signOn, defaultRelayState: null };
  }
  const app = settings.app;
  if (
    signOnMode === 'WS_FEDERATION' &&
    isObject(app) &&
    (app.groupName === undefined || app.groupName === null)
  ) {
    settings.app = { ...app, groupName: 'http://schemas.microsoft.com/ws/2008/06/identity/claims/role' };
  }
}

function isUri(value: string): boolean {
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function stringList(value: unknown, fallback: string[]): string[] | undefined {
  if (value === undefined || value === null) return fallback;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return undefined;
  return [...(value as string[])];
}
