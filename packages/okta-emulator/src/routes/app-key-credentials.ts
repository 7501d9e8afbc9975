/**
 * App key credentials (X.509): `GET /api/v1/apps/{appId}/credentials/keys`, `GET .../keys/{keyId}`,
 * `POST .../keys/generate?validityYears=N` (201), `POST .../keys/{keyId}/clone?targetAid=` (201).
 * `{keyId}` is the key's `kid`. Scopes `okta.apps.read` / `okta.apps.manage` with the matching apps
 * permission. Errors from management.yaml's examples (`ErrorKeyCredentialInvalidValidity`,
 * `ErrorKeyCredentialCloneDuplicateKey`).
 */
import type { FastifyInstance } from 'fastify';
import { findApp } from '../authz/apps-access.js';
import { notFound, OktaApiError } from '../lib/errors.js';
import { refuseUnknownQuery } from '../plugins/query-params.js';
import {
  appKeyJson,
  MAX_VALIDITY_YEARS,
  MIN_VALIDITY_YEARS,
  type AppKeyCredential,
} from '../state/apps/app-signing-keys.js';
import { ensureKeyCredential, newKeyCredential } from '../state/apps/app-records.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { manageableApp, readableApp } from './app-access.js';

type AppParams = { Params: { appId: string } };
type KeyParams = { Params: { appId: string; keyId: string } };

/** Registers the key-credential routes. */
export function registerAppKeyCredentialRoutes(app: FastifyInstance, state: EmulatorState): void {
  const base = '/api/v1/apps/:appId/credentials/keys';
  app.get<AppParams>(base, async (request) => {
    const target = readableApp(state, request);
    refuseUnknownQuery(request.query, []);
    await ensureKeyCredential(state, target);
    return target.keyCredentials.map(appKeyJson);
  });

  app.post<AppParams>(`${base}/generate`, async (request, reply) => {
    const target = manageableApp(state, request);
    refuseUnknownQuery(request.query, ['validityYears']);
    const raw = (request.query as Record<string, unknown>).validityYears;
    if (raw === undefined)
      throw new OktaApiError('E0000028', { causes: ['validityYears: The parameter is required.'] });
    const years = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(years >= MIN_VALIDITY_YEARS && years <= MAX_VALIDITY_YEARS)) {
      throw new OktaApiError('E0000001', {
        summaryArgs: ['generateKey'],
        causes: [
          `Validity years out of range. It should be ${MIN_VALIDITY_YEARS} - ${MAX_VALIDITY_YEARS} years.`,
        ],
      });
    }
    // No lazy default key first: an OIDC app's first generated key is its first key (one RSA generation).
    const key = await newKeyCredential(state, target, years);
    target.keyCredentials.push(key);
    return reply.code(201).send(appKeyJson(key));
  });

  app.get<KeyParams>(`${base}/:keyId`, async (request) => {
    const target = readableApp(state, request);
    await ensureKeyCredential(state, target);
    return appKeyJson(findKey(target.keyCredentials, request.params.keyId));
  });

  app.post<KeyParams>(`${base}/:keyId/clone`, async (request, reply) => {
    const source = manageableApp(state, request);
    refuseUnknownQuery(request.query, ['targetAid']);
    const targetAid = (request.query as Record<string, unknown>).targetAid;
    if (typeof targetAid !== 'string' || targetAid === '')
      throw new OktaApiError('E0000028', { causes: ['targetAid: The parameter is required.'] });
    await ensureKeyCredential(state, source);
    const key = findKey(source.keyCredentials, request.params.keyId);
    const target = findApp(state, targetAid);
    await ensureKeyCredential(state, target);
    if (target.keyCredentials.some((k) => k.kid === key.kid)) {
      throw new OktaApiError('E0000001', {
        summaryArgs: ['cloneKey'],
        causes: ['Key already exists in the list of key credentials for the target app.'],
      });
    }
    const copy: AppKeyCredential = { ...key, x5c: [...key.x5c] };
    target.keyCredentials.push(copy);
    return reply.code(201).send(appKeyJson(copy));
  });
}

function findKey(keys: readonly AppKeyCredential[], kid: string): AppKeyCredential {
  const key = keys.find((k) => k.kid === kid);
  if (key === undefined) throw notFound(kid, 'AppInstanceKeyCredential');
  return key;
}
