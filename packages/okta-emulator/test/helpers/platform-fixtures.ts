/**
 * Fixtures for the platform tests: a built emulator driven with inject(), service apps created through the
 * real routes, and client assertions / DPoP proofs signed with jose (an independent implementation).
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, importPKCS8, type CryptoKey, type JWK } from 'jose';
import type { LightMyRequestResponse } from 'fastify';
import { buildEmulator, type BuildEmulatorOptions, type BuiltEmulator } from '../../src/server.js';
import { createFixedClock, type MutableClock } from '../../src/lib/clock.js';
import {
  createServiceApp,
  type ServiceAppCredentials,
  type ServiceAppOptions,
} from '../../src/service-app.js';

export const ORG = 'http://127.0.0.1:8080';
export const TOKEN_URL = `${ORG}/oauth2/v1/token`;
export const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** 2026-01-01T00:00:00Z: a fixed start so time-based checks are exact. */
export const T0 = Date.UTC(2026, 0, 1);

export interface Harness {
  emu: BuiltEmulator;
  clock: MutableClock;
  nowS(): number;
  app(opts?: ServiceAppOptions): Promise<TestApp>;
  token(form: Record<string, string>, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestApp extends ServiceAppCredentials {
  key: CryptoKey;
  alg: 'RS256' | 'ES256';
}

let counter = 0;

/** A built emulator on a fixed clock (control routes on). */
export async function harness(options: Partial<BuildEmulatorOptions> = {}): Promise<Harness> {
  const clock = createFixedClock(T0);
  const emu = await buildEmulator({ orgUrl: ORG, clock, control: true, ...options });
  return {
    emu,
    clock,
    nowS: () => Math.floor(clock.now() / 1000),
    async app(opts: ServiceAppOptions = {}) {
      const alg = opts.keyAlg ?? 'RS256';
      const created = await createServiceApp(
        emu.app,
        { orgUrl: ORG, adminToken: emu.adminToken, counter: ++counter },
        opts,
      );
      return { ...created, alg, key: await importPKCS8(created.privateKeyPem, alg) };
    },
    token: (form, headers = {}) =>
      emu.app.inject({
        method: 'POST',
        url: '/oauth2/v1/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        payload: new URLSearchParams(form).toString(),
      }),
    close: () => emu.app.close(),
  };
}

/** Signs a client assertion for `app`; `claims`/`header` override or (with undefined) remove members. */
export async function assertion(
  h: Harness,
  app: TestApp,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
  key: CryptoKey = app.key,
): Promise<string> {
  const now = h.nowS();
  const payload = strip({
    iss: app.clientId,
    sub: app.clientId,
    aud: TOKEN_URL,
    iat: now,
    exp: now + 300,
    jti: randomUUID(),
    ...claims,
  });
  const protectedHeader = strip({ alg: app.alg, kid: app.keyId, ...header });
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key);
}

/** The form of a client_credentials request. */
export function tokenForm(clientAssertion: string, scope = 'okta.users.read'): Record<string, string> {
  return {
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: clientAssertion,
  };
}

/** A DPoP key pair with its public JWK. */
export interface DpopKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  alg: string;
}

export async function dpopKey(alg: 'ES256' | 'RS256' = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, publicJwk: await exportJWK(publicKey), alg };
}

/** Signs a DPoP proof; `claims`/`header` override or (with undefined) remove members. */
export async function proof(
  h: Harness,
  key: DpopKey,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  const payload = strip({ htm: 'POST', htu: TOKEN_URL, iat: h.nowS(), jti: randomUUID(), ...claims });
  const protectedHeader = strip({ typ: 'dpop+jwt', alg: key.alg, jwk: key.publicJwk, ...header });
  return new SignJWT(payload).setProtectedHeader(protectedHeader as { alg: string }).sign(key.privateKey);
}

export function ath(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('base64url');
}

/** Runs the DPoP handshake for a DPoP app and returns the access token. */
export async function dpopToken(
  h: Harness,
  app: TestApp,
  key: DpopKey,
  scope = 'okta.users.read',
): Promise<string> {
  const first = await h.token(tokenForm(await assertion(h, app), scope), { dpop: await proof(h, key) });
  const nonce = first.headers['dpop-nonce'];
  if (first.statusCode !== 400 || typeof nonce !== 'string')
    throw new Error(`expected use_dpop_nonce, got ${first.body}`);
  const res = await h.token(tokenForm(await assertion(h, app), scope), {
    dpop: await proof(h, key, { nonce }),
  });
  if (res.statusCode !== 200) throw new Error(`token failed: ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

/** Gets a Bearer token for a non-DPoP app. */
export async function bearerToken(h: Harness, app: TestApp, scope = 'okta.users.read'): Promise<string> {
  const res = await h.token(tokenForm(await assertion(h, app), scope));
  if (res.statusCode !== 200) throw new Error(`token failed: ${res.body}`);
  return (res.json() as { access_token: string }).access_token;
}

/** Decodes a JWT part without verifying (tests inspect what the emulator minted). */
export function decodePart(jwt: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[index] ?? '', 'base64url').toString('utf8')) as Record<
    string,
    unknown
  >;
}

function strip(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Asserts an OAuth error response: the status and exactly `{error, error_description}`. */
export function assertOAuthError(
  res: { statusCode: number; json(): unknown },
  status: number,
  error: string,
  description: string,
): void {
  assert.equal(res.statusCode, status);
  assert.deepEqual(res.json(), { error, error_description: description });
}

/**
 * A management request through `inject()`: an empty POST/PUT carries `Content-Length: 0`, as fetch sends it
 * (without it Okta answers 411); a payload is sent as JSON.
 */
export function injectRequest(
  h: Harness,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  headers: Record<string, string>,
  payload?: unknown,
): Promise<LightMyRequestResponse> {
  return h.emu.app.inject({
    method,
    url,
    headers:
      payload === undefined && (method === 'POST' || method === 'PUT')
        ? { ...headers, 'content-length': '0' }
        : headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
}
