/**
 * The Okta User object as the Users API returns it (management API `User`; facts §3.5). Only the fields a
 * service app commonly reads are typed; custom profile attributes are allowed through the index signature.
 */

/** Lifecycle status of a user. */
export type OktaUserStatus =
  | 'STAGED'
  | 'PROVISIONED'
  | 'ACTIVE'
  | 'RECOVERY'
  | 'PASSWORD_EXPIRED'
  | 'LOCKED_OUT'
  | 'SUSPENDED'
  | 'DEPROVISIONED';

/** The default profile attributes; custom attributes appear as extra keys. */
export interface OktaUserProfile {
  login: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  secondEmail?: string | null;
  middleName?: string | null;
  honorificPrefix?: string | null;
  honorificSuffix?: string | null;
  title?: string | null;
  displayName?: string | null;
  nickName?: string | null;
  profileUrl?: string | null;
  mobilePhone?: string | null;
  primaryPhone?: string | null;
  streetAddress?: string | null;
  city?: string | null;
  state?: string | null;
  zipCode?: string | null;
  countryCode?: string | null;
  postalAddress?: string | null;
  preferredLanguage?: string | null;
  locale?: string | null;
  timezone?: string | null;
  userType?: string | null;
  employeeNumber?: string | null;
  costCenter?: string | null;
  organization?: string | null;
  division?: string | null;
  department?: string | null;
  managerId?: string | null;
  manager?: string | null;
  [attribute: string]: unknown;
}

/** A link in `_links`. */
export interface OktaLink {
  href: string;
  method?: string;
}

/** An Okta user. Timestamps are ISO-8601 UTC strings; the nullable ones are present as `null`. */
export interface OktaUser {
  /** `00u…` */
  id: string;
  status: OktaUserStatus;
  transitioningToStatus?: 'ACTIVE' | 'DEPROVISIONED' | 'PROVISIONED';
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type?: { id: string };
  realmId?: string;
  profile: OktaUserProfile;
  credentials?: {
    password?: Record<string, unknown>;
    recovery_question?: { question: string };
    provider?: { type: string; name: string };
  };
  _links?: Record<string, OktaLink | OktaLink[]>;
  _embedded?: Record<string, unknown>;
}

/** A partial profile for `updateProfile` (POST merges: only the given attributes change). */
export type OktaUserProfileUpdate = Partial<OktaUserProfile>;
