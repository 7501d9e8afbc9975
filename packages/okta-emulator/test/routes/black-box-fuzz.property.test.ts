/**
 * Black-box fuzz families (token endpoint, API auth, Users, Management): each run takes a request that the
 * emulator accepts and breaks it in one known way, so the oracle is simple and strict: a broken request is
 * never answered 2xx and never 5xx, and refused writes change nothing. Fixed seeds keep CI deterministic;
 * run counts stay modest so the suite stays fast.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import { DEFAULT_QUOTAS } from '../../src/state/rate-limits.js';
import { b64u, isOAuthErrorBody, isOktaErrorBody } from '../helpers/hostile-jwt.js';
import {
  ASSERTION_TYPE,
  ORG,
  TOKEN_URL,
  bearerToken,
  harness,
  type Harness,
  type TestApp,
} from '../helpers/platform-fixtures.js';

const SEED = 20260108;
/** Every bucket far above the run's traffic: a refusal must come from the checks, never from a 429. */
const QUOTAS = Object.fromEntries(Object.keys(DEFAULT_QUOTAS).map((bucket) => [bucket, 1_000_000]));

/** A refusal: 4xx other than 429 (never 2xx, never 5xx) with the error shape of its family and a request id. */
function assertRefused(res: LightMyRequestResponse, family: 'oauth' | 'okta', what: unknown): void {
  const text = `${res.statusCode} for ${JSON.stringify(what)?.slice(0, 300)}: ${res.body.slice(0, 300)}`;
  assert.ok(res.statusCode >= 400 && res.statusCode < 500 && res.statusCode !== 429, text);
  assert.match(String(res.headers['x-okta-request-id']), /^req/, text);
  if (res.body === '') {
    // The documented empty-body challenges (401/403 with WWW-Authenticate).
    assert.match(String(res.headers['www-authenticate']), /error="[a-z_]+"/, text);
    return;
  }
  assert.ok(family === 'oauth' ? isOAuthErrorBody(res.body) : isOktaErrorBody(res.body), text);
}

/** Names that a plain JavaScript object inherits: a lookup by request name must never reach them. */
const INHERITED = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__defineGetter__',
  '__lookupSetter__',
];

