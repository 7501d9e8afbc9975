import type { UserRecord } from '../../src/state/users/user-record.js';

/** A user record for pure tests; override what matters. */
export function makeUser(
  overrides: Partial<UserRecord> & { profile?: Record<string, string | null> } = {},
): UserRecord {
  return {
    id: '00u1abcdefghijklmnop',
    status: 'ACTIVE',
    created: '2024-01-01T00:00:00.000Z',
    activated: '2024-01-01T00:00:01.000Z',
    statusChanged: '2024-01-01T00:00:01.000Z',
    lastLogin: null,
    lastUpdated: '2024-02-01T10:00:00.000Z',
    passwordChanged: '2024-01-01T00:00:01.000Z',
    typeId: 'oty1abcdefghijklmnop',
    hasPassword: true,
    recoveryQuestion: null,
    provider: { type: 'OKTA', name: 'OKTA' },
    revision: 1,
    ...overrides,
    profile: {
      firstName: 'Isaac',
      lastName: 'Brock',
      login: 'isaac.brock@example.com',
      email: 'isaac.brock@example.com',
      department: 'Engineering',
      ...(overrides.profile ?? {}),
    },
  };
}
