import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OktaApiError } from '../../../src/lib/errors.js';
import {
  normalizeProfile,
  parseUserWriteBody,
  summaryField,
  validateProfile,
} from '../../../src/state/users/user-validation.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof OktaApiError) return e.errorCode;
    throw e;
  }
  return 'none';
};

void describe('user write bodies and profile validation (facts §3.4–§3.6)', () => {
  void test('guide troubleshooting: firstName outside "profile" is E0000003; so are wrong container types', () => {
    assert.equal(
      code(() => parseUserWriteBody({ firstName: 'Ada' }, 'update')),
      'E0000003',
    );
    assert.equal(
      code(() => parseUserWriteBody([], 'update')),
      'E0000003',
    );
    assert.equal(
      code(() => parseUserWriteBody({ profile: 'Ada' }, 'update')),
      'E0000003',
    );
    assert.equal(
      code(() => parseUserWriteBody({ credentials: { password: 'x' } }, 'update')),
      'E0000003',
    );
    assert.equal(
      code(() => parseUserWriteBody({ groupIds: ['00g1'] }, 'update')),
      'E0000003',
      'groupIds only on create',
    );
    assert.equal(
      code(() => parseUserWriteBody({ groupIds: ['00g1'] }, 'create')),
      'none',
    );
  });

  void test('profile values: strings and null pass, numbers are left for validation to refuse, objects are E0000001', () => {
    const profile = normalizeProfile(
      parseUserWriteBody({ profile: { firstName: 'A', nickName: null, employeeNumber: 42 } }, 'update')
        .profile!,
    );
    assert.equal(Object.getPrototypeOf(profile), null);
    assert.deepEqual({ ...profile }, { firstName: 'A', nickName: null, employeeNumber: 42 });
    assert.deepEqual(
      validateProfile({
        login: 'ada@example.com',
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'L',
        employeeNumber: 42,
      }),
      ['employeeNumber: Does not match required type'],
    );
    assert.equal(
      code(() => parseUserWriteBody({ profile: { firstName: { a: 1 } } }, 'update')),
      'E0000001',
    );
  });

  void test('credentials: password value (min 8), recovery question, provider', () => {
    const body = parseUserWriteBody(
      {
        credentials: {
          password: { value: 'long-enough' },
          recovery_question: { question: 'Q?', answer: 'answer' },
          provider: { type: 'OKTA', name: 'OKTA' },
        },
      },
      'create',
    );
    assert.equal(body.password, 'long-enough');
    assert.equal(body.recoveryQuestion, 'Q?');
    assert.deepEqual(body.provider, { type: 'OKTA', name: 'OKTA' });
    assert.equal(
      code(() => parseUserWriteBody({ credentials: { password: { value: 'short' } } }, 'update')),
      'E0000001',
    );
  });

  void test('validateProfile: required blanks in Okta order, login email format, lengths, unknown attributes', () => {
    assert.deepEqual(
      validateProfile({
        login: 'ada@example.com',
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'L',
      }),
      [],
    );
    assert.deepEqual(
      validateProfile({ login: 'ada', email: 'ada@example.com', firstName: 'Ada', lastName: 'L' }),
      ['login: Username must be in the form of an email address', 'login: The field is too short'],
    );
    assert.deepEqual(
      validateProfile({
        login: 'ada@example.com',
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: null,
      }),
      ['lastName: The field cannot be left blank'],
    );
    assert.deepEqual(
      validateProfile({
        login: 'ada@example.com',
        email: 'ada@example.com',
        firstName: 'Ada',
        lastName: 'L',
        countryCode: 'USA',
        favouriteColour: 'blue',
      }),
      ['countryCode: The field is too long', "Property name 'favouriteColour' is not defined in profile"],
    );
  });

  void test('summaryField names the first failing field', () => {
    assert.equal(summaryField(['firstName: The field cannot be left blank']), 'firstName');
    assert.equal(summaryField(["Property name 'x' is not defined in profile"]), 'x');
  });
});
