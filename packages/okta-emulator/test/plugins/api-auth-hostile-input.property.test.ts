import assert from 'node:assert/strict';
import { KeyObject } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import fc from 'fast-check';
import {
  HUGE,
  b64u,
  compactJwt,
  garbageToken,
  hostileValue,
  isOktaErrorBody,
  malformedJwk,
  mostlyValid,
  signatureMode,
  usually,
} from '../helpers/hostile-jwt.js';
import {
  ORG,
  ath,
  bearerToken,
  dpopKey,
  dpopToken,
  harness,
  type Harness,
} from '../helpers/platform-fixtures.js';

/** Quotas high enough that the properties test the API-auth hook, not the rate limiter. */
const QUOTAS = { '/api/v1': 1_000_000, 'GET|POST /api/v1/users': 1_000_000 };
const SEED = 20260102;
const USERS = '/api/v1/users';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The outcome of one request. `acceptable` says whether the input was a valid credential (and proof); an
 * invalid one must never be answered 2xx. A valid one gets 200 with a user list; every refusal is a 4xx
 * that is either Okta's error object or the documented empty-body challenge with a `WWW-Authenticate`
 * header; always a request id.
 */
function assertApiOutcome(res: LightMyRequestResponse, input: unknown, acceptable = false): void {
  const what = JSON.stringify(input)?.slice(0, 300);
  assert.match(String(res.headers['x-okta-request-id']), /^req/, what);
  if (res.statusCode >= 200 && res.statusCode < 300) {
    assert.ok(acceptable, `an invalid credential or proof was accepted (${res.statusCode}): ${what}`);
    assert.equal(res.statusCode, 200, what);
    assert.ok(Array.isArray(JSON.parse(res.body)), `${what}: ${res.body.slice(0, 200)}`);
    return;
  }
  assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${res.statusCode} for ${what}: ${res.body}`);
  if (res.body === '') {
    assert.ok([400, 401, 403].includes(res.statusCode), `${res.statusCode} for ${what}`);
    assert.match(String(res.headers['www-authenticate']), /^(Bearer|DPoP) .*error="[a-z_]+"/, what);
  } else {
    assert.match(String(res.headers['content-type']), /^application\/json/, what);
    assert.ok(isOktaErrorBody(res.body), `${what}: ${res.body}`);
  }
}

/** A generated `DPoP` header value and whether it is a valid proof for `GET /api/v1/users` with the bound token. */
interface GeneratedProof {
  dpop: string | string[];
  valid: boolean;
}

void describe('API-auth hook on /api/v1: no mutated header, token or proof is accepted, none yields a 500 (property tests)', () => {
  let h: Harness;
  let readerToken: string;
  let otherAppToken: string;
  let dpopAt: string;
  let proofKey: KeyObject;
  let proofJwk: Record<string, unknown>;
  let now: number;

  before(async () => {
    h = await harness({ quotas: QUOTAS, seedUsers: 3 });
    const reader = await h.app({ dpop: false, scopes: ['okta.users.read'] });
    // A token of another app that holds no users scope.
    const other = await h.app({ dpop: false, scopes: ['okta.apps.read'] });
    const dpopApp = await h.app({ scopes: ['okta.users.read'] });
    readerToken = await bearerToken(h, reader);
    otherAppToken = await bearerToken(h, other, 'okta.apps.read');
    const key = await dpopKey('ES256');
    dpopAt = await dpopToken(h, dpopApp, key);
    proofKey = KeyObject.from(key.privateKey);
    proofJwk = key.publicJwk as Record<string, unknown>;
    now = h.nowS();
  });
  after(() => h.close());

  const get = (headers: Record<string, string | string[]>, url = USERS) =>
    h.emu.app.inject({ method: 'GET', url, headers });

  /** Proofs for `GET /api/v1/users`, mostly valid so later checks (ath, jti, binding) run too. */
  function proofs(): fc.Arbitrary<GeneratedProof> {
    const header = usually(
      fc.record(
        {
          typ: mostlyValid(fc.constant('dpop+jwt'), 0.9),
          alg: usually(
            fc.constant('ES256'),
            fc.oneof(fc.constantFrom('none', 'HS256', 'RS256'), hostileValue),
          ),
          jwk: usually(fc.constant(proofJwk), malformedJwk(proofJwk), 0.6),
        },
        { requiredKeys: ['typ', 'alg', 'jwk'] },
      ),
      hostileValue,
      0.9,
    );
    const payload = usually(
      fc.record({
        htm: mostlyValid(fc.constant('GET'), 0.9),
        htu: usually(
          fc.constant(`${ORG}${USERS}`),
          fc.oneof(
            fc.constantFrom(`${ORG}${USERS}?limit=1`, `${ORG}/api/v1/users/`, `${ORG}/api/v1/%zz`, HUGE),
            hostileValue,
          ),
          0.9,
        ),
        iat: mostlyValid(fc.integer({ min: now - 400, max: now + 90 }), 0.9),
        jti: mostlyValid(fc.uuid(), 0.9),
        ath: usually(fc.constant(ath(dpopAt)), fc.oneof(hostileValue, fc.constant(ath(readerToken))), 0.85),
        exp: usually(fc.constant(undefined), hostileValue, 0.9),
      }),
      hostileValue,
      0.9,
    );
    const structured = fc.tuple(header, payload, signatureMode).map(([hd, pl, mode]) => ({
      dpop: compactJwt(hd, pl, mode, proofKey),
      valid: mode === 'real' && validProofParts(hd, pl),
    }));
    // Garbage and several proofs at once are never valid.
    const invalid = fc
      .oneof(
        garbageToken,
        fc.array(
          fc.oneof(
            structured.map((p) => p.dpop as string),
            garbageToken,
          ),
          { minLength: 2, maxLength: 3 },
        ),
      )
      .map((dpop) => ({ dpop, valid: false }));
    return usually<GeneratedProof, GeneratedProof>(structured, invalid);
  }

  /**
   * The oracle, from RFC 9449 and the emulator's documented limits (not from its code): the header is exactly
   * the generated key's (typ dpop+jwt, ES256, the public JWK), htm GET, htu the request URL (query ignored),
   * iat within five minutes back and 60 s ahead, a string jti, ath of the bound token, no exp.
   */
  function validProofParts(hd: unknown, pl: unknown): boolean {
    if (!isRecord(hd) || !isRecord(pl)) return false;
    const headerOk =
      Object.keys(hd).length === 3 &&
      hd.typ === 'dpop+jwt' &&
      hd.alg === 'ES256' &&
      isDeepStrictEqual(hd.jwk, proofJwk);
    const iat = pl.iat;
    return (
      headerOk &&
      pl.htm === 'GET' &&
      typeof pl.htu === 'string' &&
      pl.htu.split('?')[0] === `${ORG}${USERS}` &&
      typeof iat === 'number' &&
      iat >= now - 300 &&
      iat <= now + 60 &&
      typeof pl.jti === 'string' &&
      pl.ath === ath(dpopAt) &&
      pl.exp === undefined
    );
  }

  /**
   * True when an Authorization value is a valid credential for `GET /api/v1/users` (RFC 7235: the scheme is
   * case-insensitive and followed by whitespace): the admin API token, the reader's Bearer token, or the bound
   * token with the DPoP scheme and a valid proof.
   */
  function validAuthorization(
    auth: string | string[] | undefined,
    proof: GeneratedProof | undefined,
  ): boolean {
    if (typeof auth !== 'string') return false;
    const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(auth);
    if (!m) return false;
    const scheme = m[1]!.toLowerCase();
    const credential = m[2]!;
    if (scheme === 'ssws') return credential === h.emu.adminToken;
    if (scheme === 'bearer') return credential === readerToken;
    if (scheme === 'dpop') return credential === dpopAt && proof?.valid === true;
    return false;
  }

  void test('random Authorization headers: schemes, garbage, huge values, tokens of other apps', async () => {
    // Coherent scheme/token pairs (valid ones, tokens of other apps, bound tokens with the wrong scheme), each
    // part usually kept and otherwise replaced by something hostile.
    const pair = fc.constantFrom(
      ['SSWS', h.emu.adminToken],
      ['Bearer', readerToken],
      ['Bearer', otherAppToken],
      ['DPoP', dpopAt],
      ['Bearer', dpopAt],
      ['DPoP', readerToken],
    );
    const scheme = fc.oneof(
      fc.constantFrom('SSWS', 'Bearer', 'DPoP', 'bearer', 'dpop', 'ssws', 'Basic', 'Token', ''),
      fc.string({ maxLength: 12 }),
    );
    const separator = usually(fc.constant(' '), fc.constantFrom('  ', '\t', '', ' \t '), 0.7);
    const credential = fc.oneof(
      garbageToken,
      fc.constantFrom(
        `${h.emu.adminToken}x`,
        h.emu.adminToken.slice(0, -1),
        `${readerToken} ${readerToken}`,
        `${dpopAt}.`,
        'x'.repeat(100 * 1024),
        '',
        ' ',
      ),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
    );
    const single = fc
      .tuple(
        pair,
        usually(fc.constant(undefined), scheme, 0.7),
        separator,
        usually(fc.constant(undefined), credential, 0.6),
      )
      .map(([[s, c], s2, sep, c2]) => `${s2 ?? s}${sep}${c2 ?? c}`);
    const authorization = usually(
      single,
      fc.oneof(fc.array(single, { minLength: 2, maxLength: 3 }), fc.string({ maxLength: 80 })),
      0.8,
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.option(authorization, { nil: undefined }),
        fc.option(proofs(), { nil: undefined }),
        fc.constantFrom(USERS, `${USERS}?limit=1`, `${USERS}?after=%zz`),
        async (auth, proof, url) => {
          const headers: Record<string, string | string[]> = {};
          if (auth !== undefined) headers.authorization = auth;
          if (proof !== undefined) headers.dpop = proof.dpop;
          const acceptable = validAuthorization(auth, proof) && url !== `${USERS}?after=%zz`;
          const res = await get(headers, url);
          assertApiOutcome(res, { auth, dpop: proof?.dpop, url }, acceptable);
          if (acceptable) accepted++;
        },
      ),
      { seed: SEED, numRuns: 300 },
    );
    // The oracle is not vacuous: valid credentials were generated and accepted.
    assert.ok(accepted > 10, `only ${accepted} valid credentials in 300 runs`);
  });

  void test('a DPoP-bound token with random DPoP headers: 200 only for a valid proof, else a 4xx challenge or error', async () => {
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(proofs(), fc.constantFrom('DPoP', 'dpop', 'Bearer'), async (proof, scheme) => {
        const res = await get({ authorization: `${scheme} ${dpopAt}`, dpop: proof.dpop });
        const acceptable = proof.valid && scheme !== 'Bearer';
        assertApiOutcome(res, { dpop: proof.dpop, scheme }, acceptable);
        // A valid proof with the DPoP scheme is accepted (the oracle agrees with the emulator both ways).
        if (acceptable) {
          assert.equal(res.statusCode, 200, JSON.stringify(proof));
          valid++;
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
    assert.ok(valid > 10, `only ${valid} valid proofs in 300 runs`);
  });

  void describe('targeted nasty inputs', () => {
    void test('a 100 KB Authorization header → 401 E0000011', async () => {
      for (const auth of [`SSWS ${'A'.repeat(100 * 1024)}`, `Bearer ${'A'.repeat(100 * 1024)}`]) {
        const res = await get({ authorization: auth });
        assertApiOutcome(res, auth.slice(0, 10));
        assert.equal(res.statusCode, 401);
        assert.equal((res.json() as { errorCode: string }).errorCode, 'E0000011');
      }
    });

    void test('a 100 KB DPoP header with a bound token → 400, empty body, "cannot be parsed" challenge', async () => {
      const res = await get({
        authorization: `DPoP ${dpopAt}`,
        dpop: `${b64u({ typ: 'dpop+jwt' })}.${'A'.repeat(100 * 1024)}.sig`,
      });
      assertApiOutcome(res, '100 KB dpop');
      assert.equal(res.statusCode, 400);
      assert.match(
        String(res.headers['www-authenticate']),
        /error_description="The DPoP proof JWT cannot be parsed."/,
      );
    });

    void test('a signed proof whose jwk is not a point on P-256 → 400, empty body, invalid_dpop_proof', async () => {
      const jwk = { kty: 'EC', crv: 'P-256', x: b64u(Buffer.alloc(32, 1)), y: b64u(Buffer.alloc(32, 2)) };
      const proof = compactJwt(
        { typ: 'dpop+jwt', alg: 'ES256', jwk },
        { htm: 'GET', htu: `${ORG}${USERS}`, iat: now, jti: 'bad-point', ath: ath(dpopAt) },
        'real',
        proofKey,
      );
      const res = await get({ authorization: `DPoP ${dpopAt}`, dpop: proof });
      assertApiOutcome(res, 'invalid point');
      assert.equal(res.statusCode, 400);
      assert.match(
        String(res.headers['www-authenticate']),
        /error="invalid_dpop_proof", error_description="The DPoP proof JWT is invalid."/,
      );
    });
  });
});
