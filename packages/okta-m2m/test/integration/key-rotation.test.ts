// The client key changing under a running client, against the emulator: a key file replaced (with its .kid)
// is used from the next token request on; a half-written file is never loaded; a file replaced by a key the
// app does not know gives a clear error while the old key keeps working; a source read half-way through an
// update (new key, old kid) is read again after Okta's refusal and the request sent again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator, type ServiceAppCredentials } from 'okta-emulator';
import { generateKeyPair, KID_SIDECAR_SUFFIX, type GeneratedKeyPair } from '../../src/index.js';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 2, seed: 21 });
});
after(() => emu.close());

async function admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(new URL(path, emu.url), {
    method,
    headers: {
      authorization: `SSWS ${emu.adminToken}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
}

async function register(app: ServiceAppCredentials, pair: GeneratedKeyPair): Promise<string> {
  return String((await admin('POST', `/api/v1/apps/${app.clientId}/credentials/jwks`, pair.publicJwk)).id);
}

async function retire(app: ServiceAppCredentials, kid: string): Promise<void> {
  const { keys } = (await admin('GET', `/api/v1/apps/${app.clientId}/credentials/jwks`)) as unknown as {
    keys: { id: string; kid: string }[];
  };
  const id = keys.find((k) => k.kid === kid)!.id;
  await admin('POST', `/api/v1/apps/${app.clientId}/credentials/jwks/${id}/lifecycle/deactivate`);
}

function replaceAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text, { mode: 0o600 });
  renameSync(`${path}.tmp`, path);
}

const byKid = (): Record<string, number> => emu.stats().tokensIssuedByKid;

async function keyFileApp(): Promise<{ app: ServiceAppCredentials; path: string }> {
  const app = await emu.createServiceApp({ dpop: false });
  const path = join(mkdtempSync(join(tmpdir(), 'okta-m2m-rotation-')), 'client.pem');
  writeFileSync(path, app.privateKeyPem, { mode: 0o600 });
  return { app, path };
}

void test('a replaced key file (with its .kid) signs the next token request; the token already issued stays in use', async (t) => {
  const { app, path } = await keyFileApp();
  const lines: { msg: string | undefined; obj: object }[] = [];
  const logger = {
    debug: () => undefined,
    info: (obj: object, msg?: string) => void lines.push({ obj, msg }),
    warn: (obj: object, msg?: string) => void lines.push({ obj, msg }),
    error: (obj: object, msg?: string) => void lines.push({ obj, msg }),
  };
  const client = clientFor(emu, app, { privateKey: undefined, privateKeyPath: path, logger });
  t.after(() => client.close());
  const first = await client.tokens.getToken();
  assert.equal(byKid()[app.keyId], 1);

  const next = await generateKeyPair();
  await register(app, next);
  writeFileSync(`${path}${KID_SIDECAR_SUFFIX}`, `${next.kid}\n`, { mode: 0o600 });
  replaceAtomically(path, next.privateKeyPem);
  assert.equal(await client.tokens.getToken(), first, 'the cached token is still used');
  await client.tokens.getToken(['okta.users.read']); // a new token request
  assert.equal(byKid()[next.kid], 1);
  assert.equal(client.signingKey?.kid, next.kid);
  assert.equal(client.tokens.keyStatus().changes, 1);
  assert.deepEqual(client.metrics().key, {
    kid: next.kid,
    changes: 1,
    loadFailures: 0,
    refusals: 0,
    reverts: 0,
  });
  const change = lines.find((l) => l.msg === 'Client key changed; the next token request signs with it');
  assert.deepEqual(change?.obj, { kid: next.kid, previousKid: app.keyId, source: path });
  assert.doesNotMatch(JSON.stringify(lines), /PRIVATE KEY/);

  await retire(app, app.keyId);
  await client.users.list({ limit: 1 }).next(); // the token from the old key still works after it is retired
  await client.tokens.getToken(['okta.users.manage']);
  assert.equal(byKid()[app.keyId], 1, 'no token request with the old kid after the switch');
  assert.equal(byKid()[next.kid], 2);
});

void test('a half-written key file is never loaded: token requests keep the old key', async (t) => {
  const { app, path } = await keyFileApp();
  const client = clientFor(emu, app, { privateKey: undefined, privateKeyPath: path });
  t.after(() => client.close());
  const next = await generateKeyPair();
  writeFileSync(path, next.privateKeyPem.slice(0, 200)); // a writer that has not finished
  await client.tokens.getToken();
  assert.equal(byKid()[app.keyId], 1, 'signed with the old key');
  assert.equal(client.metrics().key.loadFailures, 1);
  const status = client.tokens.keyStatus();
  assert.equal(status.kid, app.keyId);
  assert.equal(status.usable, true);
  assert.match(status.problem?.message ?? '', /client\.pem is not a valid PEM private key/);
});

void test('a key file replaced by a key the app does not know: a clear error, and the old key kept while it works', async (t) => {
  const { app, path } = await keyFileApp();
  const client = clientFor(emu, app, { privateKey: undefined, privateKeyPath: path });
  t.after(() => client.close());
  await client.tokens.getToken();
  const stranger = await generateKeyPair();
  const noKid = emu.stats().tokenRequestsByKid['(none)'] ?? 0;
  replaceAtomically(path, stranger.privateKeyPem); // never registered, and no .kid file: sent without kid
  await client.tokens.getToken(['okta.users.read']);
  assert.equal(emu.stats().tokenRequestsByKid['(none)']! - noKid, 1, 'the new key was tried once');
  assert.equal(byKid()[app.keyId], 2, 'and the old key obtained the token');
  const status = client.tokens.keyStatus();
  assert.equal(status.kid, app.keyId);
  assert.equal(status.usable, true);
  assert.match(
    status.problem?.message ?? '',
    new RegExp(
      `Okta refused the key without kid \\(public key thumbprint ${stranger.kid}\\) from ${path}: it matches no ACTIVE key registered on the app`,
    ),
  );
  assert.deepEqual(client.metrics().key, {
    kid: app.keyId,
    changes: 1,
    loadFailures: 0,
    refusals: 1,
    reverts: 1,
  });
  await client.tokens.getToken(['okta.users.manage']);
  assert.equal(emu.stats().tokenRequestsByKid['(none)']! - noKid, 1, 'the refused key is not tried again');

  // Once the old key is retired too, there is no key left: the token request fails, naming the kid.
  const other = await generateKeyPair();
  await register(app, other);
  await retire(app, app.keyId);
  await assert.rejects(
    client.tokens.getToken(['okta.users.read', 'okta.users.manage', 'okta.apps.read']),
    (e: Error) => /kid is invalid/.test(e.message),
  );
  assert.equal(client.tokens.keyStatus().usable, false);
});

void test('a key read half-way through an update (new key, old kid) is read again after the refusal and the request sent again', async (t) => {
  const app = await emu.createServiceApp({ dpop: true });
  const next = await generateKeyPair();
  await register(app, next);
  let reads = 0;
  // A secret store updated in two steps: the key first, its kid a moment later.
  const client = clientFor(emu, app, {
    privateKey: () => {
      reads++;
      return reads === 1
        ? { privateKey: next.privateKeyPem, keyId: app.keyId }
        : { privateKey: next.privateKeyPem, keyId: next.kid };
    },
  });
  t.after(() => client.close());
  const before = emu.stats().tokenRequestsByOutcome.invalid_client ?? 0;
  const token = await client.tokens.getToken();
  assert.equal(token.type, 'DPoP');
  assert.equal(
    (emu.stats().tokenRequestsByOutcome.invalid_client ?? 0) - before,
    1,
    'one refusal: signature is invalid',
  );
  assert.equal(byKid()[next.kid], 1);
  assert.equal(client.tokens.keyStatus().kid, next.kid);
  assert.ok(reads >= 2, `the function was asked again after the refusal (${reads} reads)`);
});
