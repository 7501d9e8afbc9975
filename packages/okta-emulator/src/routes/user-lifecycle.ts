/**
 * The user lifecycle endpoints: `POST /api/v1/users/{userId}/lifecycle/{activate|reactivate|deactivate|
 * suspend|unsuspend|unlock|expire_password|reset_factors}` and `DELETE /api/v1/users/{userId}/sessions`.
 * Scope `okta.users.manage`; admin permission `okta.users.lifecycle.*` (per operation) or
 * `okta.users.credentials.*` for password/factor operations. Transitions and errors:
 * `state/users/user-lifecycle.ts`.
 */
import type { FastifyInstance } from 'fastify';
import { canOnUser, hasPermission } from '../authz/access.js';
import { guard, permit, SCOPES } from '../authz/guard.js';
import { notFound, problem } from '../lib/errors.js';
import {
  LIFECYCLE_OPERATIONS,
  lifecycleTransition,
  type LifecycleOperation,
} from '../state/users/user-lifecycle.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { sendJsonText, useRawBodies } from '../plugins/json-body.js';

/** The admin permission each operation needs (management.yaml permission names). */
const PERMISSION: Record<LifecycleOperation, string> = {
  activate: 'okta.users.lifecycle.activate',
  reactivate: 'okta.users.lifecycle.activate',
  deactivate: 'okta.users.lifecycle.deactivate',
  suspend: 'okta.users.lifecycle.suspend',
  unsuspend: 'okta.users.lifecycle.unsuspend',
  unlock: 'okta.users.lifecycle.unlock',
  expire_password: 'okta.users.credentials.expirePassword',
  reset_factors: 'okta.users.credentials.resetFactors',
};

/** Registers the lifecycle routes. */
export function registerUserLifecycleRoutes(root: FastifyInstance, state: EmulatorState): void {
  void root.register(async (app) => {
    useRawBodies(app);
    for (const operation of LIFECYCLE_OPERATIONS) {
      app.post<{ Params: { userId: string } }>(
        `/api/v1/users/:userId/lifecycle/${operation}`,
        (request, reply) => {
          const access = guard(state, request, SCOPES.usersManage);
          const permission = PERMISSION[operation];
          permit(hasPermission(access, permission));
          const user = state.users.resolve(request.params.userId);
          if (user === undefined) throw notFound(request.params.userId, 'User');
          permit(canOnUser(access, permission, user, state.groups));
          const outcome = lifecycleTransition(operation, user.status, user.hasPassword);
          if ('error' in outcome) throw problem(outcome.error);
          const updated =
            outcome.status === user.status ? user : state.users.setStatus(user.id, outcome.status);
          if (operation === 'expire_password') {
            return sendJsonText(reply, 200, state.userJson.single(updated, state.orgUrl));
          }
          if (operation === 'activate' || operation === 'reactivate') {
            const sendEmail = (request.query as Record<string, unknown>).sendEmail;
            // Without an email Okta returns the activation link and token; with one, an empty object.
            if (sendEmail === 'false') {
              const token = state.ids.id('act');
              return sendJsonText(
                reply,
                200,
                JSON.stringify({ activationUrl: `${state.orgUrl}/welcome/${token}`, activationToken: token }),
              );
            }
            return sendJsonText(reply, 200, '{}');
          }
          return sendJsonText(reply, 200, '{}');
        },
      );
    }

    app.delete<{ Params: { userId: string } }>('/api/v1/users/:userId/sessions', (request, reply) => {
      const access = guard(state, request, SCOPES.usersManage);
      permit(hasPermission(access, 'okta.users.lifecycle.clearSessions'));
      const user = state.users.resolve(request.params.userId);
      if (user === undefined) throw notFound(request.params.userId, 'User');
      permit(canOnUser(access, 'okta.users.lifecycle.clearSessions', user, state.groups));
      // The emulator keeps no end-user sessions: there is nothing to revoke.
      return reply.code(204).send();
    });
  });
}
