// sendAuthorized against an injected Transport that plays back scripted responses (the transport is a
// collaborator here; the real one is exercised against the emulator in users-api.integration.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessToken, AuthorizeRequest, RequestAuthorizer } from '../../src/auth/types.js';
import { ForeignOriginError } from '../../src/errors.js';
import { assertOrgOrigin, sendAuthorized } from '../../src/http/authorized-request.js';
import type {
  HttpRequest,
  HttpResponse,
  RequestFactory,
  SendOptions,
  Transport,
} from '../../src/http/types.js';

const ORG = 'https://example.okta.com';

class ScriptedTransport implements Transport {
  readonly sent: { request: HttpRequest; options: SendOptions }[] = [];
  constructor(private readonly script: Omit<HttpResponse, 'url'>[]) {}
  async send(factory: RequestFactory, options: SendOptions): Promise<HttpResponse> {
    const next = this.script.shift();
    if (next === undefined) assert.fail('unexpected request: the script is exhausted');
    const request = await factory(1, new AbortController().signal);
    this.sent.push({ request, options });
    return { ...next, url: request.url };
  }
  async close(): Promise<void> {}
}

class FakeAuthorizer implements RequestAuthorizer {
  issued = 0;
  readonly rejected: string[] = [];
  readonly scopeDrops: string[] = [];
  readonly nonces: [string, string][] = [];
  constructor(private readonly allowScopeRetry = true) {}
  async authorize(request: AuthorizeRequest) {
    this.issued++;
    const token: AccessToken = {
      value: `tok${this.issued}`,
      type: 'Bearer',
      expiresAt: 0,
      obtainedAt: 0,
      scopes: [],
    };
    assert.equal(request.url.origin, ORG);
    return { headers: { authorization: `Bearer ${token.value}` }, token };
  }
  rejectToken(token: AccessToken): void {
    this.rejected.push(token.value);
  }
  insufficientScope(token: AccessToken): boolean {
    this.scopeDrops.push(token.value);
    return this.allowScopeRetry;
  }
  dpopNonce(url: URL, nonce: string): void {
    this.nonces.push([url.origin, nonce]);
  }
}

const ok = { status: 200, headers: {}, body: '{"id":"00u1"}' };
const call = {
  method: 'GET' as const,
  url: `${ORG}/api/v1/users/00u1`,
  operation: 'users.get',
  retryable: true,
};

void test('each send asks the authorizer for fresh headers; the body is JSON with a content type', async () => {
  const transport = new ScriptedTransport([ok]);
  const authorizer = new FakeAuthorizer();
  const res = await sendAuthorized(
    { transport, authorizer, orgOrigin: ORG },
    {
      ...call,
      method: 'POST',
      body: { profile: { firstName: 'A' } },
      retryable: false,
      operation: 'users.update',
    },
  );
  assert.equal(res.status, 200);
  const [sent] = transport.sent;
  assert.equal(sent?.request.headers['authorization'], 'Bearer tok1');
  assert.equal(sent?.request.headers['content-type'], 'application/json');
  assert.equal(sent?.request.body, '{"profile":{"firstName":"A"}}');
  assert.deepEqual(sent?.options, {
    operation: 'users.update',
    retryable: false,
    signal: undefined,
    deadlineMs: undefined,
  });
});

void test('401: rejectToken(the token used) and exactly one retry with a new token', async () => {
  const transport = new ScriptedTransport([{ status: 401, headers: {}, body: '' }, ok]);
  const authorizer = new FakeAuthorizer();
  const res = await sendAuthorized({ transport, authorizer, orgOrigin: ORG }, call);
  assert.equal(res.status, 200);
  assert.deepEqual(authorizer.rejected, ['tok1']);
  assert.deepEqual(
    transport.sent.map((s) => s.request.headers['authorization']),
    ['Bearer tok1', 'Bearer tok2'],
  );

  const twice = new ScriptedTransport([
    { status: 401, headers: {}, body: '' },
    { status: 401, headers: {}, body: '' },
  ]);
  const res2 = await sendAuthorized(
    { transport: twice, authorizer: new FakeAuthorizer(), orgOrigin: ORG },
    call,
  );
  assert.equal(res2.status, 401, 'a second 401 is returned, not retried again');
  assert.equal(twice.sent.length, 2);
});

