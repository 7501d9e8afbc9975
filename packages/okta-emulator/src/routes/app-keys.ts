/**
 * `/api/v1/apps/{appId}/credentials/jwks`: an app's keys, listed, added, read, activated, deactivated
 * and deleted.
 */
import type { FastifyInstance } from 'fastify';
import { keyJson } from '../state/apps/app-json.js';
import { APPS_MANAGE, APPS_READ, findApp, requireAnyScope } from '../authz/apps-access.js';
import { JWK_CAUSES, checkCanAdd, jwkError, parsePublicJwk } from '../state/apps/jwk-rules.js';
import { notFound, OktaApiError } from '../lib/errors.js';
import { isoTime } from '../lib/clock.js';
import type { EmulatorState } from '../state/emulator-state.js';
import type { AppKey, OidcApp } from '../state/org-records.js';

type KeyParams = { appId: string; keyId: string };

/**
 * `/api/v1/apps/{appId}/credentials/jwks`: list, add (201), get, delete (204, INACTIVE keys only),
 * activate, deactivate (not the only ACTIVE key of a private_key_jwt app). As management.yaml describes.
 */
export function registerAppKeyRoutes(app: FastifyInstance, state: EmulatorState): void {
  const base = '/api/v1/apps/:appId/credentials/jwks';

  app.get<{ Params: { appId: string } }>(base, async (request) => {
    requireAnyScope(state, request, APPS_READ);
    const target = findApp(state, request.params.appId);
    return { keys: target.keys.map((k) => keyJson(state.orgUrl, target, k)) };
  });

  app.post<{ Params: { appId: string } }>(base, async (request, reply) => {
    requireAnyScope(state, request, APPS_MANAGE);
    const target = findApp(state, request.params.appId);
    const body = request.body;
    const jwk = parsePublicJwk(body);
    checkCanAdd(target.keys, jwk);
    const status = (body as { status?: unknown }).status ?? 'ACTIVE';
    if (status !== 'ACTIVE' && status !== 'INACTIVE') {
      throw new OktaApiError('E0000001', {
        summaryArgs: ['status'],
        causes: ["status: Must be 'ACTIVE' or 'INACTIVE'."],
      });
    }
    const now = isoTime(state.clock.now());
    const key: AppKey = { id: state.ids.id('pks'), status, created: now, lastUpdated: now, jwk };
    target.keys.push(key);
    target.lastUpdated = now;
    return reply.code(201).send(keyJson(state.orgUrl, target, key));
  });

  app.get<{ Params: KeyParams }>(`${base}/:keyId`, async (request) => {
    requireAnyScope(state, request, APPS_READ);
    const target = findApp(state, request.params.appId);
    return keyJson(state.orgUrl, target, findKey(target, request.params.keyId));
  });

  app.delete<{ Params: KeyParams }>(`${base}/:keyId`, async (request, reply) => {
    requireAnyScope(state, request, APPS_MANAGE);
    const target = findApp(state, request.params.appId);
    const key = findKey(target, request.params.keyId);
    if (key.status === 'ACTIVE') throw jwkError(JWK_CAUSES.deleteActive);
    target.keys = target.keys.filter((k) => k !== key);
    return reply.code(204).send();
  });

  app.post<{ Params: KeyParams }>(`${base}/:keyId/lifecycle/activate`, async (request) => {
    requireAnyScope(state, request, APPS_MANAGE);
    const target = findApp(state, request.params.appId);
    const key = findKey(target, request.params.keyId);
    setKeyStatus(state, key, 'ACTIVE');
    return keyJson(state.orgUrl, target, key);
  });

  app.post<{ Params: KeyParams }>(`${base}/:keyId/lifecycle/deactivate`, async (request) => {
    requireAnyScope(state, request, APPS_MANAGE);
    const target = findApp(state, request.params.appId);
    const key = findKey(target, request.params.keyId);
    if (key.status === 'ACTIVE' && onlyActiveKeyOfPrivateKeyJwtApp(target, key)) {
      throw jwkError(JWK_CAUSES.deactivateOnly);
    }
    setKeyStatus(state, key, 'INACTIVE');
    return keyJson(state.orgUrl, target, key);
  });
}

function onlyActiveKeyOfPrivateKeyJwtApp(target: OidcApp, key: AppKey): boolean {
  return (
    target.tokenEndpointAuthMethod === 'private_key_jwt' &&
    target.keys.every((k) => k === key || k.status !== 'ACTIVE')
  );
}

function setKeyStatus(state: EmulatorState, key: AppKey, status: 'ACTIVE' | 'INACTIVE'): void {
  if (key.status === status) return;
  key.status = status;
  key.lastUpdated = isoTime(state.clock.now());
}

function findKey(target: OidcApp, keyId: string): AppKey {
  const key = target.keys.find((k) => k.id === keyId);
  if (!key) throw notFound(keyId, 'JsonWebKey');
  return key;
}
