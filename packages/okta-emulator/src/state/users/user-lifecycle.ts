/**
 * The user lifecycle operations (`POST /api/v1/users/{userId}/lifecycle/{operation}`) as a pure transition
 * table: which statuses each operation accepts, the status it leads to, and Okta's error otherwise
 * (management.yaml UserLifecycle descriptions; error texts from Okta's catalogue).
 */
import type { UserStatus } from './user-record.js';

/** The lifecycle operations the emulator serves. */
export const LIFECYCLE_OPERATIONS = [
  'activate',
  'reactivate',
  'deactivate',
  'suspend',
  'unsuspend',
  'unlock',
  'expire_password',
  'reset_factors',
] as const;

/** One lifecycle operation. */
export type LifecycleOperation = (typeof LIFECYCLE_OPERATIONS)[number];

/** Outcome of {@link lifecycleTransition}: the next status, or an Okta error code. */
export type LifecycleOutcome = { status: UserStatus } | { error: 'E0000016' | 'E0000032' | 'E0000038' };

/**
 * What `operation` does to a user in `status` (`hasPassword` decides where activation ends):
 * - activate: STAGED or DEPROVISIONED → ACTIVE with a password, PROVISIONED without; an ACTIVE user is
 *   403 E0000016; other statuses E0000038;
 * - reactivate: PROVISIONED or RECOVERY → PROVISIONED (the activation flow restarts); others E0000038;
 * - deactivate: any status but DEPROVISIONED → DEPROVISIONED; a DEPROVISIONED user stays (no-op);
 * - suspend: only ACTIVE → SUSPENDED; unsuspend: only SUSPENDED → ACTIVE; others E0000038;
 * - unlock: LOCKED_OUT → ACTIVE; anything else 403 E0000032 "Unlock is not allowed for this user.";
 * - expire_password: a user with a password in ACTIVE, PASSWORD_EXPIRED or RECOVERY → PASSWORD_EXPIRED;
 *   others E0000038;
 * - reset_factors: the status stays (the emulator has no factor enrollments to reset); DEPROVISIONED E0000038.
 * @example lifecycleTransition('suspend', 'ACTIVE', true) // { status: 'SUSPENDED' }
 */
export function lifecycleTransition(
  operation: LifecycleOperation,
  status: UserStatus,
  hasPassword: boolean,
): LifecycleOutcome {
  switch (operation) {
    case 'activate':
      if (status === 'ACTIVE') return { error: 'E0000016' };
      if (status === 'STAGED' || status === 'DEPROVISIONED')
        return { status: hasPassword ? 'ACTIVE' : 'PROVISIONED' };
      return { error: 'E0000038' };
    case 'reactivate':
      return status === 'PROVISIONED' || status === 'RECOVERY'
        ? { status: 'PROVISIONED' }
        : { error: 'E0000038' };
    case 'deactivate':
      return { status: 'DEPROVISIONED' };
    case 'suspend':
      return status === 'ACTIVE' ? { status: 'SUSPENDED' } : { error: 'E0000038' };
    case 'unsuspend':
      return status === 'SUSPENDED' ? { status: 'ACTIVE' } : { error: 'E0000038' };
    case 'unlock':
      return status === 'LOCKED_OUT' ? { status: 'ACTIVE' } : { error: 'E0000032' };
    case 'expire_password':
      return hasPassword && (status === 'ACTIVE' || status === 'PASSWORD_EXPIRED' || status === 'RECOVERY')
        ? { status: 'PASSWORD_EXPIRED' }
        : { error: 'E0000038' };
    case 'reset_factors':
      return status === 'DEPROVISIONED' ? { error: 'E0000038' } : { status };
  }
}
