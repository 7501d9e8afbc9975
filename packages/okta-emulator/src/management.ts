import type { FastifyInstance } from 'fastify';
import { AccessResolver } from './authz/access.js';
import { notFound } from './authz/okta-error.js';
import type { Clock } from './contracts.js';
import type { ClientRoleAssignment } from './iam/client-role-store.js';
import type { CustomRoleRecord } from './iam/custom-role-store.js';
import type { ResourceSetRecord } from './iam/resource-set-store.js';
import type { ManagementState } from './management-state.js';
import {
  ConcurrencyLimiter,
  DEFAULT_CONCURRENCY_LIMIT,
  registerConcurrencyLimit,
} from './plugins/concurrency.js';
import { registerFaultControl } from './plugins/fault-control.js';
import { createFaultsState, registerFaults, type FaultsState } from './plugins/faults.js';
import { RateLimiter, registerRateLimit } from './plugins/rate-limit.js';
import type { ManagementContext } from './routes/context.js';
import { registerGroupRoutes } from './routes/groups.js';
import { registerIamRoutes } from './routes/iam.js';
import { useRawBodies } from './routes/json-body.js';
import { registerUserRoutes } from './routes/users.js';

export {
  createManagementState,
  loadManagementState,
  ManagementState,
  type ManagementStateJson,
  type ManagementStateOptions,
} from './management-state.js';
export { createFaultsState, FaultsState, FaultRuleError } from './plugins/faults.js';
export type { FaultAction, FaultRuleInput, FaultRuleView, FaultStep } from './plugins/faults.js';
export { registerFaultControl } from './plugins/fault-control.js';
export { DEFAULT_QUOTAS, RateLimiter, type BucketName } from './plugins/rate-limit.js';
export { ConcurrencyLimiter, DEFAULT_CONCURRENCY_LIMIT } from './plugins/concurrency.js';

/** Dependencies of {@link registerManagement}. */
export interface ManagementDeps {
  state: ManagementState;
  clock: Clock;
  /** The org's base URL for absolute links; a function when it is only known after `listen` (port 0). */
  orgUrl: string | (() => string);
  /** Per-minute quotas by bucket name (see `DEFAULT_QUOTAS`). */
  quotas?: Record<string, number>;
  /** Simultaneous in-flight request limit (default 75). */
  concurrencyLimit?: number;
  /** A fault table to use (default: a new empty one, available on the handle). */
  faults?: FaultsState;
  /** Latency faults sleep with this (tests may inject one). */
  sleep?: (ms: number) => Promise<void>;
}

/** What {@link registerManagement} returns: the state and the traffic controls, for the platform and tests. */
export interface ManagementHandle {
  readonly state: ManagementState;
  readonly faults: FaultsState;
  readonly rateLimits: RateLimiter;
  readonly concurrency: ConcurrencyLimiter;
  /** Back to the initial seeded state; clears faults and rate-limit windows. */
  reset(): void;
  /** The persistable state (`JSON.stringify`-able; `loadManagementState` restores it). */
  snapshot(): unknown;
  /** A summary for `/__emulator/state` (counts, roles, sets, assignments, limits, faults). */
  publicView(): Record<string, unknown>;
  /** Adds generated users; returns how many users exist now. */
  seedUsers(count: number, seed?: number): number;
  /** Mounts `/faults` control endpoints into a scope already prefixed with `/__emulator`. */
  registerFaultRoutes(scope: FastifyInstance): void;
}

/**
 * Registers the management APIs (Users, Groups, IAM custom roles and resource sets, client role
 * assignments) and the traffic hooks: concurrency limit, rate limits, fault injection (in that order).
 * Call it before the API-auth hook is added so rate-limit headers and counts cover 401s from the start
 * (it still works after: responses the auth hook answered are counted on send).
 * @example const mgmt = registerManagement(app, { state, clock, orgUrl: 'http://127.0.0.1:8080' });
 */
