/**
 * The official Okta Node SDK (@okta/okta-sdk-nodejs, PrivateKey mode) against the emulator: the emulator must
 * accept what Okta's own SDK sends (okta-sdk-wire.md), for a Bearer app and for a DPoP app.
 * List users with pagination, get a user, update first and last name, read it back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import okta from '@okta/okta-sdk-nodejs';
import { startEmulator, type RunningEmulator } from 'okta-emulator';

interface SdkUser {
  id: string;
  profile: { login: string; firstName: string; lastName: string };
}

const SEEDED = 7;
let emu: RunningEmulator;

before(async () => {
  emu = await startEmulator({ seedUsers: SEEDED, seed: 42 });
});
after(async () => {
  await emu.close();
});

for (const dpop of [false, true]) {
  describe(`official Node SDK against a ${dpop ? 'DPoP' : 'Bearer'} service app`, () => {
    let client: InstanceType<typeof okta.Client>;
    let clientId: string;

    before(async () => {
      const app = await emu.createServiceApp({ label: `sdk-${dpop ? 'dpop' : 'bearer'}`, dpop });
      clientId = app.clientId;
      client = new okta.Client({
        orgUrl: emu.url,
        authorizationMode: 'PrivateKey',
        clientId: app.clientId,
        keyId: app.keyId,
        privateKey: app.privateKeyPem,
        scopes: ['okta.users.read', 'okta.users.manage'],
      });
    });

    test('lists every user across pages of 2, following link rel="next"', async () => {
      const before = emu.stats().apiRequests;
      const collection = await client.userApi.listUsers({ limit: 2 });
      const ids: string[] = [];
      await collection.each((user) => {
        ids.push(String(user.id));
      });
      assert.equal(ids.length, SEEDED);
      assert.equal(new Set(ids).size, SEEDED, 'no user is listed twice');
      assert.equal(emu.stats().apiRequests - before, Math.ceil(SEEDED / 2), 'one GET per page of 2');
      // §2.2: a DPoP app answers the SDK's nonce-less proof with use_dpop_nonce, then issues a DPoP token (two
      // token requests); a Bearer app ignores the proof the SDK always sends and issues a Bearer token (one).
      assert.equal(emu.stats().tokenRequestsByClient[clientId], dpop ? 2 : 1);
    });

    test('gets a user, updates first and last name with a POST partial update, reads it back', async () => {
      const collection = await client.userApi.listUsers({ limit: 1 });
      let first: SdkUser | undefined;
      await collection.each((user) => {
        first = user as SdkUser;
        return false;
      });
      assert.ok(first, 'at least one user');
      const fetched = (await client.userApi.getUser({ userId: first.id })) as SdkUser;
      assert.equal(fetched.profile.login, first.profile.login);

      const firstName = `Ada-${dpop ? 'd' : 'b'}`;
      const lastName = `Lovelace-${dpop ? 'd' : 'b'}`;
      const updated = (await client.userApi.updateUser({
        userId: first.id,
        user: { profile: { firstName, lastName } },
      })) as SdkUser;
      assert.equal(updated.profile.firstName, firstName);
      assert.equal(updated.profile.lastName, lastName);
      assert.equal(updated.profile.login, first.profile.login, 'a partial update keeps the other attributes');

      const reread = (await client.userApi.getUser({ userId: first.id })) as SdkUser;
      assert.equal(reread.profile.firstName, firstName);
      assert.equal(reread.profile.lastName, lastName);
    });
  });
}
