import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, importPKCS8 } from 'jose';
import { startEmulator, type RunningEmulator } from '../src/index.js';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function clientAssertion(
  emu: RunningEmulator,
  clientId: string,
  kid: string,
  pem: string,
  alg = 'RS256',
) {
  const key = await importPKCS8(pem, alg);
  return new SignJWT({})
    .setProtectedHeader({ alg, kid })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(emu.tokenEndpoint)
    .setIssuedAt()
    .setExpirationTime('5m')
    .setJti(randomUUID())
    .sign(key);
}

function form(assertion: string, scope = 'okta.users.read'): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    scope,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
  });
}

void describe('startEmulator over real HTTP on 127.0.0.1:0', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  void test('listens on 127.0.0.1 with a free port; tokenEndpoint is url + /oauth2/v1/token', () => {
    assert.match(emu.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(emu.tokenEndpoint, `${emu.url}/oauth2/v1/token`);
    assert.match(emu.adminToken, /^00[A-Za-z0-9]{40}$/);
  });

  void test('createServiceApp (Bearer): PKCS#8 key that signs accepted assertions; token works on /api/v1', async () => {
    const app = await emu.createServiceApp({ dpop: false, scopes: ['okta.users.read', 'okta.apps.read'] });
    assert.match(app.privateKeyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(app.clientId, app.appId);
    assert.equal(app.keyId, await calculateJwkThumbprint(app.publicJwk as never));
    assert.equal((app.privateJwk as { kid?: string }).kid, app.keyId);
    const res = await fetch(emu.tokenEndpoint, {
      method: 'POST',
      body: form(await clientAssertion(emu, app.clientId, app.keyId, app.privateKeyPem), 'okta.apps.read'),
    });
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('date'), 'Date header over real HTTP');
    const { access_token } = (await res.json()) as { access_token: string };
    const api = await fetch(`${emu.url}/api/v1/apps/${app.appId}`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.equal(api.status, 200);
  });

  void test('createServiceApp (DPoP default, ES256 key, 3 keys): full handshake over HTTP; 2 DPoP header lines are refused', async () => {
    const app = await emu.createServiceApp({ keyAlg: 'ES256', keyCount: 3 });
    const keys = await fetch(`${emu.url}/api/v1/apps/${app.appId}/credentials/jwks`, {
      headers: { authorization: `SSWS ${emu.adminToken}` },
    });
    assert.equal(((await keys.json()) as { keys: unknown[] }).keys.length, 3);
    const dpop = await generateKeyPair('ES256');
    const jwk = await exportJWK(dpop.publicKey);
    const proof = (nonce?: string) =>
      new SignJWT({ htm: 'POST', htu: emu.tokenEndpoint, jti: randomUUID(), ...(nonce ? { nonce } : {}) })
        .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
        .setIssuedAt()
        .sign(dpop.privateKey);
    const assertion = () => clientAssertion(emu, app.clientId, app.keyId, app.privateKeyPem, 'ES256');

    const r1 = await fetch(emu.tokenEndpoint, { method: 'POST', body: form(await assertion()) });
    assert.equal(((await r1.json()) as { error: string }).error, 'invalid_dpop_proof');
    const r2 = await fetch(emu.tokenEndpoint, {
      method: 'POST',
      body: form(await assertion()),
      headers: { dpop: await proof() },
    });
    const nonce = r2.headers.get('dpop-nonce');
    assert.ok(nonce);
    const r3 = await fetch(emu.tokenEndpoint, {
      method: 'POST',
      body: form(await assertion()),
      headers: { dpop: await proof(nonce) },
    });
    const body = (await r3.json()) as { token_type: string; access_token: string };
    assert.equal(body.token_type, 'DPoP');

    // Two separate DPoP header lines on the wire (undici's fetch would join them; node:http sends both).
    const twice = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      void (async () => {
        const payload = form(await assertion()).toString();
        const req = request(
          emu.tokenEndpoint,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/x-www-form-urlencoded',
              dpop: [await proof(nonce), await proof(nonce)],
            },
          },
          (res) => {
            let data = '';
            res.on('data', (c: Buffer) => (data += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
          },
        );
        req.on('error', reject);
        req.end(payload);
      })();
    });
    assert.equal(twice.status, 400);
    assert.equal(
      JSON.parse(twice.body).error_description,
      'Multiple DPoP proof JWT headers are not allowed.',
    );

    const ath = createHash('sha256').update(body.access_token).digest('base64url');
    const resourceProof = await new SignJWT({
      htm: 'GET',
      htu: `${emu.url}/api/v1/apps`,
      jti: randomUUID(),
      ath,
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .setIssuedAt()
      .sign(dpop.privateKey);
    const api = await fetch(`${emu.url}/api/v1/apps?limit=5`, {
      headers: { authorization: `DPoP ${body.access_token}`, dpop: resourceProof },
    });
    assert.equal(api.status, 403, 'authenticated; the token lacks okta.apps.read');
    assert.match(api.headers.get('www-authenticate') ?? '', /^DPoP algs=.*error="insufficient_scope"/);
  });

  void test('stats() counts token requests, tokens issued and API requests; clock.advance expires tokens', async () => {
    const app = await emu.createServiceApp({ dpop: false, scopes: ['okta.apps.read'] });
    const before = emu.stats();
    const res = await fetch(emu.tokenEndpoint, {
      method: 'POST',
      body: form(await clientAssertion(emu, app.clientId, app.keyId, app.privateKeyPem), 'okta.apps.read'),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const after = emu.stats();
    assert.equal(after.tokenRequests - before.tokenRequests, 1);
    assert.equal(after.tokensIssued - before.tokensIssued, 1);
    assert.equal(after.tokenRequestsByClient[app.clientId], 1);
    emu.clock.advance(3600_000);
    const api = await fetch(`${emu.url}/api/v1/apps`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    assert.equal(api.status, 401);
    assert.equal(emu.stats().apiRequests - after.apiRequests, 1);
    emu.clock.advance(-3600_000);
  });
});

void test('startEmulator({statePath}) keeps apps, keys and the admin token across a restart', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'okta-emu-'));
  const statePath = join(dir, 'state.json');
  const first = await startEmulator({ statePath });
  const app = await first.createServiceApp({ dpop: false, scopes: ['okta.apps.read'] });
  const adminToken = first.adminToken;
  await first.close();
  const second = await startEmulator({ statePath });
  try {
    assert.equal(second.adminToken, adminToken);
    const res = await fetch(second.tokenEndpoint, {
      method: 'POST',
      body: form(await clientAssertion(second, app.clientId, app.keyId, app.privateKeyPem), 'okta.apps.read'),
    });
    assert.equal(res.status, 200, 'the restored app, key and grant still issue tokens');
  } finally {
    await second.close();
  }
});

void test('§1.5 token endpoint over its quota → 429 with the Okta error object E0000047 and X-Rate-Limit-* headers', async () => {
  const emu = await startEmulator({ quotas: { '/oauth2/v1/token': 1 } });
  try {
    const app = await emu.createServiceApp({ dpop: false });
    const send = async () =>
      fetch(emu.tokenEndpoint, {
        method: 'POST',
        body: form(await clientAssertion(emu, app.clientId, app.keyId, app.privateKeyPem)),
      });
    assert.equal((await send()).status, 200);
    const limited = await send();
    assert.equal(limited.status, 429);
    const body = (await limited.json()) as Record<string, unknown>;
    assert.equal(body.errorCode, 'E0000047');
    assert.equal(body.errorLink, 'E0000047');
    assert.deepEqual(body.errorCauses, []);
    assert.equal(limited.headers.get('x-rate-limit-remaining'), '0');
    assert.ok(limited.headers.get('x-rate-limit-reset'));
    assert.ok(limited.headers.get('date'));
    assert.equal(emu.stats().tokenRequests, 2);
  } finally {
    await emu.close();
  }
});

void test('createServiceApp sets up roles like the guide: custom role + resource set by default, standard roles, or none', async () => {
  const emu = await startEmulator({ seedUsers: 3, seed: 7 });
  try {
    const admin = { authorization: `SSWS ${emu.adminToken}` };
    const rolesOf = async (clientId: string) =>
      (await (await fetch(`${emu.url}/oauth2/v1/clients/${clientId}/roles`, { headers: admin })).json()) as {
        type: string;
      }[];
    const custom = await emu.createServiceApp({ dpop: false });
    assert.deepEqual(
      (await rolesOf(custom.clientId)).map((r) => r.type),
      ['CUSTOM'],
    );
    const readOnly = await emu.createServiceApp({ dpop: false, role: 'READ_ONLY_ADMIN' });
    assert.deepEqual(
      (await rolesOf(readOnly.clientId)).map((r) => r.type),
      ['READ_ONLY_ADMIN'],
    );
    const none = await emu.createServiceApp({ dpop: false, role: 'none' });
    assert.deepEqual(await rolesOf(none.clientId), []);

    const usersWith = async (app: { clientId: string; keyId: string; privateKeyPem: string }) => {
      const res = await fetch(emu.tokenEndpoint, {
        method: 'POST',
        body: form(await clientAssertion(emu, app.clientId, app.keyId, app.privateKeyPem)),
      });
      const { access_token } = (await res.json()) as { access_token: string };
      return fetch(`${emu.url}/api/v1/users?limit=5`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
    };
    const ok = await usersWith(custom);
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as unknown[]).length > 0, true);
    const forbidden = await usersWith(none);
    assert.equal(forbidden.status, 403);
    assert.equal(((await forbidden.json()) as { errorCode: string }).errorCode, 'E0000006');
  } finally {
    await emu.close();
  }
});

