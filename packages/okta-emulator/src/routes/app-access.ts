/**
 * The checks the app sub-resource routes (users, groups, key credentials) start with: the apps scope and
 * the admin role's apps permission, then the app itself (404 otherwise); and how they read a JSON body.
 */
import type { FastifyRequest } from 'fastify';
import { hasPermission } from '../authz/access.js';
import { findApp } from '../authz/apps-access.js';
import { guard, permit, SCOPES } from '../authz/guard.js';
import { OktaApiError } from '../lib/errors.js';
import type { EmulatorState } from '../state/emulator-state.js';
import type { OidcApp } from '../state/org-records.js';

/** Scope `okta.apps.read` (or manage) and the `okta.apps.read` permission; returns the app. */
export function readableApp(
  state: EmulatorState,
  request: FastifyRequest<{ Params: { appId: string } }>,
): OidcApp {
  permit(hasPermission(guard(state, request, SCOPES.appsRead), 'okta.apps.read'));
  return findApp(state, request.params.appId);
}

/** Scope `okta.apps.manage` and the `okta.apps.manage` permission; returns the app. */
export function manageableApp(
  state: EmulatorState,
  request: FastifyRequest<{ Params: { appId: string } }>,
): OidcApp {
  permit(hasPermission(guard(state, request, SCOPES.appsManage), 'okta.apps.manage'));
  return findApp(state, request.params.appId);
}

/** A JSON object body; anything else is E0000003. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new OktaApiError('E0000003');
  return body as Record<string, unknown>;
}

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
