// Configuration: every problem of the service's own variables and the guide's OKTA_* variables at once; API key
// entries parsed, generated and matched in constant time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findApiKey, generateApiKey, hashApiKey, parseApiKeys, allows } from '../src/api-keys.js';
import { loadServiceConfig, ServiceConfigError } from '../src/config.js';

const hash = 'ab'.repeat(32);

void test('every problem is listed at once, naming the variable', () => {
  let error: unknown;
  try {
    loadServiceConfig({
      OKTA_DOMAIN: 'acme.okta.com',
      PORT: '99999',
      LOG_LEVEL: 'loud',
      API_KEYS: 'usk_abc',
    });
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof ServiceConfigError);
  const variables = error.problems.map((p) => p.variable).sort();
  assert.deepEqual(variables, ['API_KEYS', 'LOG_LEVEL', 'OKTA_CLIENT_ID', 'OKTA_PRIVATE_KEY', 'PORT'].sort());
  assert.match(error.message, /looks like a key itself/);
  assert.ok(!error.message.includes('usk_abc'), 'a pasted key is not echoed');
});

void test('a valid configuration, with defaults', () => {
  const config = loadServiceConfig({
    OKTA_DOMAIN: 'acme.okta.com',
    OKTA_CLIENT_ID: '0oa1',
    OKTA_PRIVATE_KEY_PATH: '/run/secrets/okta.pem',
    API_KEYS: `reporting:users:read:${hash}, deployer:users:write:${'cd'.repeat(32)}`,
  });
  assert.equal(config.port, 3000);
  assert.equal(config.host, '127.0.0.1');
  assert.equal(config.logLevel, 'info');
  assert.equal(config.shutdownTimeoutMs, 10_000);
  assert.deepEqual(
    config.apiKeys.map((k) => [k.name, k.scope]),
    [
      ['reporting', 'users:read'],
      ['deployer', 'users:write'],
    ],
  );
  assert.equal(config.okta.orgUrl, 'acme.okta.com');
});

void test('API_KEYS: a missing list and repeated names are problems', () => {
  assert.match(
    parseApiKeys(`a:users:read:${hash},a:users:write:${hash}`).problems[0] ?? '',
    /repeats the name "a"/,
  );
  assert.match(
    parseApiKeys('a:users:admin:' + hash).problems[0] ?? '',
    /Entry 1 is not name:scope:sha256hex/,
  );
  assert.throws(
    () => loadServiceConfig({ OKTA_DOMAIN: 'a.okta.com', OKTA_CLIENT_ID: 'x', OKTA_PRIVATE_KEY_PATH: '/k' }),
    /API_KEYS: Required/,
  );
});

void test('generated keys match their own hash only; write includes read', () => {
  const r = generateApiKey('r', 'users:read');
  const w = generateApiKey('w', 'users:write');
  assert.match(r.key, /^usk_[A-Za-z0-9_-]{43}$/);
  assert.equal(r.entry, `r:users:read:${hashApiKey(r.key)}`);
  const keys = parseApiKeys(`${r.entry},${w.entry}`).keys;
  assert.equal(findApiKey(keys, r.key)?.name, 'r');
  assert.equal(findApiKey(keys, w.key)?.name, 'w');
  assert.equal(findApiKey(keys, `${r.key}x`), undefined);
  assert.equal(findApiKey(keys, ''), undefined);
  assert.ok(allows(keys[1]!, 'users:read') && !allows(keys[0]!, 'users:write'));
});

void test('the README configuration table lists every variable the service reads', async () => {
  const { readFileSync } = await import('node:fs');
  const { ENV_VARIABLES } = await import('okta-m2m/core');
  const { SERVICE_ENV } = await import('../src/config.js');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const listed = new Set([...readme.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]));
  for (const name of [...Object.values(ENV_VARIABLES), ...Object.keys(SERVICE_ENV)]) {
    assert.ok(listed.has(name), `${name} is in the README table`);
  }
});

void test('REDIS_URL needs TOKEN_STORE_KEY: missing, malformed or alone, each named with the fix, never echoed', () => {
  const base = {
    OKTA_DOMAIN: 'acme.okta.com',
    OKTA_CLIENT_ID: '0oa1',
    OKTA_PRIVATE_KEY_PATH: '/run/secrets/okta.pem',
    API_KEYS: `reporting:users:read:${hash}`,
  };
  const problems = (env: Record<string, string>): { variable: string; message: string }[] => {
    try {
      loadServiceConfig({ ...base, ...env });
    } catch (e) {
      assert.ok(e instanceof ServiceConfigError);
      return [...e.problems];
    }
    return [];
  };
  const missing = problems({ REDIS_URL: 'redis://:s3cret-pass@redis.internal:6379' });
  assert.deepEqual(
    missing.map((p) => p.variable),
    ['TOKEN_STORE_KEY'],
  );
  assert.match(missing[0]!.message, /Required with REDIS_URL.*openssl rand -base64 32/);

  const shortKey = 'c2hvcnQta2V5';
  const malformed = problems({ REDIS_URL: 'redis://127.0.0.1:6379', TOKEN_STORE_KEY: shortKey });
  assert.deepEqual(
    malformed.map((p) => p.variable),
    ['TOKEN_STORE_KEY'],
  );
  assert.match(malformed[0]!.message, /32 bytes as base64 .* got 12 characters.*openssl rand -base64 32/);
  assert.ok(!JSON.stringify(malformed).includes(shortKey), 'the key is not echoed');

  const key = Buffer.alloc(32, 7).toString('base64');
  const badUrl = problems({ REDIS_URL: 'http://user:s3cret-pass@redis:6379', TOKEN_STORE_KEY: key });
  assert.deepEqual(
    badUrl.map((p) => p.variable),
    ['REDIS_URL'],
  );
  assert.ok(!JSON.stringify(badUrl).includes('s3cret-pass'), 'the URL (and its password) is not echoed');

  const alone = problems({ TOKEN_STORE_KEY: key });
  assert.deepEqual(
    alone.map((p) => p.variable),
    ['TOKEN_STORE_KEY'],
  );
  assert.match(alone[0]!.message, /REDIS_URL is not/);

  const config = loadServiceConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379', TOKEN_STORE_KEY: key });
  assert.equal(config.tokenStore?.redisUrl, 'redis://127.0.0.1:6379');
  assert.deepEqual(config.tokenStore?.encryptionKey, Buffer.alloc(32, 7));
  assert.equal(loadServiceConfig(base).tokenStore, undefined, 'no REDIS_URL: tokens stay in the process');
});
