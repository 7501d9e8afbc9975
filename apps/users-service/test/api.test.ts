// The service through inject(): validation (nothing reaches Okta), caller authentication, upstream error
// mapping, request ids and the OpenAPI document, against a real emulator on loopback.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearer, removeRoles, startHarness, type Harness } from './helpers/harness.js';

let h: Harness;
let someone: { id: string; login: string };

before(async () => {
  h = await startHarness();
  const res = await h.app.inject({ url: '/users?limit=1', headers: bearer(h.readKey) });
  assert.equal(res.statusCode, 200);
  someone = (res.json() as { users: { id: string; login: string }[] }).users[0] as typeof someone;
});
after(() => h.close());

const rename = (body: unknown, key = h.writeKey, id = someone.id) =>
  h.app.inject({
    method: 'PUT',
    url: `/users/${id}/name`,
    headers: { ...bearer(key), 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });

const badBodies: [string, unknown, RegExp][] = [
  ['empty first name', { firstName: '', lastName: 'L' }, /^firstName must not be empty\.$/],
  ['blank last name', { firstName: 'A', lastName: '   ' }, /^lastName must not be blank\.$/],
  ['too long', { firstName: 'x'.repeat(51), lastName: 'L' }, /^firstName must be at most 50 characters\.$/],
  [
    'control characters',
    { firstName: 'Ada\nEvil', lastName: 'L' },
    /firstName must not contain control characters/,
  ],
  [
    'escape character',
    { firstName: 'A', lastName: 'L\u001b[31m' },
    /lastName must not contain control characters/,
  ],
  ['extra field', { firstName: 'A', lastName: 'L', login: 'x' }, /Unexpected field "login"/],
  ['missing field', { firstName: 'A' }, /lastName is required/],
  ['a number', { firstName: 42, lastName: 'L' }, /firstName must be a string/],
  ['not an object', ['A', 'L'], /the body must be an object/],
];

for (const [label, body, message] of badBodies) {
  void test(`rename with ${label}: 400 problem+json with a clear message, nothing sent to Okta`, async () => {
    const before = h.apiRequests();
    const res = await rename(body);
    assert.equal(res.statusCode, 400);
    assert.match(res.headers['content-type'] as string, /^application\/problem\+json/);
    const problem = res.json() as { detail: string; code: string; status: number; requestId: string };
    assert.match(problem.detail, message);
    assert.equal(problem.code, 'USERS_SERVICE_INVALID_REQUEST');
    assert.equal(problem.status, 400);
    assert.equal(problem.requestId, res.headers['x-request-id']);
    assert.equal(h.apiRequests(), before);
  });
}

void test('rename with invalid JSON or another media type: 400 / 415, nothing sent to Okta', async () => {
  const before = h.apiRequests();
  const bad = await h.app.inject({
    method: 'PUT',
    url: `/users/${someone.id}/name`,
    headers: { ...bearer(h.writeKey), 'content-type': 'application/json' },
    payload: '{"firstName":',
  });
  assert.equal(bad.statusCode, 400);
  assert.match((bad.json() as { detail: string }).detail, /JSON/);
  const text = await h.app.inject({
    method: 'PUT',
    url: `/users/${someone.id}/name`,
    headers: { ...bearer(h.writeKey), 'content-type': 'text/plain' },
    payload: 'Ada Lovelace',
  });
  assert.equal(text.statusCode, 415);
  assert.equal(h.apiRequests(), before);
});

void test('list query validation: limit out of range and an empty search are 400 before Okta', async () => {
  const before = h.apiRequests();
  for (const [query, message] of [
    ['limit=0', /limit must be at least 1/],
    ['limit=201', /limit must be at most 200/],
    ['limit=ten', /limit must be an integer/],
    ['search=', /search must not be empty/],
  ] as const) {
    const res = await h.app.inject({ url: `/users?${query}`, headers: bearer(h.readKey) });
    assert.equal(res.statusCode, 400, query);
    assert.match((res.json() as { detail: string }).detail, message);
  }
  assert.equal(h.apiRequests(), before);
});

void test('callers: no key, a wrong scheme, an unknown key → 401 with a challenge; nothing sent to Okta', async () => {
  const before = h.apiRequests();
  for (const headers of [
    {},
    { authorization: `Basic ${h.readKey}` },
    bearer('usk_wrong'),
    bearer(`${h.readKey}x`),
  ]) {
    const res = await h.app.inject({ url: '/users', headers });
    assert.equal(res.statusCode, 401);
    assert.match(res.headers['www-authenticate'] as string, /^Bearer realm="users-service"/);
    assert.equal((res.json() as { code: string }).code, 'USERS_SERVICE_UNAUTHENTICATED');
  }
  // A bad body from an unauthenticated caller is a 401 too: validation is not disclosed before authentication.
  const res = await rename({ firstName: '' }, 'usk_nobody');
  assert.equal(res.statusCode, 401);
  assert.equal(h.apiRequests(), before);
});

void test('callers: a read key may read but not rename (403, nothing sent); a write key may read', async () => {
  const before = h.apiRequests();
  const res = await rename({ firstName: 'Ada', lastName: 'Lovelace' }, h.readKey);
  assert.equal(res.statusCode, 403);
  const problem = res.json() as { detail: string; code: string };
  assert.equal(problem.code, 'USERS_SERVICE_FORBIDDEN');
  assert.match(problem.detail, /reader\) has users:read; this request needs users:write/);
  assert.equal(h.apiRequests(), before);
  const read = await h.app.inject({ url: `/users/${someone.id}`, headers: bearer(h.writeKey) });
  assert.equal(read.statusCode, 200);
});

