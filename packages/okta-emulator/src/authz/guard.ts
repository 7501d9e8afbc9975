/**
 * The route guard of the management APIs: scope rules per family, and the checks every handler starts with
 * (a principal, the scope, the admin-role access), each refusal thrown as Okta's error.
 */
import type { FastifyRequest } from 'fastify';
import { OktaApiError } from '../lib/errors.js';
import { pathOf } from '../lib/http-paths.js';
import { resolveAccess, type Access, type AccessSource } from './access.js';
import { hasAnyScope, insufficientScope } from './scope-challenge.js';

/** What the guard reads from the org (an `EmulatorState` is one). */
export interface GuardState extends AccessSource {
  readonly orgUrl: string;
}

/** The scope rule of a route: any of `anyOf` passes; `challenge` is the one scope named in the 403 header. */
export interface ScopeRule {
  readonly anyOf: readonly string[];
  readonly challenge: string;
}

/** Scope rules by family (Okta's management API `security` per operation; manage implies read). */
export const SCOPES = {
  usersRead: { anyOf: ['okta.users.read', 'okta.users.manage'], challenge: 'okta.users.read' },
  usersManage: { anyOf: ['okta.users.manage'], challenge: 'okta.users.manage' },
  groupsRead: { anyOf: ['okta.groups.read', 'okta.groups.manage'], challenge: 'okta.groups.read' },
  groupsManage: { anyOf: ['okta.groups.manage'], challenge: 'okta.groups.manage' },
  rolesRead: { anyOf: ['okta.roles.read', 'okta.roles.manage'], challenge: 'okta.roles.read' },
  rolesManage: { anyOf: ['okta.roles.manage'], challenge: 'okta.roles.manage' },
} as const satisfies Record<string, ScopeRule>;

/**
 * First step of every management handler: requires a principal (the API-auth hook answered 401 already;
 * this is a second line, E0000011), then the scope (403, empty body, `WWW-Authenticate`), then resolves the
 * admin-role access. Every refusal is thrown.
 *
 * @example
 * const access = guard(state, request, SCOPES.usersRead);
 */
export function guard(state: GuardState, request: FastifyRequest, rule: ScopeRule): Access {
  const principal = request.principal;
  if (principal === undefined) throw new OktaApiError('E0000011');
  if (principal.kind === 'oauth' && !hasAnyScope(principal.scopes, rule.anyOf)) {
    throw insufficientScope(principal, state.orgUrl, rule.challenge, pathOf(request.url));
  }
  return resolveAccess(state, principal);
}

/**
 * Like {@link guard}, and the caller must be a Super Admin (IAM APIs): any other role is 403 E0000006 even
 * with the scope.
 *
 * @example
 * guardSuperAdmin(state, request, SCOPES.rolesManage);
 */
export function guardSuperAdmin(state: GuardState, request: FastifyRequest, rule: ScopeRule): Access {
  const access = guard(state, request, rule);
  if (!access.superAdmin) throw new OktaApiError('E0000006');
  return access;
}

/**
 * Throws 403 E0000006 unless `allowed`: the admin role does not cover the action or the target.
 *
 * @example
 * permit(hasPermission(access, 'okta.users.read'));
 */
export function permit(allowed: boolean): void {
  if (!allowed) throw new OktaApiError('E0000006');
}
