/**
 * The guide's steps end to end against the emulator: an API Services app with a key, scopes and an admin role
 * (steps 1-4), a client assertion and a token (5-6), then get a user, list with pagination, update the name (7).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { clientFor } from '../helpers/emulator-client.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 7 });
});
after(() => emu.close());

for (const dpop of [false, true]) {
  for (const keyAlg of ['RS256', 'ES256'] as const) {
    void test(`guide flow (${keyAlg}, ${dpop ? 'DPoP app' : 'Bearer app'}): token → get → list → update name`, async (t) => {
      const app = await emu.createServiceApp({ dpop, keyAlg });
      const client = clientFor(emu, app);
      t.after(() => client.close());

      const token = await client.tokens.getToken();
      assert.equal(token.type, dpop ? 'DPoP' : 'Bearer');
      assert.deepEqual([...token.scopes].sort(), ['okta.users.manage', 'okta.users.read']);

      const users = [];
      for await (const page of client.users.pages({ limit: 3 })) {
        assert.ok(page.users.length <= 3);
        users.push(...page.users);
      }
      assert.equal(users.length, 7, 'pagination followed every next link');
      assert.equal(new Set(users.map((u) => u.id)).size, 7);

      const one = await client.users.get(users[0]!.id);
      assert.equal(one.id, users[0]!.id);

      const updated = await client.users.updateName(one.id, { firstName: 'Ada', lastName: 'Lovelace' });
      assert.equal(updated.profile.firstName, 'Ada');
      assert.equal(updated.profile.lastName, 'Lovelace');
      assert.equal(updated.profile.login, one.profile.login, 'POST merges: other attributes are kept');
      assert.equal((await client.users.get(one.id)).profile.lastName, 'Lovelace');

      const m = client.metrics();
      assert.equal(m.token.fetches, 1, 'one token for the whole flow');
      assert.ok(m.requests.byClass['2xx'] >= 4);
    });
  }
}
