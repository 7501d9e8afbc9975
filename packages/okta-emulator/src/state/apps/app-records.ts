/**
 * Building and completing app records: a new record from a parsed body (every sign-on mode), the derived
 * name of a custom app, the client secret of a secret-based OIDC app, the X.509 key credentials, and the
 * completion of records saved before these fields existed (`--state` files).
 */
import { isoTime, type Clock } from '../../lib/clock.js';
import type { IdGenerator } from '../../lib/ids.js';
import type { AppKey, OidcApp, PublicJwk } from '../org-records.js';
import { SECRET_METHODS, type AppInput } from './app-body.js';
import { generateAppKeyCredential, type AppKeyCredential } from './app-signing-keys.js';
import { customAppName } from './sign-on-modes.js';

/** What record building needs from the org. */
export interface AppRecordContext {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly apps: ReadonlyMap<string, OidcApp>;
}

/** Validity of the key credential every new app gets (Okta issues app signing certificates for 10 years). */
export const DEFAULT_KEY_VALIDITY_YEARS = 10;

/**
 * A new app from a parsed body. Non-OIDC apps get their signing key credential now; OIDC apps on first
 * use of `/credentials/keys` (most are API clients that never need one, and RSA generation costs).
 * @example const app = await newAppRecord(state, parseAppBody(body));
 */
export async function newAppRecord(ctx: AppRecordContext, input: AppInput): Promise<OidcApp> {
  const now = isoTime(ctx.clock.now());
  const app: OidcApp = {
    id: ctx.ids.id('0oa'),
    signOnMode: input.signOnMode,
    name: input.name ?? customAppName('emulator', input.label, countCustom(ctx.apps, input.label) + 1),
    label: input.label,
    status: 'ACTIVE',
    created: now,
    lastUpdated: now,
    accessibility: {},
    visibility: {},
    settings: {},
    tokenEndpointAuthMethod: '',
    applicationType: '',
    grantTypes: [],
    responseTypes: [],
    dpopBound: false,
    pkceRequired: false,
    autoKeyRotation: true,
    oauthSettings: {},
    keys: [],
    grants: [],
    keyCredentials: [],
    appUsers: [],
    appGroups: [],
  };
  applyAppInput(ctx, app, input, true);
  if (app.signOnMode !== 'OPENID_CONNECT') await ensureKeyCredential(ctx, app);
  return app;
}

/**
 * Applies a parsed body to a record (create, or `PUT` replace). A secret-based OIDC client without a
 * secret gets a generated one (management.yaml: "Okta generates a random client_secret"); `jwks` in the body
 * replaces the app's JWKS, on create always.
 */
export function applyAppInput(ctx: AppRecordContext, app: OidcApp, input: AppInput, isNew: boolean): void {
  app.label = input.label;
  app.accessibility = input.accessibility;
  app.visibility = input.visibility;
  app.settings = input.settings;
  const oidc = input.oidc;
  if (oidc === undefined) return;
  app.tokenEndpointAuthMethod = oidc.tokenEndpointAuthMethod;
  app.applicationType = oidc.applicationType;
  app.grantTypes = oidc.grantTypes;
  app.responseTypes = oidc.responseTypes;
  app.dpopBound = oidc.dpopBound;
  app.pkceRequired = oidc.pkceRequired;
  app.autoKeyRotation = oidc.autoKeyRotation;
  app.oauthSettings = oidc.settings;
  if (SECRET_METHODS.has(oidc.tokenEndpointAuthMethod)) {
    if (oidc.clientSecret !== undefined) app.clientSecret = oidc.clientSecret;
    else if (app.clientSecret === undefined) app.clientSecret = ctx.ids.chars(40);
  } else {
    delete app.clientSecret;
  }
  if (oidc.jwks !== undefined || isNew) {
    const now = isoTime(ctx.clock.now());
    app.keys = (oidc.jwks ?? []).map((jwk: PublicJwk): AppKey => ({
      id: ctx.ids.id('pks'),
      status: 'ACTIVE',
      created: now,
      lastUpdated: now,
      jwk,
    }));
  }
}

/** Gives the app its first key credential if it has none (OIDC apps get theirs lazily). */
export async function ensureKeyCredential(ctx: AppRecordContext, app: OidcApp): Promise<void> {
  if (app.keyCredentials.length > 0) return;
  const key = await newKeyCredential(ctx, app, DEFAULT_KEY_VALIDITY_YEARS);
  // Another request may have raced this one while the key was generated.
  if (app.keyCredentials.length === 0) app.keyCredentials.push(key);
}

/** A new X.509 key credential for `app`, valid `years` from now. */
export function newKeyCredential(
  ctx: AppRecordContext,
  app: OidcApp,
  years: number,
): Promise<AppKeyCredential> {
  return generateAppKeyCredential({
    nowMs: ctx.clock.now(),
    validityYears: years,
    commonName: app.name,
    serialHex: '01' + Buffer.from(ctx.ids.chars(12)).toString('hex'),
  });
}

/**
 * Completes an app record saved by an earlier version (only OIDC apps existed, without these fields).
 * @example state.apps = new Map(saved.map((a) => [a.id, completeAppRecord(a)]));
 */
export function completeAppRecord(raw: OidcApp): OidcApp {
  const r = raw as Partial<OidcApp> & OidcApp;
  return {
    ...r,
    signOnMode: r.signOnMode ?? 'OPENID_CONNECT',
    name: r.name ?? 'oidc_client',
    accessibility: r.accessibility ?? {},
    visibility: r.visibility ?? {},
    settings: r.settings ?? {},
    pkceRequired: r.pkceRequired ?? false,
    autoKeyRotation: r.autoKeyRotation ?? true,
    oauthSettings: r.oauthSettings ?? {},
    keyCredentials: r.keyCredentials ?? [],
    appUsers: r.appUsers ?? [],
    appGroups: r.appGroups ?? [],
  };
}

function countCustom(apps: ReadonlyMap<string, OidcApp>, label: string): number {
  const base = customAppName('emulator', label, 0).replace(/_0$/, '_');
  let n = 0;
  for (const a of apps.values()) if (a.name.startsWith(base)) n++;
  return n;
}
