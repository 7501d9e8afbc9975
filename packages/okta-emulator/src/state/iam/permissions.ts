/**
 * Custom-role permission strings and which permission implies which.
 */
/**
 * Custom-role permission strings (okta-sdk-golang `RolePermissionType`). A custom role may
 * only hold these; anything else is a validation error.
 */
export const KNOWN_PERMISSIONS: ReadonlySet<string> = new Set([
  'okta.apps.assignment.manage',
  'okta.apps.manage',
  'okta.apps.manageFirstPartyApps',
  'okta.apps.read',
  'okta.authzServers.manage',
  'okta.authzServers.read',
  'okta.customizations.manage',
  'okta.customizations.read',
  'okta.governance.accessCertifications.manage',
  'okta.governance.accessRequests.manage',
  'okta.groups.appAssignment.manage',
  'okta.groups.create',
  'okta.groups.manage',
  'okta.groups.members.manage',
  'okta.groups.read',
  'okta.profilesources.import.run',
  'okta.users.appAssignment.manage',
  'okta.users.create',
  'okta.users.credentials.expirePassword',
  'okta.users.credentials.manage',
  'okta.users.credentials.resetFactors',
  'okta.users.credentials.resetPassword',
  'okta.users.groupMembership.manage',
  'okta.users.lifecycle.activate',
  'okta.users.lifecycle.clearSessions',
  'okta.users.lifecycle.deactivate',
  'okta.users.lifecycle.delete',
  'okta.users.lifecycle.manage',
  'okta.users.lifecycle.suspend',
  'okta.users.lifecycle.unlock',
  'okta.users.lifecycle.unsuspend',
  'okta.users.manage',
  'okta.users.read',
  'okta.users.userprofile.manage',
]);

/**
 * Which broader permissions include a narrower one: `okta.users.manage` covers every `okta.users.*`
 * permission (including read), `okta.users.lifecycle.manage` every lifecycle action,
 * `okta.users.credentials.manage` every credential action, `okta.groups.manage` every `okta.groups.*`,
 * `okta.apps.manage` `okta.apps.read`. `okta.users.userprofile.manage` does NOT include read: the guide's
 * role pairs it with "View users and their details".
 */
export function impliedBy(required: string): readonly string[] {
  let cached = IMPLIED.get(required);
  if (cached === undefined) {
    cached = computeImpliedBy(required);
    IMPLIED.set(required, cached);
  }
  return cached;
}

/** Memo of {@link impliedBy}: permission checks run on every request, the set of names is small. */
const IMPLIED = new Map<string, readonly string[]>();

function computeImpliedBy(required: string): readonly string[] {
  const parents: string[] = [required];
  if (required.startsWith('okta.users.') && required !== 'okta.users.manage')
    parents.push('okta.users.manage');
  if (required.startsWith('okta.users.lifecycle.') && required !== 'okta.users.lifecycle.manage') {
    parents.push('okta.users.lifecycle.manage');
  }
  if (required.startsWith('okta.users.credentials.') && required !== 'okta.users.credentials.manage') {
    parents.push('okta.users.credentials.manage');
  }
  if (required.startsWith('okta.groups.') && required !== 'okta.groups.manage')
    parents.push('okta.groups.manage');
  if (required === 'okta.apps.read') parents.push('okta.apps.manage');
  return parents;
}

/** True when a permission set (or `'all'`, the Super Admin) grants `required`. */
export function grants(permissions: ReadonlySet<string> | 'all', required: string): boolean {
  if (permissions === 'all') return true;
  for (const p of impliedBy(required)) if (permissions.has(p)) return true;
  return false;
}
