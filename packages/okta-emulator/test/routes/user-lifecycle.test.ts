import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lifecycleTransition } from '../../src/state/users/user-lifecycle.js';
import { harness, type Harness } from '../helpers/platform-fixtures.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

void describe('user lifecycle transitions (pure)', () => {
  void test('Okta status rules', () => {
    assert.deepEqual(lifecycleTransition('activate', 'STAGED', true), { status: 'ACTIVE' });
    assert.deepEqual(lifecycleTransition('activate', 'STAGED', false), { status: 'PROVISIONED' });
    assert.deepEqual(lifecycleTransition('activate', 'ACTIVE', true), { error: 'E0000016' });
    assert.deepEqual(lifecycleTransition('suspend', 'ACTIVE', true), { status: 'SUSPENDED' });
    assert.deepEqual(lifecycleTransition('suspend', 'STAGED', true), { error: 'E0000038' });
    assert.deepEqual(lifecycleTransition('unsuspend', 'SUSPENDED', true), { status: 'ACTIVE' });
    assert.deepEqual(lifecycleTransition('unsuspend', 'ACTIVE', true), { error: 'E0000038' });
    assert.deepEqual(lifecycleTransition('unlock', 'LOCKED_OUT', true), { status: 'ACTIVE' });
    assert.deepEqual(lifecycleTransition('unlock', 'ACTIVE', true), { error: 'E0000032' });
    assert.deepEqual(lifecycleTransition('deactivate', 'SUSPENDED', true), { status: 'DEPROVISIONED' });
    assert.deepEqual(lifecycleTransition('reactivate', 'PROVISIONED', false), { status: 'PROVISIONED' });
    assert.deepEqual(lifecycleTransition('reactivate', 'ACTIVE', true), { error: 'E0000038' });
    assert.deepEqual(lifecycleTransition('expire_password', 'ACTIVE', true), { status: 'PASSWORD_EXPIRED' });
    assert.deepEqual(lifecycleTransition('expire_password', 'ACTIVE', false), { error: 'E0000038' });
  });
});

void describe('POST /api/v1/users/{id}/lifecycle/*', () => {
  let h: Harness;
  let admin: Record<string, string>;
  before(async () => {
    h = await harness();
    admin = { authorization: `SSWS ${h.emu.adminToken}` };
  });
  after(() => h.close());
  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers = admin) =>
    h.emu.app.inject({
      method,
      url,
      headers: payload === undefined && method === 'POST' ? { ...headers, 'content-length': '0' } : headers,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  let n = 0;
  const newUser = async (activate: boolean, password = true) => {
    n++;
    const res = await inject('POST', `/api/v1/users?activate=${activate}`, {
      profile: {
        firstName: 'Life',
        lastName: `Cycle${n}`,
        email: `life${n}@example.com`,
        login: `life${n}@example.com`,
      },
      ...(password ? { credentials: { password: { value: 'Abcd1234#@' } } } : {}),
    });
    assert.equal(res.statusCode, 200);
    return (res.json() as Json).id as string;
  };
  const status = async (id: string) => ((await inject('GET', `/api/v1/users/${id}`)).json() as Json).status;

  void test('activate a STAGED user (sendEmail=false returns the activation token); again → 403 E0000016', async () => {
    const id = await newUser(false);
    assert.equal(await status(id), 'STAGED');
    const res = await inject('POST', `/api/v1/users/${id}/lifecycle/activate?sendEmail=false`);
    assert.equal(res.statusCode, 200);
    assert.equal(typeof (res.json() as Json).activationToken, 'string');
    assert.equal(await status(id), 'ACTIVE');
    const again = await inject('POST', `/api/v1/users/${id}/lifecycle/activate?sendEmail=false`);
    assert.equal(again.statusCode, 403);
    assert.equal((again.json() as Json).errorCode, 'E0000016');
  });

  void test('suspend → SUSPENDED, unsuspend → ACTIVE; suspend of a SUSPENDED user is 403 E0000038', async () => {
    const id = await newUser(true);
    assert.equal((await inject('POST', `/api/v1/users/${id}/lifecycle/suspend`)).statusCode, 200);
    assert.equal(await status(id), 'SUSPENDED');
    const twice = await inject('POST', `/api/v1/users/${id}/lifecycle/suspend`);
    assert.equal(twice.statusCode, 403);
    assert.equal((twice.json() as Json).errorCode, 'E0000038');
    assert.equal((await inject('POST', `/api/v1/users/${id}/lifecycle/unsuspend`)).statusCode, 200);
    assert.equal(await status(id), 'ACTIVE');
  });

  void test('unlock of a user who is not locked out is 403 E0000032', async () => {
    const id = await newUser(true);
    const res = await inject('POST', `/api/v1/users/${id}/lifecycle/unlock`);
    assert.equal(res.statusCode, 403);
    assert.equal((res.json() as Json).errorCode, 'E0000032');
    assert.equal((res.json() as Json).errorSummary, 'Unlock is not allowed for this user.');
  });

  void test('expire_password returns the user in PASSWORD_EXPIRED', async () => {
    const id = await newUser(true);
    const res = await inject('POST', `/api/v1/users/${id}/lifecycle/expire_password`);
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as Json).status, 'PASSWORD_EXPIRED');
  });

  void test('deactivate → DEPROVISIONED; then DELETE removes the user (404 after)', async () => {
    const id = await newUser(true);
    assert.equal((await inject('POST', `/api/v1/users/${id}/lifecycle/deactivate`)).statusCode, 200);
    assert.equal(await status(id), 'DEPROVISIONED');
    assert.equal((await inject('DELETE', `/api/v1/users/${id}`)).statusCode, 204);
    assert.equal((await inject('GET', `/api/v1/users/${id}`)).statusCode, 404);
  });

  void test('reset_factors and DELETE sessions answer without changing the status', async () => {
    const id = await newUser(true);
    assert.equal((await inject('POST', `/api/v1/users/${id}/lifecycle/reset_factors`)).statusCode, 200);
    assert.equal((await inject('DELETE', `/api/v1/users/${id}/sessions`)).statusCode, 204);
    assert.equal(await status(id), 'ACTIVE');
  });

  void test('an unknown user is 404 E0000007', async () => {
    const res = await inject('POST', '/api/v1/users/00uNOSUCHUSER0000000/lifecycle/suspend');
    assert.equal(res.statusCode, 404);
    assert.equal((res.json() as Json).errorCode, 'E0000007');
  });
});
