/**
 * Every token-endpoint and API failure named by the guide's troubleshooting section, against the emulator:
 * the right error class, the OAuth error or Okta code, and a hint that says what to fix.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator, type ServiceAppCredentials } from 'okta-emulator';
import { ConfigError, DpopError, OAuthError, OktaApiError, ScopesNotGrantedError } from '../../src/index.js';
import { capturingLogger } from '../helpers/token-fakes.js';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
let app: ServiceAppCredentials;
let other: ServiceAppCredentials;

before(async () => {
  emu = await startEmulator({ seedUsers: 3 });
  app = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
  other = await emu.createServiceApp({ dpop: false, role: 'SUPER_ADMIN' });
});
after(() => emu.close());

async function tokenError(options: Parameters<typeof clientFor>[2], credentials = app): Promise<unknown> {
  const client = clientFor(emu, credentials, options);
  try {
    await client.tokens.getToken();
  } catch (e) {
    return e;
  } finally {
    await client.close();
  }
  assert.fail('expected the token request to fail');
}

void test('wrong kid → OAuthError invalid_client, hint: keyId must match the registered key', async () => {
  const e = await tokenError({ keyId: 'not-a-registered-kid' });
  assert.ok(e instanceof OAuthError, String(e));
  assert.equal(e.status, 401);
  assert.equal(e.error, 'invalid_client');
  assert.equal(e.errorDescription, 'The client_assertion JWT kid is invalid.');
  assert.match(e.hint ?? '', /keyId \(OKTA_KEY_ID\)/);
});

void test('wrong private key under the right kid → signature invalid, hint: same key pair', async () => {
  const e = await tokenError({ privateKey: other.privateKeyPem, keyId: app.keyId });
  assert.ok(e instanceof OAuthError, String(e));
  assert.equal(e.error, 'invalid_client');
  assert.equal(e.errorDescription, 'The client_assertion signature is invalid.');
  assert.match(e.hint ?? '', /same key pair/);
});

void test('audience = issuer → refused by config, and by the server when forced', async () => {
  assert.throws(
    () => clientFor(emu, app, { audience: emu.url }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.problems[0]!.message, /token endpoint URL/);
      return true;
    },
  );
  const e = await tokenError({ audience: emu.url, tokenEndpoint: emu.tokenEndpoint });
  assert.ok(e instanceof OAuthError, String(e));
  assert.equal(e.error, 'invalid_client');
  assert.match(e.errorDescription ?? '', /audience claim/);
  assert.match(e.hint ?? '', /not the issuer/);
});

void test('iss/sub not a client id → OAuthError with the client ID hint', async () => {
  const e = await tokenError({ clientId: '0oaNOTACLIENT0000000' });
  assert.ok(e instanceof OAuthError, String(e));
  assert.equal(e.error, 'invalid_client');
  assert.equal(e.errorDescription, 'The issuer claim for client_assertion is not a valid client_id.');
  assert.match(e.hint ?? '', /iss and sub must both be the app's client ID/);
});

void test('no requested scope granted → consent_required, hint: Okta API Scopes tab', async () => {
  const e = await tokenError({ scopes: ['okta.groups.read'] });
  assert.ok(e instanceof OAuthError, String(e));
  assert.equal(e.status, 400);
  assert.equal(e.error, 'consent_required');
  assert.equal(e.errorDescription, 'You are not allowed any of the requested scopes.');
  assert.match(e.hint ?? '', /Okta API Scopes tab/);
});

void test('partial grant → a warning naming the missing scope, the granted subset on the token', async () => {
  const logger = capturingLogger();
  const client = clientFor(emu, app, { scopes: ['okta.users.read', 'okta.groups.read'], logger });
  try {
    const token = await client.tokens.getToken();
    assert.deepEqual(token.scopes, ['okta.users.read']);
    assert.deepEqual(token.missingScopes, ['okta.groups.read']);
    const warnings = logger.entries.filter((x) => x.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.deepEqual((warnings[0]!.obj as { missing: string[] }).missing, ['okta.groups.read']);
  } finally {
    await client.close();
  }
  const strict = await tokenError({
    scopes: ['okta.users.read', 'okta.groups.read'],
    requireAllScopes: true,
  });
  assert.ok(strict instanceof ScopesNotGrantedError);
  assert.deepEqual(strict.missing, ['okta.groups.read']);
});

void test('DPoP app with dpop: false → DpopError with both fixes', async () => {
  const dpopApp = await emu.createServiceApp({ dpop: true, role: 'none' });
  const e = await tokenError({ dpop: false }, dpopApp);
  assert.ok(e instanceof DpopError, String(e));
  assert.match(e.hint ?? '', /Require Demonstrating Proof of Possession/);
});

void test('missing scope at the API → 403 whose hint names the scope', async (t) => {
  // The scope check comes before the role check and the user lookup (facts §6), so any user id will do.
  const readOnly = await emu.createServiceApp({
    dpop: false,
    role: 'SUPER_ADMIN',
    scopes: ['okta.users.read'],
  });
  const client = clientFor(emu, readOnly, { scopes: ['okta.users.read'] });
  t.after(() => client.close());
  await assert.rejects(
    client.users.updateName('00u1ab2cd3EF4gh5ij6k7', { firstName: 'A', lastName: 'B' }),
    (e: unknown) => {
      assert.ok(e instanceof OktaApiError, String(e));
      assert.equal(e.status, 403);
      assert.equal(e.challenge?.params['error'], 'insufficient_scope');
      assert.match(e.hint ?? '', /okta\.users\.manage/);
      return true;
    },
  );
});

void test('missing admin role → 403 E0000006 with the role/resource-set hint', async (t) => {
  const noRole = await emu.createServiceApp({ dpop: false, role: 'none' });
  const client = clientFor(emu, noRole);
  t.after(() => client.close());
  await assert.rejects(client.users.get('anyone@example.com'), (e: unknown) => {
    assert.ok(e instanceof OktaApiError, String(e));
    assert.equal(e.status, 403);
    assert.equal(e.errorCode, 'E0000006');
    assert.match(e.hint ?? '', /role/i);
    assert.match(e.hint ?? '', /resource set/i);
    return true;
  });
});
