// createOktaClient wiring that needs no server: what the returned client exposes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { createOktaClient, generateKeyPair } from '../src/index.js';

void test('client.config keeps no key material: not the signing key, not the mutual-TLS client key', async (t) => {
  const { privateKeyPem } = await generateKeyPair({ alg: 'ES256' });
  const tlsKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const client = createOktaClient({
    orgUrl: 'https://acme.okta.com',
    clientId: '0oa1',
    privateKey: privateKeyPem,
    transport: { tls: { key: tlsKey, cert: 'CERT', rejectUnauthorized: true } },
  });
  t.after(() => client.close());
  const body = (pem: string): string => pem.split('\n')[1]!;
  for (const text of [JSON.stringify(client.config), inspect(client, { depth: 10 })]) {
    assert.ok(!text.includes(body(tlsKey)), 'the TLS client key is exposed');
    assert.ok(!text.includes(body(privateKeyPem)), 'the signing key is exposed');
  }
  assert.deepEqual(client.config.transport.tls, { cert: 'CERT', rejectUnauthorized: true });
});
