import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  assertOktaError,
  body,
  buildManagementApp,
  ORG,
  SSWS,
  type TestApp,
} from '../helpers/management-app.js';

type UserJson = {
  id: string;
  status: string;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: Record<string, string | null>;
  credentials: { password?: object; provider: { type: string; name: string } };
  _links: Record<string, { href: string; method?: string }>;
};

const JSON_HEADERS = { ...SSWS, 'content-type': 'application/json' };

/** Splits the link header(s) into rel -> url. */
function links(res: { headers: Record<string, unknown> }): Record<string, string> {
  const raw = res.headers.link;
  const values = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const out: Record<string, string> = {};
  for (const v of values) {
    const m = /^<([^>]+)>; rel="(\w+)"$/.exec(v);
    assert.ok(m, `malformed link value ${v}`);
    out[m[2]!] = m[1]!;
  }
  return out;
}

void describe('users routes (Users API, facts §3)', () => {
  let t: TestApp;
  before(async () => {
    t = await buildManagementApp({ seedUsers: 45, seed: 11 });
  });
  after(async () => {
    await t.app.close();
  });

  const get = (url: string, headers: Record<string, string> = SSWS) =>
    t.app.inject({ method: 'GET', url, headers });

  void test('§3.3 link headers are separate rel="self" and rel="next" lines with absolute URLs; the last page has only self', async () => {
    const first = await get('/api/v1/users?limit=20');
    assert.equal(first.statusCode, 200);
    assert.ok(Array.isArray(first.headers.link), 'two separate link header lines');
    const l1 = links(first);
    assert.equal(l1.self, `${ORG}/api/v1/users?limit=20`);
    assert.match(l1.next!, /^https:\/\/dev-123456\.okta\.com\/api\/v1\/users\?after=[^&]+&limit=20$/);
    const seen = new Set<string>();
    let url: string | undefined = l1.next;
    for (const u of body<UserJson[]>(first)) seen.add(u.id);
    let pages = 1;
    let lastLinks: Record<string, string> = l1;
    while (url !== undefined) {
      const res = await get(url.slice(ORG.length));
      assert.equal(res.statusCode, 200);
      for (const u of body<UserJson[]>(res)) {
        assert.ok(!seen.has(u.id), 'no user twice across pages');
        seen.add(u.id);
      }
      lastLinks = links(res);
      url = lastLinks.next;
      pages++;
    }
    assert.equal(lastLinks.next, undefined);
    assert.ok(lastLinks.self);
    const visible = [...t.state.users.all()].filter((u) => u.status !== 'DEPROVISIONED');
    assert.equal(seen.size, visible.length);
    assert.equal(pages, Math.ceil(visible.length / 20));
  });

  void test('§3.2 a one-page result returns only rel="self"', async () => {
    const res = await get('/api/v1/users');
    assert.deepEqual(Object.keys(links(res)), ['self']);
  });

  void test('§3.2 limit defaults to 200 and larger values are clamped to 200 (choice for UNSURE)', async () => {
    const big = await buildManagementApp({ seedUsers: 230, seed: 3 });
    try {
      const plain = await big.app.inject({ method: 'GET', url: '/api/v1/users', headers: SSWS });
      assert.equal(body<unknown[]>(plain).length, 200);
      assert.match(links(plain).next!, /&limit=200$/);
      const huge = await big.app.inject({ method: 'GET', url: '/api/v1/users?limit=5000', headers: SSWS });
      assert.equal(body<unknown[]>(huge).length, 200);
    } finally {
      await big.app.close();
    }
  });

  void test('§3.2 plain list hides DEPROVISIONED users; filter and search include them', async () => {
    const deprovisioned = [...t.state.users.all()].filter((u) => u.status === 'DEPROVISIONED');
    assert.ok(deprovisioned.length > 0, 'the seed includes deprovisioned users');
    const plain = body<UserJson[]>(await get('/api/v1/users'));
    assert.ok(plain.every((u) => u.status !== 'DEPROVISIONED'));
    const filtered = body<UserJson[]>(
      await get(`/api/v1/users?filter=${encodeURIComponent('status eq "DEPROVISIONED"')}`),
    );
    assert.deepEqual(filtered.map((u) => u.id).sort(), deprovisioned.map((u) => u.id).sort());
    const searched = body<UserJson[]>(
      await get(`/api/v1/users?search=${encodeURIComponent('status eq "deprovisioned"')}`),
    );
    assert.equal(searched.length, deprovisioned.length);
  });

  void test('§3.2 bad cursor is 400 E0000029, bad limit E0000029, bad search/filter E0000031', async () => {
    assertOktaError(await get('/api/v1/users?after=garbage'), 400, 'E0000029', 'Invalid paging request.');
    assertOktaError(await get('/api/v1/users?limit=abc'), 400, 'E0000029');
    assertOktaError(await get('/api/v1/users?limit=0'), 400, 'E0000029');
    assertOktaError(
      await get(`/api/v1/users?search=${encodeURIComponent('status ne "ACTIVE"')}`),
      400,
      'E0000031',
      'Invalid search criteria.',
    );
    assertOktaError(
      await get(`/api/v1/users?filter=${encodeURIComponent('profile.department eq "Sales"')}`),
      400,
      'E0000031',
    );
    assertOktaError(
      await get(`/api/v1/users?search=${encodeURIComponent('(status eq "ACTIVE"')}`),
      400,
      'E0000031',
    );
  });

  void test('§3.2 q is a startsWith match on firstName/lastName/email, default limit 10, no next link, no DEPROVISIONED', async () => {
    const someone = [...t.state.users.all()].find((u) => u.status === 'ACTIVE')!;
    const prefix = String(someone.profile.lastName).slice(0, 2);
    const res = await get(`/api/v1/users?q=${encodeURIComponent(prefix.toLowerCase())}`);
    const users = body<UserJson[]>(res);
    assert.ok(users.length > 0 && users.length <= 10);
    for (const u of users) {
      const p = prefix.toLowerCase();
      assert.ok(
        [u.profile.firstName, u.profile.lastName, u.profile.email].some((v) =>
          v?.toLowerCase().startsWith(p),
        ),
        `${u.profile.login} matches ${p}`,
      );
      assert.notEqual(u.status, 'DEPROVISIONED');
    }
    const all = await get('/api/v1/users?q=');
    assert.equal(body<unknown[]>(all).length, 10);
    assert.equal(links(all).next, undefined);
  });

  void test('§3.2 search supports sortBy/sortOrder and pages keep the order', async () => {
    const q = `search=${encodeURIComponent('status eq "ACTIVE"')}&sortBy=profile.lastName&sortOrder=desc&limit=7`;
    const names: string[] = [];
    let url: string | undefined = `/api/v1/users?${q}`;
    while (url !== undefined) {
      const res = await get(url);
      assert.equal(res.statusCode, 200);
      for (const u of body<UserJson[]>(res)) names.push(u.profile.lastName!.toLowerCase());
      const next = links(res).next;
      if (next !== undefined)
        assert.match(next, /&search=status%20eq%20%22ACTIVE%22&sortBy=profile.lastName&sortOrder=desc$/);
      url = next?.slice(ORG.length);
    }
    const active = [...t.state.users.all()].filter((u) => u.status === 'ACTIVE');
    assert.equal(names.length, active.length);
    assert.deepEqual(names, [...names].sort().reverse());
  });

  void test('§3.5 collection items carry only _links.self; nullable timestamps present; ISO with ms and Z', async () => {
    const users = body<UserJson[]>(await get('/api/v1/users?limit=50'));
    for (const u of users) {
      assert.deepEqual(Object.keys(u._links), ['self']);
      assert.equal(u._links.self!.href, `${ORG}/api/v1/users/${u.id}`);
      for (const k of ['activated', 'statusChanged', 'lastLogin', 'passwordChanged'] as const)
        assert.ok(k in u, `${k} present`);
      assert.match(u.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(u.lastUpdated, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(u.id, /^00u[0-9A-Za-z]{17}$/);
      assert.match(u.type.id, /^oty[0-9A-Za-z]{17}$/);
      assert.deepEqual(u.credentials.provider, { type: 'OKTA', name: 'OKTA' });
      assert.equal(u.profile.login, u.profile.email);
      assert.match(u.profile.login!, /^[a-z]+\.[a-z]+\d*@example\.com$/);
    }
    assert.ok(
      users.some((u) => u.lastLogin === null),
      'some null timestamps are rendered as null',
    );
  });

  void test('§3.5 single GET has the fuller link set and an ETag; by id, login and login short name', async () => {
    const user = [...t.state.users.all()].find((u) => u.status === 'ACTIVE')!;
    const byId = await get(`/api/v1/users/${user.id}`);
    assert.equal(byId.statusCode, 200);
    assert.match(String(byId.headers.etag), /^W\/"[0-9a-f]{16}"$/);
    const json = body<UserJson>(byId);
    assert.equal(json._links.self!.href, `${ORG}/api/v1/users/${user.id}`);
    assert.equal(json._links.deactivate!.method, 'POST');
    assert.ok(json._links.schema && json._links.type && json._links.resetPassword);
    assert.deepEqual(json.credentials.password, {});
    const byLogin = body<UserJson>(
      await get(`/api/v1/users/${encodeURIComponent(String(user.profile.login))}`),
    );
    assert.equal(byLogin.id, user.id);
    const short = String(user.profile.login).split('@')[0]!;
    const byShort = body<UserJson>(await get(`/api/v1/users/${short}`));
    assert.equal(byShort.id, user.id);
  });

  void test('§3.6 unknown user is 404 E0000007 "Not found: Resource not found: {id} (User)"', async () => {
    const res = await get('/api/v1/users/00uDoesNotExist000000');
    assertOktaError(res, 404, 'E0000007', 'Not found: Resource not found: 00uDoesNotExist000000 (User)');
  });

  void test('§3.4 POST /users/{id} is a partial update: only firstName changes, lastUpdated moves', async () => {
    const user = [...t.state.users.all()].find((u) => u.status === 'ACTIVE')!;
    t.clock.advance(5000);
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}`,
      headers: JSON_HEADERS,
      payload: { profile: { firstName: 'Ada' } },
    });
    assert.equal(res.statusCode, 200);
    const json = body<UserJson>(res);
    assert.equal(json.profile.firstName, 'Ada');
    assert.equal(json.profile.lastName, user.profile.lastName);
    assert.equal(json.profile.department, user.profile.department);
    assert.equal(json.lastUpdated, new Date(t.clock.now()).toISOString());
    assert.notEqual(json.lastUpdated, user.lastUpdated);
    const again = body<UserJson>(await get(`/api/v1/users/${user.id}`));
    assert.equal(again.profile.firstName, 'Ada');
  });

  void test('§3.4 PUT replaces the profile: omitted attributes are removed; missing required ones are E0000001', async () => {
    const user = [...t.state.users.all()].find((u) => u.status === 'ACTIVE' && u.profile.department)!;
    const profile = {
      firstName: 'Grace',
      lastName: 'Hopper',
      email: user.profile.email,
      login: user.profile.login,
    };
    const res = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${user.id}`,
      headers: JSON_HEADERS,
      payload: { profile },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(body<UserJson>(res).profile, profile);
    const missing = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/users/${user.id}`,
      headers: JSON_HEADERS,
      payload: { profile: { lastName: 'Hopper', email: user.profile.email, login: user.profile.login } },
    });
    const err = assertOktaError(missing, 400, 'E0000001', 'Api validation failed: firstName');
    assert.deepEqual(err.errorCauses, [{ errorSummary: 'firstName: The field cannot be left blank' }]);
  });

  void test('§3.4 a partial update may not change type (must equal the current one)', async () => {
    const user = [...t.state.users.all()].find((u) => u.status === 'ACTIVE')!;
    const same = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}`,
      headers: JSON_HEADERS,
      payload: { type: { id: user.typeId }, profile: { nickName: 'x' } },
    });
    assert.equal(same.statusCode, 200);
    const other = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}`,
      headers: JSON_HEADERS,
      payload: { type: { id: 'otyOther0000000000000' } },
    });
    assertOktaError(other, 400, 'E0000001', 'Api validation failed: type');
  });

  void test('§3.4 If-Match is optional; a stale ETag is 412 E0000231, the current one passes', async () => {
    const user = [...t.state.users.all()].find((u) => u.status === 'ACTIVE')!;
    const etag = String((await get(`/api/v1/users/${user.id}`)).headers.etag);
    const ok = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}`,
      headers: { ...JSON_HEADERS, 'if-match': etag },
      payload: { profile: { title: 'Lead' } },
    });
    assert.equal(ok.statusCode, 200);
    assert.notEqual(ok.headers.etag, etag);
    const stale = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}`,
      headers: { ...JSON_HEADERS, 'if-match': etag },
      payload: { profile: { title: 'Chief' } },
    });
    assertOktaError(stale, 412, 'E0000231');
  });

  void test('§3.6 malformed JSON is 400 E0000003; fields outside "profile" are E0000003 (guide troubleshooting)', async () => {
    const user = [...t.state.users.all()][0]!;
    const bad = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}`,
      headers: JSON_HEADERS,
      payload: '{"profile":',
    });
    assertOktaError(bad, 400, 'E0000003', 'The request body was not well-formed.');
    const flat = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}`,
      headers: JSON_HEADERS,
      payload: { firstName: 'X' },
    });
    assertOktaError(flat, 400, 'E0000003');
  });

  void test('§3.6 wrong Content-Type is 400 E0000021 with the double space', async () => {
    const user = [...t.state.users.all()][0]!;
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${user.id}`,
      headers: { ...SSWS, 'content-type': 'text/plain' },
      payload: '{"profile":{}}',
    });
    assertOktaError(
      res,
      400,
      'E0000021',
      'Bad request.  Accept and/or Content-Type headers likely do not match supported values.',
    );
  });

  void test('§3.6 unsupported method is 405 E0000022', async () => {
    const user = [...t.state.users.all()][0]!;
    const res = await t.app.inject({ method: 'PATCH', url: `/api/v1/users/${user.id}`, headers: SSWS });
    assertOktaError(res, 405, 'E0000022', 'The endpoint does not support the provided HTTP method');
    assertOktaError(
      await t.app.inject({ method: 'DELETE', url: '/api/v1/users', headers: SSWS }),
      405,
      'E0000022',
    );
  });

  void test('§3.6 duplicate login on create is E0000001 "Api validation failed: login" with the Okta cause text', async () => {
    const existing = [...t.state.users.all()][0]!;
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: JSON_HEADERS,
      payload: {
        profile: { firstName: 'A', lastName: 'B', email: 'a.b@example.com', login: existing.profile.login },
      },
    });
    const err = assertOktaError(res, 400, 'E0000001', 'Api validation failed: login');
    assert.deepEqual(err.errorCauses, [
      { errorSummary: 'login: An object with this field already exists in the current organization' },
    ]);
  });

  void test('create: blank profile lists every required field then the login format cause', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: JSON_HEADERS,
      payload: { profile: {} },
    });
    const err = assertOktaError(res, 400, 'E0000001', 'Api validation failed: login');
    assert.deepEqual(
      err.errorCauses.map((c) => c.errorSummary),
      [
        'login: The field cannot be left blank',
        'firstName: The field cannot be left blank',
        'lastName: The field cannot be left blank',
        'email: The field cannot be left blank',
        'login: Username must be in the form of an email address',
      ],
    );
    const badEmail = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: JSON_HEADERS,
      payload: { profile: { firstName: 'A', lastName: 'B', email: 'nope', login: 'ok.user@example.com' } },
    });
    assertOktaError(badEmail, 400, 'E0000001', 'Api validation failed: email');
    const tooLong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: JSON_HEADERS,
      payload: {
        profile: {
          firstName: 'A'.repeat(51),
          lastName: 'B',
          email: 'long@example.com',
          login: 'long@example.com',
        },
      },
    });
    assertOktaError(tooLong, 400, 'E0000001', 'Api validation failed: firstName');
  });

  void test('create: ?activate=true (default) → ACTIVE with a password, PROVISIONED without; activate=false → STAGED', async () => {
    const profile = (n: string) => ({
      firstName: 'New',
      lastName: n,
      email: `new.${n}@example.com`,
      login: `new.${n}@example.com`,
    });
    const withPassword = await t.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: JSON_HEADERS,
      payload: { profile: profile('one'), credentials: { password: { value: 'correct-horse-9' } } },
    });
    assert.equal(withPassword.statusCode, 200);
    const u1 = body<UserJson>(withPassword);
    assert.equal(u1.status, 'ACTIVE');
    assert.deepEqual(u1.credentials.password, {});
    assert.equal(u1.activated, new Date(t.clock.now()).toISOString());
    const noPassword = body<UserJson>(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: JSON_HEADERS,
        payload: { profile: profile('two') },
      }),
    );
    assert.equal(noPassword.status, 'PROVISIONED');
    assert.equal(noPassword.credentials.password, undefined);
    const staged = body<UserJson>(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/users?activate=false',
        headers: JSON_HEADERS,
        payload: { profile: profile('three') },
      }),
    );
    assert.equal(staged.status, 'STAGED');
    assert.equal(staged.activated, null);
    assert.equal(staged.statusChanged, null);
    assert.ok(staged._links.activate, 'a STAGED user offers activate');
  });

  void test('§3.1 DELETE deactivates first (hidden from the plain list), deletes on the second call', async () => {
    const created = body<UserJson>(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: JSON_HEADERS,
        payload: {
          profile: {
            firstName: 'Del',
            lastName: 'Me',
            email: 'del.me@example.com',
            login: 'del.me@example.com',
          },
        },
      }),
    );
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/users/${created.id}`, headers: SSWS }))
        .statusCode,
      204,
    );
    assert.equal(body<UserJson>(await get(`/api/v1/users/${created.id}`)).status, 'DEPROVISIONED');
    const listed = body<UserJson[]>(await get(`/api/v1/users?q=del`));
    assert.ok(!listed.some((u) => u.id === created.id));
    const update = await t.app.inject({
      method: 'POST',
      url: `/api/v1/users/${created.id}`,
      headers: JSON_HEADERS,
      payload: { profile: { title: 'x' } },
    });
    assertOktaError(update, 403, 'E0000038');
    assert.equal(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/users/${created.id}`, headers: SSWS }))
        .statusCode,
      204,
    );
    assertOktaError(await get(`/api/v1/users/${created.id}`), 404, 'E0000007');
  });

  void test('§5 every response carries X-Rate-Limit-* and X-Okta-Request-Id', async () => {
    const res = await get('/api/v1/users?limit=1');
    assert.equal(res.headers['x-rate-limit-limit'], '600');
    assert.ok(Number(res.headers['x-rate-limit-remaining']) < 600);
    assert.match(String(res.headers['x-rate-limit-reset']), /^\d{10}$/);
    assert.match(String(res.headers['x-okta-request-id']), /^req/);
  });

  void test('no principal on a users route: 401 E0000011 (second line behind the platform hook)', async () => {
    assertOktaError(await t.app.inject({ method: 'GET', url: '/api/v1/users' }), 401, 'E0000011');
  });
});
