import type { FastifyReply, FastifyRequest } from 'fastify';
import { pathOf } from '../plugins/api-auth.js';
import { sendOktaError } from './okta-error.js';
import type { Access, AccessResolver } from './access.js';
import { hasAnyScope, sendInsufficientScope } from './scope-challenge.js';

/** The scope rule of a route: any of `anyOf` passes; `challenge` is the one scope named in the 403 header. */
export interface ScopeRule {
  readonly anyOf: readonly string[];
  readonly challenge: string;
}

/** Scope rules by family (SPEC-M `security` per operation; manage implies read, facts §3.1). */
export const SCOPES = {
  usersRead: { anyOf: ['okta.users.read', 'okta.users.manage'], challenge: 'okta.users.read' },
  usersManage: { anyOf: ['okta.users.manage'], challenge: 'okta.users.manage' },
  groupsRead: { anyOf: ['okta.groups.read', 'okta.groups.manage'], challenge: 'okta.groups.read' },
  groupsManage: { anyOf: ['okta.groups.manage'], challenge: 'okta.groups.manage' },
  rolesRead: { anyOf: ['okta.roles.read', 'okta.roles.manage'], challenge: 'okta.roles.read' },
  rolesManage: { anyOf: ['okta.roles.manage'], challenge: 'okta.roles.manage' },
} as const satisfies Record<string, ScopeRule>;

/** What the guard needs from the management plugin. */
export interface GuardContext {
  readonly resolver: AccessResolver;
  orgUrl(): string;
}

/**
 * First step of every management handler: requires a principal (the platform answered 401 already; this
 * is a second line, E0000011), then the scope (403, empty body, `WWW-Authenticate`), then resolves the
 * admin-role access. Returns undefined when it has replied.
 * @example const access = guard(ctx, request, reply, SCOPES.usersRead); if (!access) return reply;
 */
export function guard(
  ctx: GuardContext,
  request: FastifyRequest,
  reply: FastifyReply,
  rule: ScopeRule,
): Access | undefined {
  const principal = request.principal;
  if (principal === undefined) {
    sendOktaError(reply, 'E0000011');
    return undefined;
  }
  if (principal.kind === 'oauth' && !hasAnyScope(principal.scopes, rule.anyOf)) {
    sendInsufficientScope(reply, principal, ctx.orgUrl(), rule.challenge, pathOf(request.url));
    return undefined;
  }
  return ctx.resolver.resolve(principal);
}
