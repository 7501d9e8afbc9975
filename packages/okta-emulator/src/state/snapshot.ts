/**
 * The persisted form of the org (`--state FILE`, `BuiltEmulator.snapshot()`): its shape and the check that
 * a value read back is one, with errors that name the problem and the fix.
 */
import type { OidcApp, SigningKey } from './org-records.js';
import type { UserRecord } from './users/user-record.js';
import type {
  ClientRoleAssignment,
  CustomRoleRecord,
  GroupStoreJson,
  ResourceSetRecord,
} from './iam/iam-records.js';

/** Apps, keys and secrets of the authorization server. */
export interface PlatformSnapshot {
  version: 1;
  orgId: string;
  adminToken: string;
  adminUserId: string;
  signingKey: SigningKey;
  apps: OidcApp[];
}

/** Users, groups, roles, resource sets, assignments and the random sequence. */
export interface ManagementSnapshot {
  version: 1;
  orgId: string;
  defaultTypeId: string;
  schemaId: string;
  random: number;
  users: UserRecord[];
  groups: GroupStoreJson;
  roles: CustomRoleRecord[];
  resourceSets: ResourceSetRecord[];
  clientRoles: Record<string, ClientRoleAssignment[]>;
}

/** What `snapshot()` returns and `restore()` (or the `snapshot` option) takes. */
export interface EmulatorSnapshot {
  kind: 'okta-emulator-state';
  version: 1;
  orgUrl: string;
  platform: unknown;
  management?: unknown;
}

/**
 * Checks that `value` is an {@link EmulatorSnapshot} and returns its two parts, typed; throws a TypeError
 * naming what is wrong.
 *
 * @example
 * const { platform, management } = readSnapshot(JSON.parse(text));
 */
export function readSnapshot(value: unknown): {
  platform: PlatformSnapshot;
  management: ManagementSnapshot | undefined;
} {
  const snap = value as Partial<EmulatorSnapshot> | null;
  if (!snap || typeof snap !== 'object' || snap.kind !== 'okta-emulator-state' || snap.version !== 1) {
    throw new TypeError('The saved state is not an okta-emulator state file (kind/version mismatch).');
  }
  const p = snap.platform as Partial<PlatformSnapshot> | null;
  if (
    !p ||
    typeof p !== 'object' ||
    p.version !== 1 ||
    typeof p.adminToken !== 'string' ||
    !Array.isArray(p.apps)
  ) {
    throw new TypeError('The state file does not hold an okta-emulator platform snapshot (version 1).');
  }
  if (!p.signingKey || typeof p.signingKey.kid !== 'string') {
    throw new TypeError('The state file has no signing key.');
  }
  if (snap.management === undefined) return { platform: p as PlatformSnapshot, management: undefined };
  const m = (
    typeof snap.management === 'string' ? JSON.parse(snap.management) : snap.management
  ) as Partial<ManagementSnapshot> | null;
  if (m === null || typeof m !== 'object' || m.version !== 1 || !Array.isArray(m.users)) {
    throw new TypeError(
      'The management state is not a saved okta-emulator state (expected {"version":1,...}); delete the file to start fresh.',
    );
  }
  return { platform: p as PlatformSnapshot, management: m as ManagementSnapshot };
}
