import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig, DEFAULT_SCOPES, type OktaClientOptions } from '../src/config.js';
import { fromEnv } from '../src/config-env.js';
import { ConfigError } from '../src/errors.js';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----';
const base: OktaClientOptions = { orgUrl: 'https://acme.okta.com', clientId: '0oa1', privateKey: PEM };

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.code, 'OKTA_M2M_CONFIG');
    return e;
  }
  assert.fail('expected a ConfigError');
}

void describe('resolveConfig', () => {
  void test('defaults: token endpoint, audience, scopes, lifetime, dpop auto', () => {
    const c = resolveConfig(base);
    assert.equal(c.orgUrl.href, 'https://acme.okta.com/');
    assert.equal(c.tokenEndpoint.href, 'https://acme.okta.com/oauth2/v1/token');
    assert.equal(c.audience, 'https://acme.okta.com/oauth2/v1/token');
    assert.deepEqual(c.scopes, DEFAULT_SCOPES);
    assert.equal(c.assertionLifetimeSeconds, 300);
    assert.deepEqual(c.dpop, { mode: 'auto', key: undefined, keyPath: undefined, alg: undefined });
    assert.equal(c.refreshAheadSeconds, 300);
    assert.equal(c.requireAllScopes, false);
    assert.equal(c.allowInsecureKeyFile, false);
  });

  void test('orgUrl: bare host is https, trailing slashes dropped', () => {
    assert.equal(
      resolveConfig({ ...base, orgUrl: 'acme.okta.com' }).tokenEndpoint.href,
      'https://acme.okta.com/oauth2/v1/token',
    );
    assert.equal(
      resolveConfig({ ...base, orgUrl: 'https://acme.okta.com//' }).tokenEndpoint.href,
      'https://acme.okta.com/oauth2/v1/token',
    );
  });

  void test('http is allowed for loopback hosts only', () => {
    for (const host of ['127.0.0.1:8080', 'localhost:3000', '[::1]:9000']) {
      assert.equal(resolveConfig({ ...base, orgUrl: `http://${host}` }).orgUrl.protocol, 'http:');
    }
    const e = configError(() => resolveConfig({ ...base, orgUrl: 'http://acme.okta.com' }));
    assert.equal(e.problems[0]!.option, 'orgUrl');
    assert.match(e.problems[0]!.message, /https/);
  });

  void test('tokenEndpoint override for another authorization server; audience follows it', () => {
    const c = resolveConfig({ ...base, tokenEndpoint: 'https://as.example.com/oauth2/default/v1/token' });
    assert.equal(c.tokenEndpoint.href, 'https://as.example.com/oauth2/default/v1/token');
    assert.equal(c.audience, c.tokenEndpoint.href);
  });

  void test('every problem is reported at once, each naming the option and the fix', () => {
    const e = configError(() =>
      resolveConfig({
        orgUrl: 'https://acme.okta.com/oauth2/default',
        clientId: '',
        scopes: ['openid', 'okta.users.read okta.users.manage'],
        assertionLifetimeSeconds: 7200,
        dpop: 'sometimes' as never,
        refreshAheadSeconds: -1,
        transport: { timeoutMs: 0, retry: { maxAttempts: 0 } },
        clientID: 'x',
      } as OktaClientOptions),
    );
    const options = e.problems.map((p) => p.option);
    assert.deepEqual(options.sort(), [
      'assertionLifetimeSeconds',
      'clientID',
      'clientId',
      'dpop',
      'orgUrl',
      'privateKey',
      'refreshAheadSeconds',
      'scopes',
      'scopes',
      'transport.retry',
      'transport.timeoutMs',
    ]);
    const byOption = (o: string) =>
      e.problems
        .filter((p) => p.option === o)
        .map((p) => p.message)
        .join(' | ');
    assert.match(byOption('orgUrl'), /without a path.*tokenEndpoint/);
    assert.match(byOption('clientID'), /Did you mean clientId/);
    assert.match(byOption('privateKey'), /privateKeyPath/);
    assert.match(byOption('assertionLifetimeSeconds'), /1 to 3300 .*fast host clock/);
    assert.match(byOption('scopes'), /openid/);
    assert.match(byOption('scopes'), /one scope per entry/);
    // The message lists every problem too.
    for (const p of e.problems) assert.ok(e.message.includes(`${p.option}: ${p.message}`));
  });

  void test('the issuer as audience is refused for Okta (org authorization server)', () => {
    const e = configError(() => resolveConfig({ ...base, audience: 'https://acme.okta.com' }));
    assert.equal(e.problems[0]!.option, 'audience');
    assert.match(e.problems[0]!.message, /token endpoint URL https:\/\/acme\.okta\.com\/oauth2\/v1\/token/);
  });

  void test('both privateKey and privateKeyPath is a problem', () => {
    const e = configError(() => resolveConfig({ ...base, privateKeyPath: '/k.pem' }));
    assert.match(e.problems[0]!.message, /not both/);
  });

  void test('dpop object form means DPoP with that key', () => {
    assert.deepEqual(resolveConfig({ ...base, dpop: { alg: 'ES256' } }).dpop, {
      mode: true,
      key: undefined,
      keyPath: undefined,
      alg: 'ES256',
    });
    const e = configError(() => resolveConfig({ ...base, dpop: { alg: 'HS256' as never } }));
    assert.match(e.problems[0]!.message, /dpop\.alg/);
  });

  void test('problems never echo the private key', () => {
    const e = configError(() => resolveConfig({ ...base, clientId: '', privateKeyPath: '/x' }));
    assert.ok(!e.message.includes('MIIB'));
  });
});

