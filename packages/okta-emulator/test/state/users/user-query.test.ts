import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OktaApiError } from '../../../src/lib/errors.js';
import { compileSort, compileUserQuery } from '../../../src/state/users/user-query.js';
import { makeUser } from '../../helpers/users.js';

const isaac = makeUser();
const ada = makeUser({
  id: '00u2abcdefghijklmnop',
  status: 'STAGED',
  lastUpdated: '2023-05-01T00:00:00.000Z',
  profile: {
    firstName: 'Ada',
    lastName: 'Lovelace',
    login: 'ada@example.com',
    email: 'ada@example.com',
    department: 'Math',
  },
});

function matches(expr: string, dialect: 'filter' | 'search'): string[] {
  const p = compileUserQuery(expr, dialect);
  return [isaac, ada].filter(p).map((u) => u.profile.firstName!);
}

function rejects(expr: string, dialect: 'filter' | 'search'): void {
  assert.throws(
    () => compileUserQuery(expr, dialect),
    (e: unknown) => e instanceof OktaApiError && e.errorCode === 'E0000031' && e.statusCode === 400,
    expr,
  );
}

void describe('filter (facts §3.2)', () => {
  void test('§3.2 filter: eq on the listed fields, and/or, parentheses; values case-sensitive, operators not', () => {
    assert.deepEqual(matches('status eq "ACTIVE"', 'filter'), ['Isaac']);
    assert.deepEqual(matches('status EQ "ACTIVE"', 'filter'), ['Isaac']);
    assert.deepEqual(matches('status eq "active"', 'filter'), []);
    assert.deepEqual(matches('profile.login eq "ada@example.com"', 'filter'), ['Ada']);
    assert.deepEqual(matches('profile.firstName eq "Ada" or profile.lastName eq "Brock"', 'filter'), [
      'Isaac',
      'Ada',
    ]);
    assert.deepEqual(
      matches('(status eq "STAGED" or status eq "ACTIVE") and profile.email eq "ada@example.com"', 'filter'),
      ['Ada'],
    );
    assert.deepEqual(matches(`id eq "${isaac.id}"`, 'filter'), ['Isaac']);
  });

  void test('§3.2 filter: lastUpdated allows gt/ge/lt/le with ISO dates', () => {
    assert.deepEqual(matches('lastUpdated gt "2024-01-01T00:00:00.000Z"', 'filter'), ['Isaac']);
    assert.deepEqual(matches('lastUpdated lt "2024-01-01T00:00:00.000Z"', 'filter'), ['Ada']);
    assert.deepEqual(matches('lastUpdated ge "2024-02-01T10:00:00.000Z"', 'filter'), ['Isaac']);
    assert.deepEqual(
      matches(
        'lastUpdated gt "2013-06-01T00:00:00.000Z" and lastUpdated lt "2024-01-01T00:00:00.000Z"',
        'filter',
      ),
      ['Ada'],
    );
  });

  void test('§3.2 filter rejects other fields, other operators, not, pr and bad dates (E0000031)', () => {
    rejects('profile.department eq "Math"', 'filter');
    rejects('status sw "A"', 'filter');
    rejects('status gt "A"', 'filter');
    rejects('not status eq "ACTIVE"', 'filter');
    rejects('status pr', 'filter');
    rejects('lastUpdated gt "yesterday"', 'filter');
    rejects('status eq ACTIVE', 'filter');
  });
});

void describe('search (facts §3.2)', () => {
  void test('§3.2 search: any profile attribute, string values case-insensitive, sw/co/pr', () => {
    assert.deepEqual(matches('profile.department eq "math"', 'search'), ['Ada']);
    assert.deepEqual(matches('profile.lastName sw "LOVE"', 'search'), ['Ada']);
    assert.deepEqual(matches('profile.email co "brock"', 'search'), ['Isaac']);
    assert.deepEqual(matches('profile.department pr', 'search'), ['Isaac', 'Ada']);
    assert.deepEqual(matches('profile.nickName pr', 'search'), []);
    assert.deepEqual(matches('type.id eq "oty1abcdefghijklmnop"', 'search'), ['Isaac', 'Ada']);
    assert.deepEqual(matches('(status lt "STAGED" or status gt "STAGED")', 'search'), ['Isaac']);
  });

  void test('§3.2 search: created/activated/statusChanged/lastUpdated compare as dates', () => {
    assert.deepEqual(
      matches(
        'created lt "2025-01-01T00:00:00.000Z" and lastUpdated gt "2024-01-01T00:00:00.000Z"',
        'search',
      ),
      ['Isaac'],
    );
  });

  void test('§3.2 search rejects ne, not, co outside firstName/lastName/email/login, unknown top-level fields', () => {
    rejects('status ne "ACTIVE"', 'search');
    rejects('not (status eq "ACTIVE")', 'search');
    rejects('profile.department co "at"', 'search');
    rejects('password eq "x"', 'search');
    rejects('profile.lastName eq', 'search');
    rejects('profile.lastName eq "x" and', 'search');
    rejects('"x" eq profile.lastName', 'search');
    rejects('profile.lastName eq "unterminated', 'search');
    rejects('', 'search');
    rejects('('.repeat(40) + 'status eq "A"' + ')'.repeat(40), 'search');
    rejects('x'.repeat(3000), 'search');
  });

  void test('sortBy/sortOrder order by the attribute, ties by id, absent values last', () => {
    const noDept = makeUser({ id: '00u0abcdefghijklmnop', profile: { department: null } });
    const asc = [isaac, ada, noDept].sort(compileSort('profile.department', 'asc')).map((u) => u.id);
    assert.deepEqual(asc, [isaac.id, ada.id, noDept.id]);
    const desc = [isaac, ada, noDept].sort(compileSort('profile.department', 'DESC')).map((u) => u.id);
    assert.deepEqual(desc, [ada.id, isaac.id, noDept.id]);
    assert.throws(() => compileSort('profile.department', 'sideways'), OktaApiError);
    assert.throws(() => compileSort('secret', undefined), OktaApiError);
  });
});