const insufficient = {
  status: 403,
  headers: {
    'www-authenticate':
      'Bearer realm="http://example.okta.com", scope="okta.users.read", error="insufficient_scope"',
  },
  body: '',
};

void test('403 insufficient_scope: retried once when the authorizer agrees, not at all when it declines', async () => {
  const transport = new ScriptedTransport([insufficient, ok]);
  const authorizer = new FakeAuthorizer(true);
  assert.equal((await sendAuthorized({ transport, authorizer, orgOrigin: ORG }, call)).status, 200);
  assert.deepEqual(authorizer.scopeDrops, ['tok1']);

  const declined = new ScriptedTransport([insufficient]);
  const a2 = new FakeAuthorizer(false);
  assert.equal(
    (await sendAuthorized({ transport: declined, authorizer: a2, orgOrigin: ORG }, call)).status,
    403,
  );
  assert.equal(declined.sent.length, 1);

  const persistent = new ScriptedTransport([insufficient, insufficient]);
  assert.equal(
    (await sendAuthorized({ transport: persistent, authorizer: new FakeAuthorizer(), orgOrigin: ORG }, call))
      .status,
    403,
  );
  assert.equal(persistent.sent.length, 2);
});

void test('403 E0000006 (role) is not retried', async () => {
  const transport = new ScriptedTransport([{ status: 403, headers: {}, body: '{"errorCode":"E0000006"}' }]);
  const authorizer = new FakeAuthorizer();
  assert.equal((await sendAuthorized({ transport, authorizer, orgOrigin: ORG }, call)).status, 403);
  assert.deepEqual(authorizer.scopeDrops, []);
});

void test('DPoP nonce demand: the nonce is handed to the authorizer and the call retried once', async () => {
  const demand = {
    status: 401,
    headers: {
      'www-authenticate':
        'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"',
      'dpop-nonce': 'n-1',
    },
    body: '',
  };
  const transport = new ScriptedTransport([demand, ok]);
  const authorizer = new FakeAuthorizer();
  assert.equal((await sendAuthorized({ transport, authorizer, orgOrigin: ORG }, call)).status, 200);
  assert.deepEqual(authorizer.nonces, [[ORG, 'n-1']]);
  assert.deepEqual(authorizer.rejected, [], 'a nonce demand does not discard the token');

  const again = new ScriptedTransport([
    { ...demand, status: 400 },
    { ...demand, status: 400 },
  ]);
  const a2 = new FakeAuthorizer();
  assert.equal(
    (await sendAuthorized({ transport: again, authorizer: a2, orgOrigin: ORG }, call)).status,
    400,
  );
  assert.equal(again.sent.length, 2);
});

void test('a URL on another origin is refused before anything is sent', async () => {
  const transport = new ScriptedTransport([]);
  const authorizer = new FakeAuthorizer();
  for (const url of [
    'https://evil.example/api/v1/users',
    'http://example.okta.com/api/v1/users',
    'https://example.okta.com:8443/x',
    'not a url',
  ]) {
    await assert.rejects(
      sendAuthorized({ transport, authorizer, orgOrigin: ORG }, { ...call, url }),
      ForeignOriginError,
      url,
    );
  }
  assert.equal(authorizer.issued, 0, 'no credentials were even produced');
  assert.equal(assertOrgOrigin(`${ORG}/api/v1/users?after=x`, `${ORG}/`).search, '?after=x');
});

void test('a re-send after a 401 gets what is left of the call deadline, not a fresh one', async () => {
  const transport = Object.assign(new ScriptedTransport([{ status: 401, headers: {}, body: '' }, ok]), {
    deadlineMs: 30_000,
  });
  let now = 1_000_000;
  const clock = (): number => now;
  const authorizer = new FakeAuthorizer();
  const original = authorizer.rejectToken.bind(authorizer);
  authorizer.rejectToken = (token) => {
    now += 4_000; // the first send and the 401 took 4 s
    original(token);
  };
  await sendAuthorized({ transport, authorizer, orgOrigin: ORG, clock }, call);
  assert.deepEqual(
    transport.sent.map((s) => s.options.deadlineMs),
    [30_000, 26_000],
  );
});
