import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import {
  HUGE,
  b64u,
  compactJwt,
  garbageToken,
  hostileValue,
  isOAuthErrorBody,
  usually,
  isOktaErrorBody,
  malformedJwk,
  mostlyValid,
  signatureMode,
} from '../helpers/hostile-jwt.js';
import {
  ASSERTION_TYPE,
  ORG,
  TOKEN_URL,
  assertion,
  harness,
  tokenForm,
  type Harness,
  type TestApp,
} from '../helpers/platform-fixtures.js';

/** Quotas high enough that the properties test the endpoint, not the rate limiter. */
const QUOTAS = { '/oauth2/v1/token': 1_000_000 };
/** A scope the test apps are not granted: even a fully valid request ends in a 400, never a token. */
const UNGRANTED = 'okta.groups.read';
const SEED = 20260101;

/** Status 4xx, JSON `{error, error_description}` (Okta's error object for a 429), a request id. */
function assertTokenError(res: LightMyRequestResponse, input: unknown): void {
  const what = JSON.stringify(input)?.slice(0, 300);
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} for ${what}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/json/, `${what}: ${res.body}`);
  if (res.statusCode === 429) assert.ok(isOktaErrorBody(res.body), res.body);
  else assert.ok(isOAuthErrorBody(res.body), `${what}: ${res.body}`);
  assert.match(String(res.headers['x-okta-request-id']), /^req/);
}

