// End to end through createOktaClient against the emulator: private_key_jwt tokens (Bearer and DPoP-bound),
// the transport, UsersApi, and the typed 403s for a missing scope and an insufficient admin role.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { createOktaClient, type OktaClient } from '../../src/client.js';
import { OktaApiError } from '../../src/errors.js';

let emu: RunningEmulator;
const clients: OktaClient[] = [];

before(async () => {
  emu = await startEmulator({ seedUsers: 30 });
});
after(async () => {
  for (const c of clients) await c.close();
  await emu.close();
});

async function client(
  app: Parameters<RunningEmulator['createServiceApp']>[0],
  scopes?: string[],
): Promise<OktaClient> {
  const creds = await emu.createServiceApp(app);
  const c = createOktaClient({
    orgUrl: emu.url,
    clientId: creds.clientId,
    keyId: creds.keyId,
    privateKey: creds.privateKeyPem,
    ...(scopes ? { scopes } : {}),
  });
  clients.push(c);
  return c;
}

for (const dpop of [false, true]) {
  void describe(`${dpop ? 'DPoP' : 'Bearer'} service app`, () => {
    void test('list, get by login, updateName then get shows it', async () => {
      const c = await client({ dpop });
      const all = [];
      for await (const user of c.users.list({ limit: 7 })) all.push(user);
      assert.ok(all.length >= 25);
      const target = all[3]!;
      assert.equal((await c.users.get(target.profile.login)).id, target.id);
      await c.users.updateName(target.id, { firstName: `First${dpop}`, lastName: 'Last' });
      assert.equal((await c.users.get(target.id)).profile.firstName, `First${dpop}`);
      const m = c.metrics();
      assert.equal(m.token.fetches, 1, 'one token served every call');
      assert.ok(m.requests.byClass['2xx'] >= 7);
      assert.equal(m.requests.byClass['4xx'] - (dpop ? m.token.requests - 1 : 0), 0);
    });
  });
}

void test('missing scope: 403 insufficient_scope with the hint naming the scope', async () => {
  const c = await client({ dpop: false, scopes: ['okta.users.read'] }, ['okta.users.read']);
  const [user] = await first(c);
  await assert.rejects(c.users.updateName(user!.id, { firstName: 'A', lastName: 'B' }), (e: unknown) => {
    assert.ok(e instanceof OktaApiError);
    assert.equal(e.status, 403);
    assert.equal(e.challenge?.params['error'], 'insufficient_scope');
    assert.match(
      e.hint ?? '',
      /lacks the scope okta\.users\.manage: grant it on the app's Okta API Scopes tab/,
    );
    return true;
  });
});

void test('role without the permission: 403 E0000006 with the admin-role hint', async () => {
  const c = await client({ dpop: false, role: 'READ_ONLY_ADMIN' });
  const [user] = await first(c);
  await assert.rejects(c.users.updateName(user!.id, { firstName: 'A', lastName: 'B' }), (e: unknown) => {
    assert.ok(e instanceof OktaApiError);
    assert.equal(e.status, 403);
    assert.equal(e.errorCode, 'E0000006');
    assert.match(e.hint ?? '', /admin role does not permit this action.*okta\.users\.userprofile\.manage/);
    return true;
  });
});

async function first(c: OktaClient) {
  const out = [];
  for await (const user of c.users.list({ limit: 1 })) {
    out.push(user);
    break;
  }
  return out;
}
