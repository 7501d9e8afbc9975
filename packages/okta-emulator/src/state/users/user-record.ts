/**
 * The user record: statuses, profile attributes of the default schema, and which attributes are
 * searchable.
 */
/** User statuses (management.yaml `UserStatus`). */
export const USER_STATUSES = [
  'STAGED',
  'PROVISIONED',
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
] as const;

/** A user's lifecycle status. */
export type UserStatus = (typeof USER_STATUSES)[number];

/** Profile attribute values: the default schema only holds strings (or null to clear). */
export type ProfileValue = string | null;

/** A user profile: the default schema's attributes that are set (see {@link PROFILE_ATTRIBUTES}). */
export type UserProfile = Record<string, ProfileValue>;

/**
 * A stored user. Timestamps are ISO-8601 strings with milliseconds and `Z`, so the record is
 * JSON as it stands and the response factory only arranges keys. Records are replaced, never mutated,
 * on update: caches keyed by the record object stay valid.
 */
export interface UserRecord {
  readonly id: string;
  readonly status: UserStatus;
  readonly created: string;
  readonly activated: string | null;
  readonly statusChanged: string | null;
  readonly lastLogin: string | null;
  readonly lastUpdated: string;
  readonly passwordChanged: string | null;
  readonly typeId: string;
  readonly profile: Readonly<UserProfile>;
  /** Whether a password is set (its value is never stored). */
  readonly hasPassword: boolean;
  readonly recoveryQuestion: string | null;
  readonly provider: { readonly type: string; readonly name: string };
  /** Increases on every write; feeds the `ETag`. */
  readonly revision: number;
}

/** A default-schema profile attribute: its length limits and whether it must be an email (management.yaml `UserProfile`). */
export interface ProfileAttribute {
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly email?: boolean;
  readonly required?: boolean;
}

/**
 * The default user schema (management.yaml `UserProfile`). `login`, `email`, `firstName`, `lastName` are required
 * by Okta's default schema; `login` is capped at 100 (undocumented limit, chosen here) and must look like an email
 * (Okta's default login pattern; undocumented, chosen here).
 */
export const PROFILE_ATTRIBUTES: Readonly<Record<string, ProfileAttribute>> = {
  login: { required: true, minLength: 5, maxLength: 100, email: true },
  email: { required: true, minLength: 5, maxLength: 100, email: true },
  secondEmail: { minLength: 5, maxLength: 100, email: true },
  firstName: { required: true, minLength: 1, maxLength: 50 },
  lastName: { required: true, minLength: 1, maxLength: 50 },
  middleName: {},
  honorificPrefix: {},
  honorificSuffix: {},
  title: {},
  displayName: {},
  nickName: {},
  profileUrl: {},
  mobilePhone: { maxLength: 100 },
  primaryPhone: { maxLength: 100 },
  streetAddress: { maxLength: 1024 },
  city: { maxLength: 128 },
  state: { maxLength: 128 },
  zipCode: { maxLength: 50 },
  countryCode: { maxLength: 2 },
  postalAddress: { maxLength: 4096 },
  preferredLanguage: {},
  locale: {},
  timezone: {},
  userType: {},
  employeeNumber: {},
  costCenter: {},
  organization: {},
  division: {},
  department: {},
  managerId: {},
  manager: {},
};

/** Top-level user properties `search` may name besides `profile.*`. */
export const SEARCHABLE_TOP_LEVEL = [
  'id',
  'status',
  'created',
  'activated',
  'statusChanged',
  'lastUpdated',
] as const;