void test('Okta 404 → 404 problem with the library code, Okta error code and request id', async () => {
  const res = await h.app.inject({ url: '/users/nobody%40example.com', headers: bearer(h.readKey) });
  assert.equal(res.statusCode, 404);
  const problem = res.json() as Record<string, string>;
  assert.equal(problem['code'], 'OKTA_M2M_OKTA_API');
  assert.equal(problem['oktaErrorCode'], 'E0000007');
  assert.ok(problem['oktaRequestId'], 'Okta request id present');
  assert.ok(problem['hint']);
});

void test('request id: taken from X-Request-Id when well-formed, generated otherwise, on every log line', async () => {
  const given = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': 'trace-123.abc' } });
  assert.equal(given.headers['x-request-id'], 'trace-123.abc');
  const hostile = await h.app.inject({ url: '/healthz', headers: { 'x-request-id': 'a b\u0007' } });
  assert.match(hostile.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/);
  const res = await h.app.inject({
    url: `/users/${someone.id}`,
    headers: { ...bearer(h.readKey), 'x-request-id': 'req-42' },
  });
  assert.equal(res.statusCode, 200);
  const lines = h.logs
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l['requestId'] === 'req-42');
  const done = lines.find((l) => l['msg'] === 'request completed');
  assert.ok(done, 'completion line carries the request id');
  assert.equal(done['caller'], 'reader');
  assert.deepEqual(
    (done['upstream'] as { operation: string; status: number }[]).map((u) => [u.operation, u.status]).at(-1),
    ['users.get', 200],
  );
});

void test('logs never contain an API key, a token or the Authorization header', async () => {
  await h.app.inject({ url: '/users?limit=2', headers: bearer(h.readKey) });
  await h.app.inject({ url: '/users?limit=2', headers: bearer('usk_not-a-real-key') });
  const all = h.logs.join('\n');
  assert.ok(h.logs.length > 3);
  assert.ok(!all.includes(h.readKey) && !all.includes(h.writeKey) && !all.includes('usk_not-a-real-key'));
  assert.ok(!/Bearer |DPoP ey|eyJ[A-Za-z0-9_-]{20,}\./.test(all), 'no token or authorization value');
});

void test('OpenAPI document lists the three user routes with the bearer scheme', async () => {
  const res = await h.app.inject({ url: '/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json() as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
    components: { securitySchemes: Record<string, unknown> };
  };
  assert.match(doc.openapi, /^3\./);
  assert.deepEqual(
    Object.keys(doc.paths).sort(),
    ['/users', '/users/{id}/name', '/users/{idOrLogin}'].sort(),
  );
  assert.ok(doc.paths['/users/{id}/name']?.['put']);
  assert.deepEqual(doc.components.securitySchemes['apiKey'], { type: 'http', scheme: 'bearer' });
});

void test('missing role upstream (Okta 403) → 502 with the library hint, never the raw challenge', async () => {
  assert.ok((await removeRoles(h.emu, h.clientId)) >= 1);
  const res = await h.app.inject({ url: `/users/${someone.id}`, headers: bearer(h.readKey) });
  assert.equal(res.statusCode, 502);
  const problem = res.json() as Record<string, string>;
  assert.equal(problem['code'], 'OKTA_M2M_OKTA_API');
  assert.match(problem['hint'] ?? '', /role|resource set/i);
  assert.ok(
    !JSON.stringify(problem).includes('WWW-Authenticate') && !JSON.stringify(problem).includes('error='),
  );
});
