// The service listening on 127.0.0.1:0 against the emulator, called over HTTP as a caller would: paging to the
// end, get by id and login, rename and read back, callers refused, a /metrics scrape whose counters moved by
// the expected amounts, and upstream failures injected through the emulator's control API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFault, bearer, clearFaults, startHarness, type Harness } from './helpers/harness.js';

let h: Harness;
let base: string;

before(async () => {
  h = await startHarness({
    users: 60,
    okta: {
      transport: { timeoutMs: 2000, deadlineMs: 4000, breaker: { failureThreshold: 4, openMs: 20_000 } },
    },
  });
  base = await h.app.listen({ host: '127.0.0.1', port: 0 });
});
after(() => h.close());

interface UserView {
  id: string;
  login: string;
  firstName: string | null;
  lastName: string | null;
}

const get = (path: string, key = h.readKey) => fetch(`${base}${path}`, { headers: bearer(key) });

/** Values of a metric's samples whose labels include `labels`, summed. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const m = /^[^{ ]+(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const have = Object.fromEntries(
      [...(m[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1] as string, x[2] as string]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[2]);
  }
  return sum;
}

const scrape = async (): Promise<string> => (await fetch(`${base}/metrics`)).text();

void test('first calls: metrics show one token fetch with one DPoP nonce round, then cache hits', async () => {
  const before = await scrape();
  assert.equal(metric(before, 'okta_token_fetch_duration_seconds_count'), 0);
  const list = await get('/users?limit=5');
  assert.equal(list.status, 200);
  const { users } = (await list.json()) as { users: UserView[] };
  for (const u of users.slice(0, 3)) assert.equal((await get(`/users/${u.id}`)).status, 200);
  assert.equal((await get('/users/nobody%40example.com')).status, 404);
  const m = await scrape();
  assert.equal(metric(m, 'okta_token_fetch_duration_seconds_count', { outcome: 'success' }), 1);
  assert.equal(metric(m, 'okta_dpop_nonce_rounds_total'), 1);
  assert.equal(metric(m, 'okta_token_cache_total', { result: 'miss' }), 1);
  assert.equal(metric(m, 'okta_token_cache_total', { result: 'hit' }), 4);
  assert.equal(metric(m, 'okta_upstream_responses_total', { operation: 'users.get', status: '200' }), 3);
  assert.equal(metric(m, 'okta_upstream_responses_total', { operation: 'users.get', class: '4xx' }), 1);
  assert.equal(metric(m, 'okta_upstream_responses_total', { operation: 'users.list', class: '2xx' }), 1);
  assert.equal(metric(m, 'okta_upstream_responses_total', { operation: 'token', class: '2xx' }), 1);
  assert.equal(metric(m, 'okta_upstream_retries_total'), 0);
  assert.equal(metric(m, 'okta_breaker_state'), 0);
  assert.ok(metric(m, 'okta_rate_limit_remaining') > 0, 'rate-limit headroom from the last response');
  assert.equal(
    metric(m, 'http_request_duration_seconds_count', { route: '/users/:idOrLogin', status_code: '200' }),
    3,
  );
  assert.equal(
    metric(m, 'http_request_duration_seconds_count', { route: '/users/:idOrLogin', status_code: '404' }),
    1,
  );
  assert.ok(metric(m, 'process_cpu_user_seconds_total') > 0, 'process metrics present');
});

void test('list pages to the end: every listable user once, in pages of the limit, next null at the end', async () => {
  const adminList = await fetch(`${h.emu.url}/api/v1/users?limit=200`, {
    headers: { authorization: `SSWS ${h.emu.adminToken}`, accept: 'application/json' },
  });
  const expected = ((await adminList.json()) as { id: string }[]).map((u) => u.id).sort();
  const seen: string[] = [];
  const sizes: number[] = [];
  let after: string | null = null;
  do {
    const res = await get(`/users?limit=7${after === null ? '' : `&after=${encodeURIComponent(after)}`}`);
    assert.equal(res.status, 200);
    const page = (await res.json()) as { users: UserView[]; next: string | null };
    seen.push(...page.users.map((u) => u.id));
    sizes.push(page.users.length);
    after = page.next;
  } while (after !== null && sizes.length < 50);
  assert.deepEqual([...seen].sort(), expected);
  assert.equal(new Set(seen).size, seen.length);
  assert.ok(sizes.slice(0, -1).every((s) => s === 7));
  assert.ok(expected.length > 40);
});

void test('search passes an Okta search expression through', async () => {
  const res = await get(
    `/users?limit=200&search=${encodeURIComponent('profile.department eq "Engineering"')}`,
  );
  assert.equal(res.status, 200);
  const { users } = (await res.json()) as { users: (UserView & { department: string })[] };
  assert.ok(users.length > 0);
  assert.ok(users.every((u) => u.department === 'Engineering'));
});

void test('get by id and by login give the same user', async () => {
  const { users } = (await (await get('/users?limit=1')).json()) as { users: UserView[] };
  const first = users[0] as UserView;
  const byId = (await (await get(`/users/${first.id}`)).json()) as UserView;
  const byLogin = (await (await get(`/users/${encodeURIComponent(first.login)}`)).json()) as UserView;
  assert.equal(byId.login, first.login);
  assert.deepEqual(byLogin, byId);
});

void test('rename and read back, in the service and in the org', async () => {
  const { users } = (await (await get('/users?limit=2')).json()) as { users: UserView[] };
  const target = users[1] as UserView;
  const res = await fetch(`${base}/users/${target.id}/name`, {
    method: 'PUT',
    headers: { ...bearer(h.writeKey), 'content-type': 'application/json' },
    body: JSON.stringify({ firstName: 'Ada', lastName: 'Lovelace-Byron' }),
  });
  assert.equal(res.status, 200);
  const renamed = (await res.json()) as UserView;
  assert.deepEqual([renamed.id, renamed.firstName, renamed.lastName], [target.id, 'Ada', 'Lovelace-Byron']);
  const back = (await (await get(`/users/${target.id}`)).json()) as UserView;
  assert.equal(back.firstName, 'Ada');
  assert.equal(back.lastName, 'Lovelace-Byron');
  const org = await fetch(`${h.emu.url}/api/v1/users/${target.id}`, {
    headers: { authorization: `SSWS ${h.emu.adminToken}`, accept: 'application/json' },
  });
  const profile = ((await org.json()) as { profile: Record<string, string> }).profile;
  assert.equal(profile['lastName'], 'Lovelace-Byron');
});

void test('callers over HTTP: 401 without or with a wrong key, 403 renaming with the read key', async () => {
  assert.equal((await fetch(`${base}/users`)).status, 401);
  assert.equal((await get('/users', 'usk_guess')).status, 401);
  const res = await fetch(`${base}/users/00u1/name`, {
    method: 'PUT',
    headers: { ...bearer(h.readKey), 'content-type': 'application/json' },
    body: JSON.stringify({ firstName: 'A', lastName: 'B' }),
  });
  assert.equal(res.status, 403);
  assert.match(res.headers.get('content-type') ?? '', /problem\+json/);
});

void test('Okta rate limit (429 with a reset beyond the deadline) → 503 with Retry-After', async () => {
  await addFault(h.emu, { path: '/api/v1/users/:id', sequence: [{ type: 'rate-limit', resetSeconds: 120 }] });
  const { users } = (await (await get('/users?limit=1')).json()) as { users: UserView[] };
  const res = await get(`/users/${(users[0] as UserView).id}`);
  await clearFaults(h.emu);
  assert.equal(res.status, 503);
  const retryAfter = Number(res.headers.get('retry-after'));
  assert.ok(retryAfter >= 100 && retryAfter <= 121, `Retry-After ${retryAfter}`);
  const problem = (await res.json()) as Record<string, string>;
  assert.equal(problem['code'], 'OKTA_M2M_RATE_LIMITED');
  assert.equal(problem['oktaErrorCode'], 'E0000047');
});

void test('upstream timeout → 504', async () => {
  await addFault(h.emu, {
    path: '/api/v1/users/:id',
    sequence: [{ type: 'latency', ms: 6000 }],
    repeat: true,
  });
  const res = await get('/users/slow%40example.com');
  await clearFaults(h.emu);
  assert.equal(res.status, 504);
  assert.equal(((await res.json()) as { code: string }).code, 'OKTA_M2M_TIMEOUT');
  // Okta answering again ends the failure streak (the next test counts its own failures to the breaker).
  assert.equal((await get('/users?limit=1')).status, 200);
});

void test('Okta failing repeatedly opens the breaker → 503 with Retry-After; metrics show retries and state', async () => {
  const before = await scrape();
  await addFault(h.emu, { path: '/api/v1/users/:id', sequence: [503], repeat: true });
  const statuses: number[] = [];
  let open: Response | undefined;
  for (let i = 0; i < 5 && open === undefined; i++) {
    const res = await get('/users/00u-any');
    statuses.push(res.status);
    if (res.status === 503) open = res;
  }
  await clearFaults(h.emu);
  assert.ok(open, `statuses ${statuses.join(',')}`);
  assert.equal(statuses[0], 502, 'an Okta 503 after retries is a bad gateway');
  const retryAfter = Number(open.headers.get('retry-after'));
  assert.ok(retryAfter >= 1 && retryAfter <= 20, `Retry-After ${retryAfter}`);
  assert.equal(((await open.json()) as { code: string }).code, 'OKTA_M2M_CIRCUIT_OPEN');
  const m = await scrape();
  assert.equal(metric(m, 'okta_breaker_state'), 2);
  assert.ok(metric(m, 'okta_breaker_transitions_total', { to: 'open' }) >= 1);
  assert.ok(metric(m, 'okta_upstream_retries_total') > metric(before, 'okta_upstream_retries_total'));
  assert.ok(
    metric(m, 'okta_upstream_responses_total', { operation: 'users.get', status: '503' }) >= 3,
    'each 503 attempt counted',
  );
});
