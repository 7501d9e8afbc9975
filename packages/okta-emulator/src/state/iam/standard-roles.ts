/**
 * The standard admin role types and the permissions each holds.
 */
/** Standard role types a client can be assigned (management.yaml `RoleType`), without `CUSTOM`. */
export const STANDARD_ROLE_TYPES = [
  'SUPER_ADMIN',
  'ORG_ADMIN',
  'APP_ADMIN',
  'USER_ADMIN',
  'HELP_DESK_ADMIN',
  'READ_ONLY_ADMIN',
  'REPORT_ADMIN',
  'API_ACCESS_MANAGEMENT_ADMIN',
  'GROUP_MEMBERSHIP_ADMIN',
  'ACCESS_CERTIFICATIONS_ADMIN',
  'ACCESS_REQUESTS_ADMIN',
  'WORKFLOWS_ADMIN',
] as const;

/** A standard role type. */
export type StandardRoleType = (typeof STANDARD_ROLE_TYPES)[number];

/** Console label and what the role may do to users and groups in this emulator. */
export interface StandardRoleDefinition {
  readonly label: string;
  /** `'all'` for Super Admin (the only role that may use the IAM and role-assignment APIs). */
  readonly permissions: ReadonlySet<string> | 'all';
}

const none: ReadonlySet<string> = new Set();

/**
 * Standard roles as permission sets over all users/groups (standard roles are not resource-scoped here;
 * group targets are not modelled). Choices (docs/emulator-coverage.md): ORG_ADMIN manages users and
 * groups but not admin roles; READ_ONLY_ADMIN reads only (seen on real orgs); USER_ADMIN ("Group
 * Administrator") reads, creates, edits profiles and runs lifecycle/credential actions on users;
 * HELP_DESK_ADMIN reads users and resets passwords/factors/unlocks but cannot edit profiles;
 * GROUP_MEMBERSHIP_ADMIN reads users/groups and manages membership; the others carry no user or
 * group permissions.
 */
export const STANDARD_ROLES: Readonly<Record<StandardRoleType, StandardRoleDefinition>> = {
  SUPER_ADMIN: { label: 'Super Administrator', permissions: 'all' },
  ORG_ADMIN: {
    label: 'Organizational Administrator',
    permissions: new Set(['okta.users.manage', 'okta.groups.manage', 'okta.apps.manage']),
  },
  APP_ADMIN: { label: 'Application Administrator', permissions: new Set(['okta.apps.manage']) },
  USER_ADMIN: {
    label: 'Group Administrator',
    permissions: new Set([
      'okta.users.read',
      'okta.users.create',
      'okta.users.userprofile.manage',
      'okta.users.lifecycle.manage',
      'okta.users.credentials.manage',
      'okta.users.groupMembership.manage',
      'okta.groups.read',
    ]),
  },
  HELP_DESK_ADMIN: {
    label: 'Help Desk Administrator',
    permissions: new Set([
      'okta.users.read',
      'okta.users.credentials.resetPassword',
      'okta.users.credentials.resetFactors',
      'okta.users.lifecycle.unlock',
      'okta.groups.read',
    ]),
  },
  READ_ONLY_ADMIN: {
    label: 'Read Only Administrator',
    permissions: new Set(['okta.users.read', 'okta.groups.read', 'okta.apps.read']),
  },
  REPORT_ADMIN: { label: 'Report Administrator', permissions: none },
  API_ACCESS_MANAGEMENT_ADMIN: { label: 'API Access Management Administrator', permissions: none },
  GROUP_MEMBERSHIP_ADMIN: {
    label: 'Group Membership Administrator',
    permissions: new Set(['okta.users.read', 'okta.groups.read', 'okta.groups.members.manage']),
  },
  ACCESS_CERTIFICATIONS_ADMIN: { label: 'Access Certifications Administrator', permissions: none },
  ACCESS_REQUESTS_ADMIN: { label: 'Access Requests Administrator', permissions: none },
  WORKFLOWS_ADMIN: { label: 'Workflows Administrator', permissions: none },
};

/** Type guard for standard role types. */
export function isStandardRoleType(value: unknown): value is StandardRoleType {
  return typeof value === 'string' && (STANDARD_ROLE_TYPES as readonly string[]).includes(value);
}
