// UsersApi and the transport against the real emulator, authorized with the emulator's admin API token.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { defaultDeps } from '../../src/deps.js';
import { ForeignOriginError, OktaApiError } from '../../src/errors.js';
import { createTransport, type OktaTransport } from '../../src/http/transport.js';
import type { Transport } from '../../src/http/types.js';
import { Metrics } from '../../src/observability/metrics.js';
import { UsersApi } from '../../src/users/users-api.js';
import { SswsAuthorizer } from '../helpers/ssws-authorizer.js';

let emu: RunningEmulator;
let transport: OktaTransport;
let authorizer: SswsAuthorizer;
let users: UsersApi;

before(async () => {
  emu = await startEmulator({ seedUsers: 450 });
  transport = createTransport({}, { ...defaultDeps(), metrics: new Metrics() });
  authorizer = new SswsAuthorizer([emu.adminToken]);
  users = new UsersApi({ transport, authorizer, orgUrl: emu.url });
});
after(async () => {
  await transport.close();
  await emu.close();
});

void test('list: 450 users across pages of 200 following link rel="next", 3 requests', async () => {
  const before = emu.stats().apiRequests;
  const seen = new Set<string>();
  for await (const user of users.list()) seen.add(user.id);
  assert.equal(emu.stats().apiRequests - before, 3);
  const urls = authorizer.authorized.slice(-3).map((a) => new URL(a.url));
  // A plain list omits DEPROVISIONED users (as Okta does); a filter includes them.
  const deprovisioned = await collect(users.list({ filter: 'status eq "DEPROVISIONED"' }), 450);
  assert.ok(deprovisioned.every((u) => u.status === 'DEPROVISIONED'));
  assert.ok(seen.size > 400);
  assert.equal(seen.size + deprovisioned.length, 450);
  assert.equal(urls[0]?.search, '?limit=200');
  assert.ok(urls[1]?.searchParams.get('after'), 'the second page follows the cursor from the next link');
});

void test('pages: page sizes per the limit option, next link absent on the last page', async () => {
  let total = 0;
  for await (const _user of users.list()) total++;
  const sizes: number[] = [];
  let last: string | undefined = 'x';
  for await (const page of users.pages({ limit: 100 })) {
    sizes.push(page.users.length);
    last = page.nextUrl;
  }
  assert.deepEqual(sizes, [100, 100, 100, 100, total - 400]);
  assert.equal(last, undefined);
});

void test("pages: resuming at a page's after cursor gives the next page, one request each", async () => {
  const walked: string[][] = [];
  for await (const page of users.pages({ limit: 50 })) {
    walked.push(page.users.map((u) => u.id));
    if (walked.length === 3) break;
  }
  let after: string | undefined;
  const resumed: string[][] = [];
  for (let i = 0; i < 3; i++) {
    const before = emu.stats().apiRequests;
    for await (const page of users.pages({ limit: 50, ...(after === undefined ? {} : { after }) })) {
      resumed.push(page.users.map((u) => u.id));
      assert.ok(page.after, 'a page followed by another carries its after cursor');
      after = page.after;
      break;
    }
    assert.equal(emu.stats().apiRequests - before, 1);
  }
  assert.deepEqual(resumed, walked);
  await assert.rejects(users.pages({ after: ' ' }).next(), /after must be a non-empty string/);
});

void test('list stops fetching when the caller breaks out (one page at a time)', async () => {
  const before = emu.stats().apiRequests;
  let n = 0;
  for await (const _user of users.list({ limit: 10 })) if (++n === 15) break;
  assert.equal(emu.stats().apiRequests - before, 2);
});

void test('get by id and by login with @ (encoded path segment)', async () => {
  const [first] = await collect(users.list({ limit: 1 }), 1);
  assert.ok(first);
  const byId = await users.get(first.id);
  assert.equal(byId.id, first.id);
  assert.equal(byId.profile.login, first.profile.login);
  assert.match(first.profile.login, /@/);
  const byLogin = await users.get(first.profile.login);
  assert.equal(byLogin.id, first.id);
});

void test('get of an unknown user: OktaApiError 404 E0000007 with the no-such-user hint', async () => {
  await assert.rejects(users.get('nobody@example.com'), (e: unknown) => {
    assert.ok(e instanceof OktaApiError);
    assert.equal(e.status, 404);
    assert.equal(e.errorCode, 'E0000007');
    assert.match(e.requestId ?? '', /^req/);
    assert.equal(e.path, '/api/v1/users/nobody%40example.com');
    assert.match(e.hint ?? '', /No such user/);
    return true;
  });
});

void test('updateName, then get shows the change; updateProfile merges', async () => {
  const [user] = await collect(users.list({ limit: 1 }), 1);
  assert.ok(user);
  const updated = await users.updateName(user.id, { firstName: 'Ada', lastName: 'Lovelace' });
  assert.equal(updated.profile.firstName, 'Ada');
  const again = await users.get(user.id);
  assert.equal(again.profile.firstName, 'Ada');
  assert.equal(again.profile.lastName, 'Lovelace');
  assert.equal(again.profile.email, user.profile.email, 'a partial update leaves other attributes alone');
  const merged = await users.updateProfile(user.id, { title: 'Countess' });
  assert.equal(merged.profile.title, 'Countess');
  assert.equal(merged.profile.firstName, 'Ada');
});

void test('401 with a bad token: rejectToken and one retry with the next token', async () => {
  const twoTokens = new SswsAuthorizer(['not-a-valid-token', emu.adminToken]);
  const api = new UsersApi({ transport, authorizer: twoTokens, orgUrl: emu.url });
  const [user] = await collect(users.list({ limit: 1 }), 1);
  const got = await api.get(user!.id);
  assert.equal(got.id, user!.id);
  assert.deepEqual(twoTokens.rejected, ['not-a-valid-token']);
  assert.equal(twoTokens.authorized.length, 2);
});

void test('a next link on another origin: ForeignOriginError, and nothing reaches that origin', async (t) => {
  let reached = 0;
  const foreign: Server = createServer((_req, res) => {
    reached++;
    res.end('[]');
  });
  await new Promise<void>((resolve) => foreign.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => foreign.close(() => resolve())));
  const foreignUrl = `http://127.0.0.1:${(foreign.address() as AddressInfo).port}/api/v1/users?after=x`;
  // A transport in front of the emulator that rewrites the next link, as a hostile proxy would.
  const rewriting: Transport = {
    send: async (factory, options) => {
      const res = await transport.send(factory, options);
      return { ...res, headers: { ...res.headers, link: [`<${foreignUrl}>; rel="next"`] } };
    },
    close: () => transport.close(),
  };
  const api = new UsersApi({ transport: rewriting, authorizer, orgUrl: emu.url });
  const before = authorizer.authorized.length;
  let firstPage = 0;
  await assert.rejects(
    (async () => {
      for await (const page of api.pages({ limit: 5 })) firstPage += page.users.length;
    })(),
    (e: unknown) => {
      assert.ok(e instanceof ForeignOriginError);
      assert.match(e.message, /not the configured Okta org/);
      return true;
    },
  );
  assert.equal(firstPage, 5);
  assert.equal(reached, 0, 'no request reached the foreign origin');
  assert.equal(authorizer.authorized.length - before, 1, 'no credentials were produced for it');
});

async function collect<T>(iterable: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}
