/**
 * The IAM records the org keeps: client role assignments, custom roles, groups and resource sets, as
 * plain data (what the stores hold, the snapshot persists and the authorization decisions read).
 */
import type { ResourceRef } from './resource-ref.js';
import type { StandardRoleType } from './standard-roles.js';

/** A role assigned to a client (service app) */
export type ClientRoleAssignment =
  | {
      readonly id: string;
      readonly type: StandardRoleType;
      readonly created: string;
      readonly lastUpdated: string;
    }
  | {
      readonly id: string;
      readonly type: 'CUSTOM';
      readonly role: string;
      readonly resourceSet: string;
      readonly created: string;
      readonly lastUpdated: string;
    };

/** A custom admin role (`cr0…`) and its permissions. */
export interface CustomRoleRecord {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly permissions: readonly string[];
  readonly created: string;
  readonly lastUpdated: string;
}

/** A stored Okta group (`OKTA_GROUP`), minimal: enough to scope resource sets over group members. */
export interface GroupRecord {
  readonly id: string;
  readonly created: string;
  readonly lastUpdated: string;
  readonly lastMembershipUpdated: string;
  readonly name: string;
  readonly description: string | null;
}

/** Persisted form of the group store. */
export interface GroupStoreJson {
  groups: GroupRecord[];
  members: Record<string, string[]>;
}

/** One resource inside a resource set (`ire…`). */
export interface ResourceEntry {
  readonly id: string;
  readonly ref: ResourceRef;
  readonly created: string;
  readonly lastUpdated: string;
}

/** A binding member (`irb…`): a user, group or client URL bound to a role in this set. */
export interface BindingMember {
  readonly id: string;
  readonly href: string;
  readonly created: string;
  readonly lastUpdated: string;
}

/** A resource set (`iam…`). */
export interface ResourceSetRecord {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly resources: readonly ResourceEntry[];
  /** role id -> members. */
  readonly bindings: Readonly<Record<string, readonly BindingMember[]>>;
  readonly created: string;
  readonly lastUpdated: string;
}