void describe('POST /oauth2/v1/token: hostile input never yields a 500 (property tests)', () => {
  let h: Harness;
  let bearerApp: TestApp;
  let dpopApp: TestApp;
  let bearerKey: KeyObject;
  let proofKey: KeyObject;
  let proofJwk: Record<string, unknown>;
  let bearerAssertion: string;
  let dpopAssertion: string;
  let now: number;

  before(async () => {
    h = await harness({ quotas: QUOTAS });
    bearerApp = await h.app({ dpop: false, scopes: ['okta.users.read'] });
    dpopApp = await h.app({ scopes: ['okta.users.read'] });
    bearerKey = createPrivateKey(bearerApp.privateKeyPem);
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    proofKey = pair.privateKey;
    proofJwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    // Without a jti these stay reusable for the whole (fixed-clock) run.
    bearerAssertion = await assertion(h, bearerApp, { jti: undefined });
    dpopAssertion = await assertion(h, dpopApp, { jti: undefined });
    now = h.nowS();
  });
  after(() => h.close());

  const post = (
    payload: string | Buffer | undefined,
    headers: Record<string, string | string[]>,
    query = '',
  ): Promise<LightMyRequestResponse> =>
    h.emu.app.inject({
      method: 'POST',
      url: `/oauth2/v1/token${query}`,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
  const form = (values: Record<string, string>) => new URLSearchParams(values).toString();
  const FORM_TYPE = { 'content-type': 'application/x-www-form-urlencoded' };

  void test('client_assertion: garbage and structured-but-wrong JWTs → 4xx OAuth errors', async () => {
    const header = usually(
      fc.record(
        {
          alg: usually(
            fc.constant('RS256'),
            fc.oneof(fc.constantFrom('none', 'HS256', 'ES256', 'RS512', 'rs256', 'PS256'), hostileValue),
          ),
          kid: mostlyValid(fc.constant(bearerApp.keyId)),
          typ: fc.option(hostileValue, { nil: undefined }),
          jwk: fc.option(hostileValue, { nil: undefined }),
        },
        { requiredKeys: ['alg', 'kid'] },
      ),
      hostileValue,
      0.9,
    );
    const audience = usually(
      fc.constant(TOKEN_URL),
      fc.oneof(
        fc.constantFrom<unknown>(
          [TOKEN_URL],
          [TOKEN_URL, TOKEN_URL],
          [[TOKEN_URL]],
          [{ aud: TOKEN_URL }],
          [null],
          [],
          ORG,
          `${TOKEN_URL}/`,
          TOKEN_URL.toUpperCase(),
        ),
        fc.array(hostileValue, { maxLength: 3 }),
        hostileValue,
      ),
    );
    const payload = usually(
      fc.record({
        iss: mostlyValid(fc.constant(bearerApp.clientId)),
        sub: mostlyValid(fc.constant(bearerApp.clientId)),
        aud: audience,
        exp: mostlyValid(fc.integer({ min: now - 30, max: now + 3600 })),
        iat: mostlyValid(fc.integer({ min: now - 600, max: now + 30 })),
        jti: mostlyValid(fc.uuid()),
        nbf: fc.option(hostileValue, { nil: undefined }),
      }),
      hostileValue,
      0.9,
    );
    const clientAssertion = usually(
      fc.tuple(header, payload, signatureMode).map(([hd, pl, mode]) => compactJwt(hd, pl, mode, bearerKey)),
      garbageToken,
      0.85,
    );
    await fc.assert(
      fc.asyncProperty(clientAssertion, fc.boolean(), async (jwt, withClientId) => {
        const values = {
          ...tokenForm(jwt, UNGRANTED),
          ...(withClientId ? { client_id: bearerApp.clientId } : {}),
        };
        assertTokenError(await post(form(values), FORM_TYPE), jwt);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  void test('form bodies: duplicates, missing fields, huge values, non-UTF-8, JSON, wrong content types → 4xx OAuth errors', async () => {
    const name = fc.oneof(
      fc.constantFrom(
        'grant_type',
        'scope',
        'client_assertion',
        'client_assertion_type',
        'client_id',
        'client_secret',
        '__proto__',
        'constructor',
        'hasOwnProperty',
        '',
      ),
      fc.string({ maxLength: 10 }),
    );
    const value = fc.oneof(
      fc.constantFrom(
        'client_credentials',
        'password',
        'authorization_code',
        'urn:ietf:params:oauth:grant-type:jwt-bearer',
        ASSERTION_TYPE,
        bearerAssertion,
        bearerApp.clientId,
        UNGRANTED,
        'openid okta.users.read',
        'okta.users.read.self',
        'profile',
        '',
        ' ',
        'x'.repeat(70_000),
      ),
      fc.string({ maxLength: 50 }),
      fc.string({ unit: 'grapheme', maxLength: 30 }),
    );
    // A valid-looking form whose fields are each kept, dropped, replaced or duplicated, plus stray fields.
    const field = (n: string, v: string) =>
      usually(
        fc.constant<[string, string][]>([[n, v]]),
        fc.oneof(
          fc.constant<[string, string][]>([]),
          value.map((x): [string, string][] => [[n, x]]),
          value.map((x): [string, string][] => [
            [n, v],
            [n, x],
          ]),
        ),
        0.7,
      );
    const base = tokenForm(bearerAssertion, UNGRANTED);
    const pairs = fc
      .tuple(
        fc.tuple(...Object.entries(base).map(([n, v]) => field(n, v))),
        fc.array(fc.tuple(name, value), { maxLength: 3 }),
      )
      .map(([fields, extra]) => [...fields.flat(), ...extra]);
    const body = usually(
      pairs.map((p) => new URLSearchParams(p).toString()),
      fc.oneof(
        // Raw, unencoded pairs: stray `%`, `&`, `=` and unicode as sent.
        pairs.map((p) => p.map(([n, v]) => `${n}=${v}`).join('&')),
        pairs.map((p) => JSON.stringify(Object.fromEntries(p))),
        fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
        fc
          .tuple(pairs, fc.uint8Array({ minLength: 1, maxLength: 40 }))
          .map(([p, bytes]) =>
            Buffer.concat([
              Buffer.from(`${new URLSearchParams(p).toString()}&grant_type=`),
              Buffer.from(bytes),
              Buffer.from('&scope=%FF%FE%C3%28'),
            ]),
          ),
        fc.constantFrom<string | undefined>('', undefined, '=', '&&&', '%', 'grant_type', '{}', 'null'),
      ),
      0.6,
    );
    const contentType = usually(
      fc.constant<string | undefined>('application/x-www-form-urlencoded'),
      fc.oneof(
        fc.constantFrom<string | undefined>(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=utf-8',
          'application/x-www-form-urlencoded; charset=iso-8859-1',
          'APPLICATION/X-WWW-FORM-URLENCODED',
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'multipart/form-data; boundary=x',
          'application/octet-stream',
          undefined,
          '',
          ';',
          'application/x-www-form-urlencoded;;',
          'a/b/c',
          '*/*',
        ),
        fc.string({ maxLength: 30 }),
      ),
      0.6,
    );
    const authorization = fc.option(
      fc.oneof(
        fc.uint8Array({ maxLength: 60 }).map((u) => `Basic ${Buffer.from(u).toString('base64')}`),
        fc.constantFrom(
          'Basic',
          'Basic %',
          `Basic ${Buffer.from(`${bearerApp.clientId}:secret`).toString('base64')}`,
          `Basic ${Buffer.from('%E0%A4%A:x').toString('base64')}`,
          'Bearer x',
          'DPoP x',
        ),
        fc.string({ maxLength: 40 }),
      ),
      { nil: undefined },
    );
    const query = fc.constantFrom(
      '',
      '',
      '?client_assertion=x',
      '?client_secret=s',
      '?grant_type=client_credentials',
      '?a=%zz',
      '?client_assertion',
      '?__proto__[x]=1',
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, authorization, query, async (payload, type, auth, q) => {
        const headers: Record<string, string> = {};
        if (type !== undefined) headers['content-type'] = type;
        if (auth !== undefined) headers.authorization = auth;
        const res = await post(payload, headers, q);
        assertTokenError(res, { payload: payload?.slice(0, 200).toString(), type, auth, q });
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  void test('DPoP headers: garbage, several proofs, malformed jwk, wrong typ/htm/htu → 4xx OAuth errors', async () => {
    const nonce = h.emu.state.currentNonce();
    const proofHeader = usually(
      fc.record(
        {
          typ: mostlyValid(fc.constant('dpop+jwt')),
          alg: usually(
            fc.constant('ES256'),
            fc.oneof(fc.constantFrom('none', 'HS256', 'RS256', 'ES384', 'ES512'), hostileValue),
          ),
          jwk: usually(fc.constant(proofJwk), malformedJwk(proofJwk), 0.6),
          kid: fc.option(hostileValue, { nil: undefined }),
        },
        { requiredKeys: ['typ', 'alg', 'jwk'] },
      ),
      hostileValue,
      0.9,
    );
    const htu = usually(
      fc.constant(TOKEN_URL),
      fc.oneof(
        fc.constantFrom(
          `${TOKEN_URL}?a=1`,
          `${TOKEN_URL}#x`,
          'HTTP://127.0.0.1:8080/oauth2/v1/token',
          `${TOKEN_URL}/`,
          'javascript:alert(1)',
          'http://[::1',
          '%zz',
          `${ORG}/oauth2/v1/%E0%A4%A`,
          `${ORG}/oauth2/v1/token%`,
          HUGE,
        ),
        hostileValue,
      ),
    );
    const proofPayload = usually(
      fc.record({
        htm: usually(
          mostlyValid(fc.constant('POST')),
          fc.constantFrom<unknown>('post', 'GET', ['POST']),
          0.9,
        ),
        htu,
        iat: mostlyValid(fc.integer({ min: now - 400, max: now + 90 }), 0.9),
        jti: mostlyValid(fc.uuid(), 0.9),
        exp: usually(fc.constant(undefined), fc.oneof(hostileValue, fc.constant(now + 60)), 0.9),
        nonce: mostlyValid(fc.constant(nonce), 0.9),
        ath: fc.option(hostileValue, { nil: undefined }),
      }),
      hostileValue,
      0.9,
    );
    const structured = fc
      .tuple(proofHeader, proofPayload, signatureMode)
      .map(([hd, pl, mode]) => compactJwt(hd, pl, mode, proofKey));
    const dpop = usually(
      structured,
      fc.oneof(garbageToken, fc.array(fc.oneof(structured, garbageToken), { minLength: 2, maxLength: 3 })),
    );
    await fc.assert(
      fc.asyncProperty(dpop, async (header) => {
        const res = await post(form(tokenForm(dpopAssertion, UNGRANTED)), { ...FORM_TYPE, dpop: header });
        assertTokenError(res, header);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  void describe('targeted nasty inputs', () => {
    void test('a 1 MB form body → 413 invalid_request, JSON', async () => {
      const res = await post(
        form({ grant_type: 'client_credentials', scope: 'x'.repeat(1024 * 1024) }),
        FORM_TYPE,
      );
      assertTokenError(res, '1 MB');
      assert.equal(res.statusCode, 413);
      assert.deepEqual(res.json(), {
        error: 'invalid_request',
        error_description: 'The request body is too large.',
      });
    });

    void test('regression: a valid assertion whose jti is {"toString":1} → no 500; the jti is single-use', async () => {
      // String(jti) threw on this object and the request ended in a 500.
      const jwt = await assertion(h, bearerApp, { jti: { toString: 1 } });
      const first = await post(form(tokenForm(jwt, UNGRANTED)), FORM_TYPE);
      assertTokenError(first, 'jti toString');
      assert.equal((first.json() as { error: string }).error, 'consent_required');
      const again = await post(form(tokenForm(jwt, UNGRANTED)), FORM_TYPE);
      assert.deepEqual(again.json(), {
        error: 'invalid_client',
        error_description: 'The client_assertion token has already been used.',
      });
    });

    void test('a 100 KB Authorization header → 401 invalid_client', async () => {
      const res = await post(form({ grant_type: 'client_credentials', scope: UNGRANTED }), {
        ...FORM_TYPE,
        authorization: `Basic ${'QUFB'.repeat(25_600)}`,
      });
      assertTokenError(res, '100 KB authorization');
      assert.equal(res.statusCode, 401);
      assert.equal((res.json() as { error: string }).error, 'invalid_client');
    });

    void test('a 100 KB DPoP header → 400 "The DPoP proof JWT cannot be parsed."', async () => {
      const res = await post(form(tokenForm(dpopAssertion, UNGRANTED)), {
        ...FORM_TYPE,
        dpop: `${b64u({ typ: 'dpop+jwt' })}.${'A'.repeat(100 * 1024)}.sig`,
      });
      assertTokenError(res, '100 KB dpop');
      assert.deepEqual(res.json(), {
        error: 'invalid_dpop_proof',
        error_description: 'The DPoP proof JWT cannot be parsed.',
      });
    });

    void test('a signed proof whose jwk is not a point on P-256 → 400 "The DPoP proof JWT is invalid."', async () => {
      const jwk = { kty: 'EC', crv: 'P-256', x: b64u(Buffer.alloc(32, 1)), y: b64u(Buffer.alloc(32, 2)) };
      const jwt = compactJwt(
        { typ: 'dpop+jwt', alg: 'ES256', jwk },
        { htm: 'POST', htu: TOKEN_URL, iat: now, jti: 'p1' },
        'real',
        proofKey,
      );
      const res = await post(form(tokenForm(dpopAssertion, UNGRANTED)), { ...FORM_TYPE, dpop: jwt });
      assertTokenError(res, 'invalid point');
      assert.deepEqual(res.json(), {
        error: 'invalid_dpop_proof',
        error_description: 'The DPoP proof JWT is invalid.',
      });
    });
  });
});
