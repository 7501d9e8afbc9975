/**
 * A resource server that demands a DPoP nonce (RFC 9449 §9), end to end against the emulator's opt-in
 * resource-nonce mode (Okta does not require one at /api/v1, facts §2.4, but may start to): the call is sent again
 * exactly once with a proof carrying the nonce, the nonce is remembered for later calls, and a server that keeps
 * demanding fails the call with a DpopError after that one retry, never a loop. Counts come from the emulator
 * (`apiRequestsByRoute`) and, in order, from the library's request diagnostics channel.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { startEmulator } from 'okta-emulator';
import type { RunningEmulator, ServiceAppCredentials } from 'okta-emulator';
import type { OktaClient } from '../../src/client.js';
import { DpopError } from '../../src/errors.js';
import { CHANNELS } from '../../src/observability/events.js';
import type { RequestEvent } from '../../src/observability/events.js';
import { clientFor } from '../helpers/emulator-client.js';

const GET_USER = 'GET /api/v1/users/:id';
const LIST_USERS = 'GET /api/v1/users';
const UPDATE_USER = 'POST /api/v1/users/:id';

let emu: RunningEmulator;
let app: ServiceAppCredentials;
let userId: string;

before(async () => {
  emu = await startEmulator({ seedUsers: 5 });
  app = await emu.createServiceApp({ dpop: true });
  const res = await fetch(`${emu.url}/api/v1/users?limit=1`, {
    headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
  });
  const [first] = (await res.json()) as { id: string }[];
  assert.ok(first, 'the emulator seeded users');
  userId = first.id;
});
after(() => emu.close());

/** What one piece of work cost: API requests per emulator route, token requests, and the statuses the client saw. */
interface Cost<T> {
  value: T;
  byRoute: Record<string, number>;
  tokenRequests: number;
  statuses: (number | undefined)[];
}

async function cost<T>(fn: () => Promise<T>): Promise<Cost<T>> {
  const before = emu.built.stats();
  const routesBefore = { ...before.apiRequestsByRoute };
  const tokensBefore = before.tokenRequests;
  const statuses: (number | undefined)[] = [];
  const listener = (message: unknown) => {
    const event = message as RequestEvent;
    if (event.operation !== 'token') statuses.push(event.status);
  };
  subscribe(CHANNELS.request, listener);
  try {
    const value = await fn();
    const after = emu.built.stats();
    const byRoute: Record<string, number> = {};
    for (const [route, n] of Object.entries(after.apiRequestsByRoute)) {
      const d = n - (routesBefore[route] ?? 0);
      if (d !== 0) byRoute[route] = d;
    }
    return { value, byRoute, tokenRequests: after.tokenRequests - tokensBefore, statuses };
  } finally {
    unsubscribe(CHANNELS.request, listener);
  }
}

async function rotateNonce(): Promise<void> {
  const res = await fetch(`${emu.url}/__emulator/dpop/rotate-nonce`, { method: 'POST' });
  assert.equal(res.status, 200);
}

/** Two rotations: the nonce the client holds is then neither the current nor the previous one. */
async function makeClientNonceStale(): Promise<void> {
  await rotateNonce();
  await rotateNonce();
}

async function setMode(body: { enabled: boolean; always?: boolean }): Promise<void> {
  const res = await fetch(`${emu.url}/__emulator/dpop/resource-nonce`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200);
}

async function listAll(client: OktaClient): Promise<string[]> {
  const ids: string[] = [];
  for await (const user of client.users.list()) ids.push(user.id);
  return ids;
}