void describe('fromEnv', () => {
  const env = {
    OKTA_DOMAIN: 'acme.okta.com',
    OKTA_CLIENT_ID: '0oa1',
    OKTA_KEY_ID: 'kid-1',
    OKTA_PRIVATE_KEY_PATH: '/run/secrets/okta.pem',
  };

  void test('reads the guide variables; scopes space or comma separated', () => {
    const o = fromEnv({ ...env, OKTA_SCOPES: 'okta.users.read, okta.users.manage', OKTA_DPOP: 'false' });
    assert.equal(o.orgUrl, 'acme.okta.com');
    assert.equal(o.clientId, '0oa1');
    assert.equal(o.keyId, 'kid-1');
    assert.equal(o.privateKeyPath, '/run/secrets/okta.pem');
    assert.deepEqual(o.scopes, ['okta.users.read', 'okta.users.manage']);
    assert.equal(o.dpop, false);
    assert.deepEqual(fromEnv({ ...env, OKTA_SCOPES: 'a b' }).scopes, ['a', 'b']);
    const c = resolveConfig(o);
    assert.equal(c.tokenEndpoint.href, 'https://acme.okta.com/oauth2/v1/token');
  });

  void test('OKTA_PRIVATE_KEY holds the key itself; escaped newlines are restored', () => {
    const { OKTA_PRIVATE_KEY_PATH: _drop, ...rest } = env;
    const o = fromEnv({ ...rest, OKTA_PRIVATE_KEY: PEM.replace(/\n/g, '\\n') });
    assert.equal(o.privateKey, PEM);
  });

  void test('OKTA_TOKEN_ENDPOINT and OKTA_AUDIENCE', () => {
    const o = fromEnv({
      ...env,
      OKTA_TOKEN_ENDPOINT: 'https://as.example.com/token',
      OKTA_AUDIENCE: 'https://as.example.com',
    });
    assert.equal(o.tokenEndpoint, 'https://as.example.com/token');
    assert.equal(o.audience, 'https://as.example.com');
  });

  void test('problems name the variables, all at once', () => {
    const e = configError(() =>
      fromEnv({ OKTA_DOMAIN: 'http://acme.okta.com', OKTA_DPOP: 'maybe', OKTA_SCOPES: 'openid' }),
    );
    assert.deepEqual(e.problems.map((p) => p.option).sort(), [
      'OKTA_CLIENT_ID',
      'OKTA_DOMAIN',
      'OKTA_DPOP',
      'OKTA_PRIVATE_KEY',
      'OKTA_SCOPES',
    ]);
    const key = e.problems.find((p) => p.option === 'OKTA_PRIVATE_KEY')!;
    assert.match(key.message, /OKTA_PRIVATE_KEY_PATH/);
    assert.match(e.problems.find((p) => p.option === 'OKTA_DPOP')!.message, /auto, true or false/);
  });

  void test('an empty environment names the required variables', () => {
    const e = configError(() => fromEnv({}));
    assert.deepEqual(e.problems.map((p) => p.option).sort(), [
      'OKTA_CLIENT_ID',
      'OKTA_DOMAIN',
      'OKTA_PRIVATE_KEY',
    ]);
  });

  void test('overrides merge over the environment and are named as options', () => {
    const o = fromEnv(env, { scopes: ['okta.users.read'] });
    assert.deepEqual(o.scopes, ['okta.users.read']);
    const exactHour = configError(() => fromEnv(env, { assertionLifetimeSeconds: 3600 }));
    assert.equal(exactHour.problems[0]!.option, 'assertionLifetimeSeconds', 'exactly 3600 leaves no margin');
    const e = configError(() => fromEnv(env, { assertionLifetimeSeconds: 0 }));
    assert.equal(e.problems[0]!.option, 'assertionLifetimeSeconds');
  });
});

void describe('DPoP key file', () => {
  void test('dpop: { keyPath } turns DPoP on; key and keyPath together are refused', () => {
    assert.deepEqual(resolveConfig({ ...base, dpop: { keyPath: '/run/secrets/dpop.pem' } }).dpop, {
      mode: true,
      key: undefined,
      keyPath: '/run/secrets/dpop.pem',
      alg: undefined,
    });
    const e = configError(() => resolveConfig({ ...base, dpop: { key: PEM, keyPath: '/x.pem' } }));
    assert.ok(e.problems.some((p) => p.option === 'dpop' && /not both/.test(p.message)));
    const empty = configError(() => resolveConfig({ ...base, dpop: { keyPath: ' ' } }));
    assert.ok(empty.problems.some((p) => /OKTA_DPOP_KEY_PATH/.test(p.message)));
  });

  void test('OKTA_DPOP_KEY_PATH sets the key file; with OKTA_DPOP=false it is a named problem', () => {
    const env = { OKTA_DOMAIN: 'acme.okta.com', OKTA_CLIENT_ID: '0oa1', OKTA_PRIVATE_KEY: PEM };
    assert.deepEqual(fromEnv({ ...env, OKTA_DPOP_KEY_PATH: '/k.pem' }).dpop, { keyPath: '/k.pem' });
    const e = configError(() => fromEnv({ ...env, OKTA_DPOP_KEY_PATH: '/k.pem', OKTA_DPOP: 'false' }));
    assert.ok(
      e.problems.some((p) => p.option === 'OKTA_DPOP_KEY_PATH' && /OKTA_DPOP is false/.test(p.message)),
    );
  });
});
