// Clock-skew correction at its edges: an offset learnt while the host clock was wrong is cleared once the clock is
// fixed (against the emulator, whose clock the test controls), and a `Date` header that is garbled, implausibly far
// off, or points the other way than the refusal is not believed (against a loopback server that sends it).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { startEmulator, type RunningEmulator } from 'okta-emulator';
import { clientInternals, createOktaClient } from '../../src/client.js';
import { OAuthError } from '../../src/errors.js';
import { ServerClock, timeClaimRefusal } from '../../src/auth/server-clock.js';
import type { HttpResponse } from '../../src/http/types.js';
import { clientFor } from '../helpers/emulator-client.js';
import { sendJson, startLoopbackServer } from '../helpers/loopback-server.js';
import { capturingLogger } from '../helpers/token-fakes.js';

let emu: RunningEmulator;
before(async () => {
  emu = await startEmulator({ seedUsers: 1 });
});
after(() => emu.close());

void test('an offset learnt while the host clock was wrong is cleared after the clock is fixed: one refusal, then tokens again', async (t) => {
  const app = await emu.createServiceApp({ dpop: false });
  let hostSkewMs = -600_000; // the host clock 10 minutes slow
  const logger = capturingLogger();
  const client = clientFor(emu, app, { logger, deps: { clock: () => Date.now() + hostSkewMs } });
  t.after(() => client.close());
  const first = await client.tokens.getToken();
  assert.ok(
    Math.abs(client.metrics().clock.skewMs - 600_000) <= 2_000,
    String(client.metrics().clock.skewMs),
  );

  hostSkewMs = 0; // time synchronisation steps the host clock: host and server agree
  clientInternals(client).tokens.rejectToken(first);
  const refusals = (): number => emu.stats().tokenRequestsByOutcome['invalid_client'] ?? 0;
  const before = refusals();
  const second = await client.tokens.getToken();
  assert.notEqual(second, first);
  assert.equal(refusals() - before, 1, 'one refusal for the stale offset, then the corrected request');
  assert.equal(client.metrics().clock.skewMs, 0, 'the offset is cleared');
  assert.ok(logger.entries.some((e) => /agrees with the authorization server's again/.test(e.msg ?? '')));
});

const privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
  .privateKey.export({ format: 'pem', type: 'pkcs8' })
  .toString();

function assertionClaims(body: string): { iat: number; exp: number } {
  const jwt = new URLSearchParams(body).get('client_assertion') ?? '';
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString()) as {
    iat: number;
    exp: number;
  };
}

for (const [label, date] of [
  ['a date in 2100', 'Fri, 01 Jan 2100 00:00:00 GMT'],
  ['a date in 1970', 'Thu, 01 Jan 1970 00:00:05 GMT'],
  ['a number', '1'],
  ['a date in another format', new Date(Date.now() - 120_000).toISOString()],
  ['a plausible date on the wrong side (the refusal says the host is ahead, the date says behind)', ''],
] as const) {
  void test(`a time-claim refusal with ${label} in Date: not believed, no second request, the refusal given back`, async (t) => {
    const sent = date === '' ? new Date(Date.now() + 120_000).toUTCString() : date;
    const srv = await startLoopbackServer((_req, res) => {
      sendJson(
        res,
        401,
        {
          error: 'invalid_client',
          error_description: 'The client_assertion token must be issued before the current time.',
        },
        { date: sent },
      );
    });
    t.after(() => srv.close());
    const client = createOktaClient({ orgUrl: srv.url, clientId: '0oa1', privateKey, dpop: false });
    t.after(() => client.close());
    await assert.rejects(client.tokens.getToken(), OAuthError);
    assert.equal(srv.requests.length, 1, 'no request signed with a believed offset');
    const { iat } = assertionClaims(srv.requests[0]!.body);
    assert.ok(Math.abs(iat * 1000 - Date.now()) < 60_000, 'the assertion was signed on the local clock');
    assert.equal(client.metrics().clock.skewMs, 0);
  });
}

function withDate(date: string): HttpResponse {
  return {
    status: 401,
    headers: { date },
    body: '',
    url: new URL('https://example.okta.com/oauth2/v1/token'),
  };
}

void test('ServerClock: IMF-fixdate only, bounded to an hour, the refusal direction checked, small offsets clear', () => {
  const local = 1_700_000_000_000;
  const clock = new ServerClock(() => local);
  const at = (offsetMs: number): string => new Date(local + offsetMs).toUTCString();
  assert.equal(clock.learnFrom(withDate(at(-120_000)), local, 'ahead'), -119_500);
  assert.equal(clock.now(), local - 119_500);
  assert.equal(clock.learnFrom(withDate(at(-120_000)), local, 'ahead'), undefined, 'unchanged');
  assert.equal(clock.learnFrom(withDate(at(120_000)), local, 'ahead'), undefined, 'wrong direction');
  assert.equal(clock.learnFrom(withDate(at(2 * 3_600_000)), local, 'behind'), undefined, 'over an hour');
  assert.equal(clock.learnFrom(withDate('Mon, 14 Nov 2023 22:13:20 +0000'), local, 'ahead'), undefined);
  assert.equal(clock.offsetMs, -119_500);
  assert.equal(clock.learnFrom(withDate(at(0)), local, 'behind'), 0, 'agreeing clocks clear the offset');
  assert.equal(clock.offsetMs, 0);
});

void test('timeClaimRefusal: which way each of the time-claim texts says the host clock is off', () => {
  assert.equal(
    timeClaimRefusal('The client_assertion token must be issued before the current time.'),
    'ahead',
  );
  assert.equal(timeClaimRefusal('The DPoP proof JWT was issued in the future.'), 'ahead');
  assert.equal(
    timeClaimRefusal('The client_assertion token has an expiration too far into the future.'),
    'ahead',
  );
  assert.equal(timeClaimRefusal('The client_assertion token is expired.'), 'behind');
  assert.equal(timeClaimRefusal('The client_assertion JWT kid is invalid.'), undefined);
  assert.equal(timeClaimRefusal(undefined), undefined);
});
