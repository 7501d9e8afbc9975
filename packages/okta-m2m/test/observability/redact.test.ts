import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { createSafeLogger } from '../../src/observability/logger.js';
import { REDACTED, redact, redactString } from '../../src/observability/redact.js';
import { OAuthError } from '../../src/errors.js';
import { capturingLogger } from '../helpers/token-fakes.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2ExIn0.c2lnbmF0dXJlLXZhbHVl';
const UNSIGNED = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIwb2ExIn0.';
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PEM = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const JWK = privateKey.export({ format: 'jwk' });

void test('JWTs in free text, signed or not', () => {
  assert.equal(redactString(`token ${JWT} end`), `token ${REDACTED} end`);
  assert.equal(redactString(`x ${UNSIGNED}`), `x ${REDACTED}`);
});

void test('host names and ordinary dotted text are left alone', () => {
  const text = 'POST https://dev-123.okta.com/oauth2/v1/token failed: a.b.c version 1.2.3';
  assert.equal(redactString(text), text);
});

void test('Authorization credentials in text: Bearer, DPoP, SSWS (opaque tokens too)', () => {
  assert.equal(redactString('Authorization: Bearer abcdefgh12345678'), `Authorization: Bearer ${REDACTED}`);
  assert.equal(redactString('DPoP opaque-token-value-xyz'), `DPoP ${REDACTED}`);
  assert.equal(redactString('SSWS 00abcdefghijklmnop'), `SSWS ${REDACTED}`);
});

void test('form bodies: client_assertion and access_token values', () => {
  const body = 'grant_type=client_credentials&client_assertion=abc.def&access_token=opaque123&scope=a';
  assert.equal(
    redactString(body),
    `grant_type=client_credentials&client_assertion=${REDACTED}&access_token=${REDACTED}&scope=a`,
  );
});

void test('PEM blocks', () => {
  const out = redactString(`key:\n${PEM}\nafter`);
  assert.ok(!out.includes('BEGIN PRIVATE KEY'));
  assert.ok(!out.includes(PEM.split('\n')[1]!));
  assert.match(out, /after$/);
});

void test('objects: header names, secret fields, JWK private members, nested and in arrays', () => {
  const input = {
    headers: { Authorization: 'Bearer opaque', DPoP: JWT, accept: 'application/json' },
    body: { access_token: 'opaque', token_type: 'Bearer', expires_in: 3600 },
    form: { client_assertion: 'x.y.z' },
    jwk: { ...JWK, kid: 'k1' },
    list: [{ privateKey: PEM }],
    dpop: 'auto',
  };
  const out = redact(input) as unknown as Record<string, Record<string, unknown>>;
  assert.equal(out['headers']!['Authorization'], REDACTED);
  assert.equal(out['headers']!['DPoP'], REDACTED);
  assert.equal(out['headers']!['accept'], 'application/json');
  assert.equal(out['body']!['access_token'], REDACTED);
  assert.equal(out['body']!['expires_in'], 3600);
  assert.equal(out['form']!['client_assertion'], REDACTED);
  assert.equal(out['jwk']!['d'], REDACTED);
  assert.equal(out['jwk']!['x'], JWK.x, 'public members stay');
  assert.equal(out['jwk']!['kid'], 'k1');
  assert.equal(out['dpop'] as unknown, 'auto', 'a short dpop setting is not a proof');
  const text = JSON.stringify(out);
  for (const secret of [JWT, JWK.d!, 'opaque', PEM.split('\n')[1]!])
    assert.ok(!text.includes(secret), secret);
  assert.equal(input.headers.Authorization, 'Bearer opaque', 'the input is not modified');
});

void test('errors become plain objects without their response; cycles are cut', () => {
  const err = new OAuthError(
    `failed with ${JWT}`,
    { status: 401, error: 'invalid_client' },
    {
      hint: 'fix it',
      response: {
        status: 401,
        headers: {},
        body: 'secret-body',
        url: new URL('https://acme.okta.com/oauth2/v1/token'),
      },
    },
  );
  const out = redact({ err }) as unknown as { err: Record<string, unknown> };
  assert.equal(out.err['name'], 'OAuthError');
  assert.equal(out.err['message'], `failed with ${REDACTED}`);
  assert.equal(out.err['hint'], 'fix it');
  assert.ok(!JSON.stringify(out).includes('secret-body'));
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic['self'] = cyclic;
  assert.deepEqual(redact(cyclic), { a: 1, self: '[Circular]' });
  assert.equal(redact({ key: privateKey } as unknown as Record<string, unknown>)['key'], REDACTED);
});

void test('createSafeLogger redacts objects and messages before the user logger sees them', () => {
  const sink = capturingLogger();
  const log = createSafeLogger(sink);
  log.warn({ headers: { authorization: `Bearer ${JWT}` } }, `failed with ${JWT}`);
  assert.equal(sink.entries.length, 1);
  assert.ok(!inspect(sink.entries, { depth: 10 }).includes(JWT));
  assert.equal(createSafeLogger(log), log, 'wrapping twice is harmless');
  assert.doesNotThrow(() => createSafeLogger(undefined).error({}, 'silent'));
});
