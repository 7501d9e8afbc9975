// describeConfig: the effective configuration as printable JSON, every default visible, no key material.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { Agent } from 'undici';
import { resolveConfig, TRANSPORT_DEFAULTS, CONFIG_DEFAULTS } from '../src/config.js';
import { describeConfig } from '../src/config-describe.js';
import { DEFAULT_RETRY_POLICY } from '../src/http/retry-policy.js';
import { DEFAULT_BREAKER_OPTIONS } from '../src/http/circuit-breaker.js';
import { createOktaClient } from '../src/client.js';

const pem = (): string =>
  generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
const body = (text: string): string => text.split('\n')[1]!;

void test('every default is visible; the result is plain JSON', () => {
  const d = describeConfig(
    resolveConfig({ orgUrl: 'acme.okta.com', clientId: '0oa1', privateKeyPath: '/run/secrets/okta.pem' }),
  );
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  assert.equal(d.orgUrl, 'https://acme.okta.com/');
  assert.equal(d.tokenEndpoint, 'https://acme.okta.com/oauth2/v1/token');
  assert.equal(d.audience, d.tokenEndpoint);
  assert.deepEqual(d.privateKey, { file: '/run/secrets/okta.pem' });
  assert.equal(d.assertionLifetimeSeconds, CONFIG_DEFAULTS.assertionLifetimeSeconds);
  assert.equal(d.refreshAheadSeconds, CONFIG_DEFAULTS.refreshAheadSeconds);
  assert.deepEqual(d.dpop, { mode: 'auto', key: 'none', alg: 'from the key' });
  assert.equal(d.transport.timeoutMs, TRANSPORT_DEFAULTS.timeoutMs);
  assert.equal(d.transport.deadlineMs, TRANSPORT_DEFAULTS.deadlineMs);
  assert.equal(d.transport.maxResponseBytes, TRANSPORT_DEFAULTS.maxResponseBytes);
  assert.equal(d.transport.retry.maxAttempts, DEFAULT_RETRY_POLICY.maxAttempts);
  assert.equal(d.transport.retry.shouldRetry, 'none');
  assert.deepEqual(d.transport.breaker, DEFAULT_BREAKER_OPTIONS);
  assert.match(d.transport.userAgent, /^okta-m2m\/\S+ node\/\S+$/);
  assert.equal(d.transport.dispatcher, 'default');
  assert.equal(d.logger, 'silent');
});

void test('no key material: the client key, the DPoP key and the mutual-TLS key appear by source only', async () => {
  const clientKey = pem();
  const dpopKey = pem();
  const tlsKey = pem();
  const agent = new Agent();
  try {
    const config = resolveConfig({
      orgUrl: 'https://acme.okta.com',
      clientId: '0oa1',
      privateKey: clientKey,
      dpop: { key: dpopKey },
      transport: {
        retry: { shouldRetry: () => undefined },
        breaker: false,
        userAgent: 'users-service/1.2',
        dispatcher: agent,
      },
    });
    const withTls = resolveConfig({
      orgUrl: 'https://acme.okta.com',
      clientId: '0oa1',
      privateKey: clientKey,
      transport: { tls: { key: tlsKey, cert: 'CERT', ca: ['CA1', Buffer.from('CA2')] } },
    });
    const d = describeConfig(config);
    const t = describeConfig(withTls);
    for (const text of [JSON.stringify(d), JSON.stringify(t), inspect(d, { depth: 10 })]) {
      for (const key of [clientKey, dpopKey, tlsKey])
        assert.ok(!text.includes(body(key)), 'key material shown');
    }
    assert.equal(d.privateKey, 'inline');
    assert.deepEqual(d.dpop, { mode: true, key: 'inline', alg: 'from the key' });
    assert.equal(d.transport.retry.shouldRetry, 'custom');
    assert.equal(d.transport.breaker, false);
    assert.match(d.transport.userAgent, / users-service\/1\.2$/);
    assert.equal(d.transport.dispatcher, 'custom');
    assert.deepEqual(t.transport.tls, { ca: ['CA1', 'CA2'], cert: 'CERT' });
  } finally {
    await agent.close();
  }
});

void test('client.config is the description of the resolved options, frozen', async (t) => {
  const options = { orgUrl: 'https://acme.okta.com', clientId: '0oa1', privateKey: pem() };
  const client = createOktaClient(options);
  t.after(() => client.close());
  assert.deepEqual(client.config, describeConfig(resolveConfig(options)));
  assert.ok(Object.isFrozen(client.config) && Object.isFrozen(client.config.transport.retry));
});