void test('createServiceApp({resourceSet: {groupId}}) limits the custom role to the members of that group', async () => {
  const emu = await startEmulator({ seedUsers: 4, seed: 11 });
  try {
    const admin = { authorization: `SSWS ${emu.adminToken}`, 'content-type': 'application/json' };
    const group = (await (
      await fetch(`${emu.url}/api/v1/groups`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ profile: { name: 'svc-targets', description: 'users the service may edit' } }),
      })
    ).json()) as { id: string };
    const users = (await (await fetch(`${emu.url}/api/v1/users`, { headers: admin })).json()) as {
      id: string;
    }[];
    const member = users[0]?.id ?? '';
    const put = await fetch(`${emu.url}/api/v1/groups/${group.id}/users/${member}`, {
      method: 'PUT',
      headers: admin,
    });
    assert.ok(put.status < 300, `add member: ${put.status}`);
    const app = await emu.createServiceApp({ dpop: false, resourceSet: { groupId: group.id } });
    const res = await fetch(emu.tokenEndpoint, {
      method: 'POST',
      body: form(await clientAssertion(emu, app.clientId, app.keyId, app.privateKeyPem)),
    });
    const { access_token } = (await res.json()) as { access_token: string };
    const bearer = { authorization: `Bearer ${access_token}` };
    assert.equal((await fetch(`${emu.url}/api/v1/users/${member}`, { headers: bearer })).status, 200);
    const outsider = users.find((u) => u.id !== member)?.id ?? '';
    const denied = await fetch(`${emu.url}/api/v1/users/${outsider}`, { headers: bearer });
    assert.ok([403, 404].includes(denied.status), `outside the resource set: ${denied.status}`);
  } finally {
    await emu.close();
  }
});