void describe('black-box fuzz families: no broken request is accepted, none yields a 500', () => {
  let h: Harness;
  let app: TestApp;
  let appKey: KeyObject;
  let readerToken: string;
  let now: number;
  const admin = () => ({ authorization: `SSWS ${h.emu.adminToken}` });

  before(async () => {
    h = await harness({ quotas: QUOTAS, seedUsers: 5, seed: 8 });
    app = await h.app({ dpop: false, scopes: ['okta.users.read', 'okta.users.manage'] });
    appKey = createPrivateKey(app.privateKeyPem);
    readerToken = await bearerToken(h, app);
    now = h.nowS();
  });
  after(() => h.close());

  const token = (body: string, contentType = 'application/x-www-form-urlencoded') =>
    h.emu.app.inject({
      method: 'POST',
      url: '/oauth2/v1/token',
      headers: { 'content-type': contentType },
      payload: body,
    });

  /** A correctly signed RS256 assertion for `app` with the given header and claims. */
  const signed = (header: Record<string, unknown>, claims: Record<string, unknown>) => {
    const input = `${b64u(header)}.${b64u(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), appKey).toString('base64url')}`;
  };
  const form = (clientAssertion: string) =>
    new URLSearchParams({
      grant_type: 'client_credentials',
      scope: 'okta.users.read',
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: clientAssertion,
    }).toString();

  void test('token endpoint: a granted request broken in one way (time claims, crit, aud, iss, kid, alg, signature, charset) is refused', async () => {
    let jti = 0;
    type Mutation = {
      header?: Record<string, unknown>;
      claims?: Record<string, unknown>;
      edit?: string;
      type?: string;
    };
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.integer({ min: 61, max: 10_000_000 }).map((s) => ({ claims: { nbf: now + s } })),
      fc.constantFrom<unknown>('soon', null, [], {}, true).map((nbf) => ({ claims: { nbf } })),
      fc.integer({ min: 61, max: 10_000_000 }).map((s) => ({ claims: { iat: now + s } })),
      fc.integer({ min: 60, max: 10_000_000 }).map((s) => ({ claims: { exp: now - s } })),
      fc.integer({ min: 3661, max: 10_000_000 }).map((s) => ({ claims: { exp: now + s } })),
      fc
        .constantFrom<unknown>(['urn:example:ext'], ['exp'], [], 'b64', null)
        .map((crit) => ({ header: { crit, 'urn:example:ext': 1 } })),
      fc
        .constantFrom<unknown>(ORG, `${TOKEN_URL}/`, [TOKEN_URL, ORG], null)
        .map((aud) => ({ claims: { aud } })),
      fc.constantFrom<unknown>('0oaNoSuchClient', '', null, 1).map((iss) => ({ claims: { iss, sub: iss } })),
      fc.constantFrom<unknown>('0oaNoSuchClient', null).map((sub) => ({ claims: { sub } })),
      fc.constantFrom<unknown>('unknown-kid', '', 1, null).map((kid) => ({ header: { kid } })),
      fc
        .constantFrom<unknown>('none', 'HS256', 'RS384', 'PS256', 'ES256')
        .map((alg) => ({ header: { alg } })),
      fc.integer({ min: 0, max: 300 }).map((i) => ({ edit: `flip:${i}` })),
      fc
        .constantFrom('utf-16', 'UTF-16LE', 'iso-8859-1', 'us-ascii', '"utf-32"')
        .map((cs) => ({ type: `application/x-www-form-urlencoded; charset=${cs}` })),
    );
    let controls = 0;
    await fc.assert(
      fc.asyncProperty(mutation, fc.boolean(), async (m, control) => {
        const claims = {
          iss: app.clientId,
          sub: app.clientId,
          aud: TOKEN_URL,
          iat: now,
          exp: now + 300,
          jti: `fuzz-${jti++}`,
        };
        if (control) {
          // The unbroken request gets a token: the mutations, not the harness, make the refusals.
          const res = await token(form(signed({ alg: 'RS256', kid: app.keyId }, claims)));
          assert.equal(res.statusCode, 200, res.body);
          controls++;
          return;
        }
        let jwt = signed({ alg: 'RS256', kid: app.keyId, ...m.header }, { ...claims, ...m.claims });
        if (m.edit !== undefined) {
          // Change one character of the signature (not its last, whose low bits base64url may ignore).
          const sig = jwt.lastIndexOf('.') + 1;
          const at = sig + (Number(m.edit.slice(5)) % (jwt.length - sig - 1));
          jwt = `${jwt.slice(0, at)}${jwt[at] === 'A' ? 'B' : 'A'}${jwt.slice(at + 1)}`;
        }
        const res = await token(form(jwt), m.type);
        assertRefused(res, 'oauth', m);
      }),
      { seed: SEED, numRuns: 150 },
    );
    assert.ok(controls > 10, `only ${controls} control requests`);
  });

  void test('API auth: the reader token or admin token changed in one character, cut or extended is refused', async () => {
    const credential = fc.constantFrom(
      (): string => `Bearer ${readerToken}`,
      (): string => `SSWS ${h.emu.adminToken}`,
    );
    const edit = fc.oneof(
      fc
        .tuple(fc.nat(), fc.constantFrom('A', 'z', '0', '-', '_', '.', ' '))
        .map(([i, c]) => ({ kind: 'set' as const, i, c })),
      fc.nat().map((i) => ({ kind: 'cut' as const, i, c: '' })),
      fc.constantFrom('x', '.', '=', '%00', 'A'.repeat(64)).map((c) => ({ kind: 'add' as const, i: 0, c })),
    );
    await fc.assert(
      fc.asyncProperty(credential, edit, async (make, e) => {
        const original = make();
        const start = original.indexOf(' ') + 1;
        const span = original.length - start;
        let changed: string;
        if (e.kind === 'set') {
          const at = start + (e.i % span);
          changed = `${original.slice(0, at)}${e.c}${original.slice(at + 1)}`;
        } else if (e.kind === 'cut') {
          changed = original.slice(0, start + (e.i % span));
        } else {
          changed = original + e.c;
        }
        if (changed === original || changed.trimEnd() === original) return;
        const res = await h.emu.app.inject({
          method: 'GET',
          url: '/api/v1/users?limit=1',
          headers: { authorization: changed },
        });
        assertRefused(res, 'okta', e);
      }),
      { seed: SEED + 1, numRuns: 150 },
    );
  });

  void test('Users: inherited names in search, filters and profiles, non-string or control-character names → no 500, nothing accepted', async () => {
    const before = [...h.emu.state.users.all()].length;
    const op = fc.constantFrom('eq "x"', 'sw "f"', 'gt "a"', 'lt "z"', 'pr', 'co "o"', 'ge "0"');
    const search = fc
      .tuple(fc.constantFrom(...INHERITED), op, fc.boolean())
      .map(([name, o, deep]) => `profile.${name}${deep ? '.x' : ''} ${o}`);
    await fc.assert(
      fc.asyncProperty(search, async (expression) => {
        const res = await h.emu.app.inject({
          method: 'GET',
          url: `/api/v1/users?search=${encodeURIComponent(expression)}`,
          headers: admin(),
        });
        if (res.statusCode === 200) {
          // A well-formed search on an attribute no user has: it matches nothing.
          assert.deepEqual(res.json(), [], expression);
        } else {
          assertRefused(res, 'okta', expression);
        }
      }),
      { seed: SEED + 2, numRuns: 100 },
    );

    const badProfile = fc.oneof(
      fc.constantFrom(...INHERITED).map((name) => JSON.stringify({ [name]: 'x' }).slice(1, -1)),
      fc
        .tuple(
          fc.constantFrom('firstName', 'lastName', 'email', 'login'),
          fc.constantFrom<unknown>(1, 0, true, false, [], {}, ['a']),
        )
        .map(([name, value]) => JSON.stringify({ [name]: value }).slice(1, -1)),
      fc
        .tuple(
          fc.constantFrom('firstName', 'lastName', 'nickName', 'title'),
          fc.integer({ min: 0, max: 0x9f }).filter((c) => c < 0x20 || c >= 0x7f),
        )
        .map(([name, code]) => JSON.stringify({ [name]: `Ada${String.fromCharCode(code)}` }).slice(1, -1)),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(badProfile, async (member) => {
        const login = `fuzz.${n++}@example.com`;
        const base = `"login":"${login}","email":"${login}","firstName":"F","lastName":"L"`;
        // The broken member comes last so it wins over the base member of the same name.
        const res = await h.emu.app.inject({
          method: 'POST',
          url: '/api/v1/users?activate=false',
          headers: { ...admin(), 'content-type': 'application/json' },
          payload: `{"profile":{${base},${member}}}`,
        });
        assertRefused(res, 'okta', member);
      }),
      { seed: SEED + 3, numRuns: 100 },
    );
    assert.equal([...h.emu.state.users.all()].length, before, 'no refused user was stored');
  });

  void test('Management: forged JWKS keys, foreign resource URLs and non-UTF-8 bodies are refused and change nothing', async () => {
    const jwksUrl = `/api/v1/apps/${app.appId}/credentials/jwks`;
    const keysBefore = (await h.emu.app.inject({ method: 'GET', url: jwksUrl, headers: admin() })).body;
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsa: Record<string, unknown> = {
      ...(publicKey.export({ format: 'jwk' }) as Record<string, unknown>),
      use: 'sig',
      alg: 'RS256',
    };
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
      format: 'jwk',
    }) as Record<string, unknown>;
    const forged = fc.oneof(
      fc.constantFrom<unknown>('AA', 'AQ', 'Aw', 'AQAB=', 'AQ+B', '', 1, null).map((e) => ({ ...rsa, e })),
      fc.constantFrom<unknown>('enc', 'ENC', '', null, 1).map((use) => ({ ...rsa, use })),
      fc.integer({ min: 1, max: 6000 }).map((len) => ({ ...rsa, n: 'z'.repeat(len) })),
      fc.constantFrom('n!', 'n+/=', 'n n').map((n) => ({ ...rsa, n })),
      fc
        .constantFrom<Record<string, unknown>>({ crv: 'P-256' }, { x: ecKey.x }, { d: 'AQAB' })
        .map((extra) => ({ ...rsa, ...extra })),
      fc
        .constantFrom<Record<string, unknown>>({ n: rsa.n }, { e: 'AQAB' }, { crv: 'P-384' }, { y: ecKey.x })
        .map((extra) => ({ ...ecKey, ...extra })),
      fc.constantFrom<unknown>(['Z2FyYmFnZQ=='], ['!!'], 'x5c', [], [1]).map((x5c) => ({ ...rsa, x5c })),
      fc.constantFrom(...INHERITED, 'oct', 'OKP', 'rsa').map((kty) => ({ ...rsa, kty })),
    );
    let kid = 0;
    await fc.assert(
      fc.asyncProperty(forged, async (jwk) => {
        const res = await h.emu.app.inject({
          method: 'POST',
          url: jwksUrl,
          headers: admin(),
          payload: { ...(jwk as object), kid: `forged-${kid++}` },
        });
        assertRefused(res, 'okta', jwk);
      }),
      { seed: SEED + 4, numRuns: 100 },
    );
    assert.equal(
      (await h.emu.app.inject({ method: 'GET', url: jwksUrl, headers: admin() })).body,
      keysBefore,
    );

    const setsBefore = h.emu.state.resourceSets.all().length;
    const resource = fc.oneof(
      fc
        .constantFrom(
          'http://evil.example',
          'https://dev-1.okta.com',
          `${ORG}.evil.example`,
          `http://user@${new URL(ORG).host}`,
        )
        .map((origin) => `${origin}/api/v1/users`),
      fc
        .constantFrom('/../apps', '/%2e%2e/apps', '/./', '/%2E/x')
        .map((tail) => `${ORG}/api/v1/users${tail}`),
      fc.constantFrom('javascript:alert(1)', 'orn:okta:directory:other:users', '', 'users').map((s) => s),
    );
    let label = 0;
    await fc.assert(
      fc.asyncProperty(resource, async (url) => {
        const res = await h.emu.app.inject({
          method: 'POST',
          url: '/api/v1/iam/resource-sets',
          headers: admin(),
          payload: { label: `fuzz-${label++}`, description: 'fuzz', resources: [url] },
        });
        assertRefused(res, 'okta', url);
      }),
      { seed: SEED + 5, numRuns: 60 },
    );
    assert.equal(h.emu.state.resourceSets.all().length, setsBefore);

    const groupsBefore = h.emu.state.groups.all().length;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('utf-16', 'UTF-16BE', 'latin1', 'iso-8859-1', 'windows-1252', '"utf-32"', 'x'),
        fc.constantFrom('/api/v1/groups', '/api/v1/users', '/api/v1/iam/resource-sets'),
        async (charset, url) => {
          const res = await h.emu.app.inject({
            method: 'POST',
            url,
            headers: { ...admin(), 'content-type': `application/json; charset=${charset}` },
            payload: JSON.stringify({ profile: { name: `cs-${charset}` } }),
          });
          assertRefused(res, 'okta', { charset, url });
        },
      ),
      { seed: SEED + 6, numRuns: 40 },
    );
    assert.equal(h.emu.state.groups.all().length, groupsBefore);
  });
});