void describe('resource server demands a DPoP nonce', () => {
  let client: OktaClient;
  before(async () => {
    await setMode({ enabled: true });
    client = clientFor(emu, app, { dpop: true });
  });
  after(async () => {
    await client.close();
    await setMode({ enabled: false });
  });

  void test('the nonce from the token handshake is the org nonce: the very first API call needs no retry', async () => {
    const first = await cost(() => client.users.get(userId));
    assert.equal(first.value.id, userId);
    assert.ok(first.tokenRequests >= 2, 'the token was fetched with the DPoP nonce handshake');
    assert.deepEqual(first.byRoute, { [GET_USER]: 1 });
    assert.deepEqual(first.statuses, [200]);
  });

  void test('users.get with a stale nonce: 401 use_dpop_nonce, one retry with the new nonce (2 requests); the next call 1', async () => {
    await makeClientNonceStale();
    const first = await cost(() => client.users.get(userId));
    assert.equal(first.value.id, userId);
    assert.deepEqual(first.byRoute, { [GET_USER]: 2 });
    assert.deepEqual(first.statuses, [401, 200]);
    assert.equal(first.tokenRequests, 0, 'a nonce demand keeps the token');

    const next = await cost(() => client.users.get(userId));
    assert.deepEqual(next.byRoute, { [GET_USER]: 1 }, 'the nonce was remembered');
    assert.deepEqual(next.statuses, [200]);
  });

  void test('users.list with a stale nonce: 2 requests, then 1', async () => {
    await makeClientNonceStale();
    const first = await cost(() => listAll(client));
    assert.ok(first.value.includes(userId));
    assert.deepEqual(first.byRoute, { [LIST_USERS]: 2 });
    assert.deepEqual(first.statuses, [401, 200]);

    const next = await cost(() => listAll(client));
    assert.deepEqual(next.value, first.value);
    assert.deepEqual(next.byRoute, { [LIST_USERS]: 1 });
  });

  void test('users.updateName (a write, not retried on 5xx) is still sent again after a nonce demand', async () => {
    await makeClientNonceStale();
    const name = { firstName: 'Nonce', lastName: `Retry${Date.now() % 1000}` };
    const first = await cost(() => client.users.updateName(userId, name));
    assert.equal(first.value.profile.lastName, name.lastName);
    assert.deepEqual(first.byRoute, { [UPDATE_USER]: 2 });
    assert.deepEqual(first.statuses, [401, 200]);

    const read = await cost(() => client.users.get(userId));
    assert.equal(read.value.profile.firstName, 'Nonce');
    assert.equal(read.value.profile.lastName, name.lastName);
    assert.deepEqual(read.byRoute, { [GET_USER]: 1 });
  });
});

void describe('resource server that demands a new nonce on every request', () => {
  let client: OktaClient;
  before(async () => {
    client = clientFor(emu, app, { dpop: true });
    await client.tokens.getToken();
    emu.setDpopResourceNonce('always');
  });
  after(async () => {
    await client.close();
    await setMode({ enabled: false });
  });

  void test('users.get fails with DpopError after exactly one retry; the token is kept', async () => {
    const outcome = await cost(() =>
      client.users.get(userId).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    const error = outcome.value;
    assert.ok(error instanceof DpopError, `a DpopError, got ${String(error)}`);
    assert.equal(error.status, 401);
    assert.equal(error.error, 'use_dpop_nonce');
    assert.equal(error.errorDescription, 'Resource server requires nonce in DPoP proof.');
    assert.match(error.hint ?? '', /nonce/);
    assert.deepEqual(outcome.byRoute, { [GET_USER]: 2 });
    assert.deepEqual(outcome.statuses, [401, 401]);
    assert.equal(outcome.tokenRequests, 0, 'no token churn');
  });

  void test('users.updateName fails the same way after exactly 2 requests and changes nothing', async () => {
    const before = await fetch(`${emu.url}/api/v1/users/${userId}`, {
      headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
    });
    const beforeName = ((await before.json()) as { profile: { lastName: string } }).profile.lastName;
    const outcome = await cost(() =>
      client.users.updateName(userId, { firstName: 'Never', lastName: 'Applied' }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    assert.ok(outcome.value instanceof DpopError);
    assert.deepEqual(outcome.byRoute, { [UPDATE_USER]: 2 });
    const afterRes = await fetch(`${emu.url}/api/v1/users/${userId}`, {
      headers: { authorization: `SSWS ${emu.adminToken}`, accept: 'application/json' },
    });
    assert.equal(((await afterRes.json()) as { profile: { lastName: string } }).profile.lastName, beforeName);
  });

  void test('the newest nonce of the refused retry is kept: once the server accepts nonces again, 1 request', async () => {
    // Each refused request rotated the nonce; one more rotation leaves only the newest one the client saw valid
    // (as the previous nonce): a client that kept an older one would need a retry.
    emu.setDpopResourceNonce(true);
    await rotateNonce();
    const next = await cost(() => client.users.get(userId));
    assert.equal(next.value.id, userId);
    assert.deepEqual(next.byRoute, { [GET_USER]: 1 });
    assert.deepEqual(next.statuses, [200]);
  });
});