export function registerManagement(app: FastifyInstance, deps: ManagementDeps): ManagementHandle {
  const rawOrgUrl = deps.orgUrl;
  const orgUrl =
    typeof rawOrgUrl === 'function'
      ? () => rawOrgUrl().replace(/\/+$/, '')
      : () => rawOrgUrl.replace(/\/+$/, '');
  const faults = deps.faults ?? createFaultsState();
  const rateLimits = new RateLimiter(deps.clock, deps.quotas);
  const concurrency = new ConcurrencyLimiter(deps.concurrencyLimit ?? DEFAULT_CONCURRENCY_LIMIT);
  const ctx: ManagementContext = { state: deps.state, resolver: new AccessResolver(deps.state), orgUrl };

  registerConcurrencyLimit(app, concurrency, deps.clock);
  registerRateLimit(app, rateLimits);
  registerFaults(app, faults, { clock: deps.clock, ...(deps.sleep ? { sleep: deps.sleep } : {}) });
  void app.register(async (instance) => {
    useRawBodies(instance);
    registerUserRoutes(instance, ctx);
    registerGroupRoutes(instance, ctx);
    registerIamRoutes(instance, ctx);
  });

  const state = deps.state;
  return {
    state,
    faults,
    rateLimits,
    concurrency,
    reset() {
      state.reset();
      faults.clear();
      rateLimits.reset();
    },
    snapshot: () => state.toJSON(),
    publicView: () => {
      const byStatus: Record<string, number> = {};
      for (const u of state.users.all()) byStatus[u.status] = (byStatus[u.status] ?? 0) + 1;
      return {
        users: { count: state.users.size, byStatus },
        groups: state.groups
          .all()
          .map((g) => ({ id: g.id, name: g.name, members: state.groups.members(g.id).size })),
        customRoles: state.roles.all(),
        resourceSets: state.resourceSets.all(),
        clientRoles: state.clientRoles.toJSON(),
        rateLimits: rateLimits.snapshot(),
        concurrency: {
          limit: concurrency.limit,
          inFlight: concurrency.inFlight,
          rejected: concurrency.rejected,
        },
        faults: faults.list(),
      };
    },
    seedUsers: (count, seed) => state.seedMore(count, seed),
    registerFaultRoutes: (scope) => registerFaultControl(scope, faults, { prefix: '' }),
  };
}

/**
 * Creates a custom admin role the way the guide's step 3 does ("View users and their details" +
 * "Edit users' profile attributes" = `okta.users.read` + `okta.users.userprofile.manage`).
 * @example createCustomRole(state, { label: 'users-svc', description: 'Read users, edit names', permissions: ['okta.users.read', 'okta.users.userprofile.manage'] })
 */
export function createCustomRole(
  state: ManagementState,
  input: { label: string; description: string; permissions: readonly string[] },
): CustomRoleRecord {
  return state.roles.create(input);
}

/**
 * Creates a resource set; `resources` are REST URLs (`{orgUrl}/api/v1/groups/{id}/users`) or ORNs.
 * @example createResourceSet(state, { label: 'svc-users', description: 'Users of group X', resources: [`${orgUrl}/api/v1/groups/${gid}/users`] })
 */
export function createResourceSet(
  state: ManagementState,
  input: { label: string; description: string; resources: readonly string[] },
): ResourceSetRecord {
  return state.resourceSets.create({ ...input, resources: [...input.resources] });
}

/**
 * Assigns an admin role to a client: a standard type (`{type: 'READ_ONLY_ADMIN'}`) or a custom role over a
 * resource set (`{type: 'CUSTOM', role: 'cr0…', resourceSet: 'iam…'}`). Throws an `OktaApiError` (404 for an
 * unknown client, 409 E0000090 for a duplicate).
 * @example assignClientRole(state, clientId, { type: 'CUSTOM', role: role.id, resourceSet: set.id })
 */
export function assignClientRole(
  state: ManagementState,
  clientId: string,
  input: { type: string; role?: string; resourceSet?: string },
): ClientRoleAssignment {
  if (!state.clients.exists(clientId)) throw notFound(clientId, 'Client');
  return state.clientRoles.assign(clientId, input);
}
