import type { GuardContext } from '../authz/guard.js';
import type { ManagementState } from '../management-state.js';

/** What every management route handler sees: the state, the access resolver, and the org URL. */
export interface ManagementContext extends GuardContext {
  readonly state: ManagementState;
}
