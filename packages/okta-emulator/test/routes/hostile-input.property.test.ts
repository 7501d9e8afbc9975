import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { OktaApiError } from '../../src/lib/errors.js';
import { decodeCursor } from '../../src/state/users/cursor.js';
import { compileUserQuery } from '../../src/state/users/user-query.js';
import { buildManagementApp, SSWS, type TestApp } from '../helpers/management-app.js';
import { makeUser } from '../helpers/users.js';

/** Fixed seeds keep the suite deterministic; change SEED to explore other inputs. */
const SEED = 20260104;

/** Query-ish text: operators, quotes, parens and attribute names mixed with arbitrary unicode. */
const queryText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc
    .array(
      fc.constantFrom(
        'status',
        'profile.login',
        'lastUpdated',
        'id',
        'eq',
        'sw',
        'co',
        'pr',
        'gt',
        'and',
        'or',
        'not',
        '(',
        ')',
        '"',
        '"ACTIVE"',
        '"2024-01-01T00:00:00.000Z"',
        '\\',
        'type.id',
        'profile.',
        '12',
        'null',
        'true',
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join(' ')),
);

function isOktaBody(text: string): boolean {
  const b = JSON.parse(text) as Record<string, unknown>;
  return (
    typeof b.errorCode === 'string' &&
    typeof b.errorSummary === 'string' &&
    b.errorLink === b.errorCode &&
    typeof b.errorId === 'string' &&
    /^oae/.test(b.errorId) &&
    Array.isArray(b.errorCauses)
  );
}

void describe('hostile input never yields a 500 (property tests)', () => {
  let t: TestApp;
  let id: string;
  before(async () => {
    t = await buildManagementApp({ seedUsers: 30, seed: 2 });
    id = [...t.state.users.all()].find((u) => u.status === 'ACTIVE')!.id;
  });
  after(async () => {
    await t.app.close();
  });

  void test('search/filter parsing: a predicate or E0000031, and predicates never throw', () => {
    const users = [
      makeUser(),
      makeUser({ profile: { firstName: null, lastName: 'X' }, lastUpdated: 'not-a-date' }),
    ];
    fc.assert(
      fc.property(queryText, fc.constantFrom('filter' as const, 'search' as const), (expr, dialect) => {
        let predicate;
        try {
          predicate = compileUserQuery(expr, dialect);
        } catch (e) {
          assert.ok(
            e instanceof OktaApiError && e.errorCode === 'E0000031',
            `unexpected ${String(e)} for ${expr}`,
          );
          return;
        }
        for (const u of users) assert.equal(typeof predicate(u), 'boolean');
      }),
      { seed: SEED + 1, numRuns: 2000 },
    );
  });

  void test('cursor decoding: a cursor or E0000029', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.base64String().map((s) => `1${s}`),
          fc.string().map((s) => `0${s}`),
        ),
        (value) => {
          try {
            decodeCursor(value);
          } catch (e) {
            assert.ok(e instanceof OktaApiError && e.errorCode === 'E0000029');
          }
        },
      ),
      { seed: SEED + 2, numRuns: 2000 },
    );
  });

  void test('GET /api/v1/users with arbitrary query parameters: 200 or a 400 Okta error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            search: queryText,
            filter: queryText,
            q: fc.string({ maxLength: 20 }),
            after: fc.oneof(fc.string({ maxLength: 30 }), fc.constant(`0${id}`)),
            limit: fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 500 }).map(String)),
            sortBy: fc.constantFrom('profile.lastName', 'id', 'bogus', '', 'created'),
            sortOrder: fc.string({ maxLength: 5 }),
          },
          { requiredKeys: [] },
        ),
        async (params) => {
          const qs = new URLSearchParams(params as Record<string, string>).toString();
          const res = await t.app.inject({ method: 'GET', url: `/api/v1/users?${qs}`, headers: SSWS });
          assert.ok(
            res.statusCode === 200 || res.statusCode === 400,
            `${res.statusCode} for ${qs}: ${res.body}`,
          );
          if (res.statusCode === 400) assert.ok(isOktaBody(res.body), res.body);
          else assert.ok(Array.isArray(JSON.parse(res.body)));
        },
      ),
      { seed: SEED + 3, numRuns: 300 },
    );
  });

  void test('POST /api/v1/users/{id} with arbitrary bodies and content types: never 5xx, errors are Okta objects', async () => {
    const bodies = fc.oneof(
      fc.json(),
      fc.string({ maxLength: 200 }),
      fc.anything().map((v) => {
        try {
          return JSON.stringify(v) ?? 'null';
        } catch {
          return '{}';
        }
      }),
      fc
        .dictionary(fc.constantFrom('profile', 'credentials', 'type', 'firstName'), fc.anything())
        .map((o) => JSON.stringify(o)),
      fc
        .dictionary(
          fc.constantFrom('firstName', 'lastName', 'email', 'login', 'nickName', 'countryCode', 'x'),
          fc.oneof(fc.string(), fc.constant(null), fc.integer(), fc.object()),
        )
        .map((profile) => JSON.stringify({ profile })),
    );
    await fc.assert(
      fc.asyncProperty(
        bodies,
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          '',
        ),
        fc.constantFrom('POST', 'PUT'),
        async (payload, type, method) => {
          const headers: Record<string, string> = { ...SSWS };
          if (type !== '') headers['content-type'] = type;
          const res = await t.app.inject({
            method: method as 'POST',
            url: `/api/v1/users/${id}`,
            headers,
            payload,
          });
          assert.ok(res.statusCode < 500, `${res.statusCode}: ${res.body}`);
          if (res.statusCode >= 400) assert.ok(isOktaBody(res.body), res.body);
        },
      ),
      { seed: SEED + 4, numRuns: 400 },
    );
  });

  void test('GET /api/v1/users/{anything}: 200 or 404 Okta error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 60 }), async (raw) => {
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/v1/users/${encodeURIComponent(raw)}`,
          headers: SSWS,
        });
        assert.ok([200, 404].includes(res.statusCode), `${res.statusCode} for ${raw}: ${res.body}`);
        if (res.statusCode === 404) assert.ok(isOktaBody(res.body));
      }),
      { seed: SEED + 5, numRuns: 300 },
    );
  });
});
