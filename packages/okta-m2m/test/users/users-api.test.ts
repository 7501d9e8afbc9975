// Argument validation happens before anything is sent: the injected transport fails the test if it is called.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestAuthorizer } from '../../src/auth/types.js';
import { InvalidArgumentError } from '../../src/errors.js';
import type { Transport } from '../../src/http/types.js';
import { UsersApi } from '../../src/users/users-api.js';

const transport: Transport = {
  send: () => assert.fail('no request may be sent for a bad argument'),
  close: async () => undefined,
};
const authorizer: RequestAuthorizer = {
  authorize: () => assert.fail('no credentials may be produced for a bad argument'),
  rejectToken: () => undefined,
  insufficientScope: () => false,
  dpopNonce: () => undefined,
};
const users = new UsersApi({ transport, authorizer, orgUrl: 'https://example.okta.com/' });

async function rejectsWith(promise: Promise<unknown>, argument: string, message: RegExp): Promise<void> {
  await assert.rejects(promise, (e: unknown) => {
    assert.ok(e instanceof InvalidArgumentError);
    assert.equal(e.code, 'OKTA_M2M_INVALID_ARGUMENT');
    assert.equal(e.argument, argument);
    assert.match(e.message, message);
    return true;
  });
}

void test('get: the id or login must be a non-empty string', async () => {
  await rejectsWith(users.get(''), 'idOrLogin', /non-empty string/);
  await rejectsWith(users.get('   '), 'idOrLogin', /non-empty string/);
  await rejectsWith(users.get(undefined as unknown as string), 'idOrLogin', /non-empty string/);
});

void test('ids that would leave /api/v1/users/{id} are refused: dot segments, unpaired surrogates', async () => {
  await rejectsWith(users.get('.'), 'idOrLogin', /not "\."/);
  await rejectsWith(users.get('..'), 'idOrLogin', /not "\.\."/);
  // POST /api/v1/users/ would create a user.
  await rejectsWith(users.updateProfile('.', { login: 'x@example.com' }), 'id', /not "\."/);
  await rejectsWith(users.updateName('..', { firstName: 'F', lastName: 'L' }), 'id', /not "\.\."/);
  await rejectsWith(users.get('\uD800'), 'idOrLogin', /surrogate/);
});

void test('updateName: both names 1..50 characters', async () => {
  await rejectsWith(users.updateName('00u1', { firstName: '', lastName: 'L' }), 'firstName', /non-empty/);
  await rejectsWith(
    users.updateName('00u1', { firstName: 'F', lastName: 'x'.repeat(51) }),
    'lastName',
    /at most 50 characters.*got 51/,
  );
  await rejectsWith(
    users.updateName('00u1', { firstName: 7 as unknown as string, lastName: 'L' }),
    'firstName',
    /string/,
  );
  await rejectsWith(
    users.updateName('00u1', undefined as unknown as { firstName: string; lastName: string }),
    'firstName',
    /non-empty/,
  );
  await rejectsWith(users.updateName('', { firstName: 'F', lastName: 'L' }), 'id', /non-empty/);
});

void test('updateProfile: a non-empty object', async () => {
  await rejectsWith(users.updateProfile('00u1', {}), 'profile', /at least one attribute/);
  await rejectsWith(users.updateProfile('00u1', null as unknown as object), 'profile', /object/);
});

void test('list: limit 1..200 and non-empty expressions', async () => {
  await rejectsWith(users.list({ limit: 0 }).next(), 'limit', /1 to 200; got 0/);
  await rejectsWith(users.list({ limit: 201 }).next(), 'limit', /got 201/);
  await rejectsWith(users.list({ limit: 2.5 }).next(), 'limit', /integer/);
  await rejectsWith(users.pages({ search: '' }).next(), 'search', /non-empty/);
});
