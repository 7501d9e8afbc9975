/**
 * Shared set-up for the management-API tests: a test clock, the org state on it, and a fastify app made of
 * the emulator's real error handler, traffic hooks and management routes, with a stand-in for the API-auth
 * hook that reads the principal from an `x-test-principal` header; plus assertion helpers for Okta's error
 * object.
 */
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { Principal } from '../../src/authz/principal.js';
import { toMutableClock, type Clock } from '../../src/lib/clock.js';
import { createIdGenerator } from '../../src/lib/ids.js';
import { registerConcurrencyLimit } from '../../src/plugins/concurrency.js';
import { installErrorHandler } from '../../src/plugins/error-handler.js';
import { registerFaults } from '../../src/plugins/faults.js';
import { registerRateLimit } from '../../src/plugins/rate-limit.js';
import { registerFaultControl } from '../../src/routes/control-faults.js';
import { registerGroupRoutes } from '../../src/routes/groups.js';
import { registerIamRoutes } from '../../src/routes/iam.js';
import { registerUserRoutes } from '../../src/routes/users.js';
import { EmulatorState } from '../../src/state/emulator-state.js';
import type { OidcApp } from '../../src/state/org-records.js';

/** The org URL the route tests use. */
export const ORG = 'https://dev-123456.okta.com';

/** A settable clock for tests. */
export interface TestClock extends Clock {
  set(ms: number): void;
  advance(ms: number): void;
}

export function testClock(start = Date.UTC(2026, 0, 1, 12, 0, 0)): TestClock {
  let now = start;
  return {
    now: () => now,
    set: (ms) => {
      now = ms;
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Options of {@link testState}. */
export interface TestStateOptions {
  clock?: TestClock;
  orgUrl?: string;
  seed?: number;
  seedUsers?: number;
  quotas?: Record<string, number>;
  concurrencyLimit?: number;
  /** Client ids that exist as (minimal) service apps, so role assignments to them are accepted. */
  clients?: readonly string[];
}

/** The org state on a test clock, with no signing key worth the name (these tests mint no tokens). */
export function testState(options: TestStateOptions = {}): EmulatorState {
  const clock = options.clock ?? testClock();
  const state = new EmulatorState({
    orgUrl: options.orgUrl ?? ORG,
    clock: toMutableClock(clock),
    ids: createIdGenerator(options.seed ?? 7),
    signingKey: { kid: 'test', privateJwk: {}, publicJwk: {} },
    seed: options.seed ?? 7,
    seedUsers: options.seedUsers ?? 0,
    ...(options.quotas ? { quotas: options.quotas } : {}),
    ...(options.concurrencyLimit ? { concurrencyLimit: options.concurrencyLimit } : {}),
  });
  for (const id of options.clients ?? []) state.apps.set(id, serviceApp(id));
  return state;
}

/** A minimal active service app record with this client id. */
export function serviceApp(id: string): OidcApp {
  return {
    id,
    label: id,
    status: 'ACTIVE',
    created: '2026-01-01T00:00:00.000Z',
    lastUpdated: '2026-01-01T00:00:00.000Z',
    tokenEndpointAuthMethod: 'private_key_jwt',
    applicationType: 'service',
    grantTypes: ['client_credentials'],
    responseTypes: ['token'],
    dpopBound: false,
    keys: [],
    grants: [],
  };
}

/** Options for {@link buildManagementApp}. */
export interface TestAppOptions {
  seedUsers?: number;
  seed?: number;
  clients?: string[];
  quotas?: Record<string, number>;
  concurrencyLimit?: number;
  clock?: TestClock;
  sleep?: (ms: number) => Promise<void>;
  /** Adds a fake `/oauth2/v1/token` route (answers 200 {}) so token-bucket behaviour can be tested. */
  tokenRoute?: boolean;
  /** Mounts `/__emulator/faults`. */
  faultControl?: boolean;
}

export interface TestApp {
  app: FastifyInstance;
  state: EmulatorState;
  clock: TestClock;
}

/**
 * A fastify app with the management APIs: the emulator's error handler, a request-id hook, the traffic
 * hooks (concurrency, rate limits, faults) and a fake principal hook that reads `x-test-principal` (JSON of
 * a `Principal`), a stand-in for the API-auth hook. No header on a protected path → no principal (the
 * guard's 401).
 */
export async function buildManagementApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? testClock();
  const state = testState({
    clock,
    seed: options.seed ?? 7,
    seedUsers: options.seedUsers ?? 0,
    clients: options.clients ?? ['0oaservice00000000001', '0oaservice00000000002'],
    ...(options.quotas ? { quotas: options.quotas } : {}),
    ...(options.concurrencyLimit ? { concurrencyLimit: options.concurrencyLimit } : {}),
  });
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  app.decorateRequest('oktaRequestId', '');
  let n = 0;
  app.addHook('onRequest', async (request, reply) => {
    request.oktaRequestId = `reqTest${String(++n).padStart(19, '0')}`;
    reply.header('x-okta-request-id', request.oktaRequestId);
  });
  registerConcurrencyLimit(app, state.concurrency, clock);
  registerRateLimit(app, state.rateLimits);
  registerFaults(app, state.faults, { clock, ...(options.sleep ? { sleep: options.sleep } : {}) });
  registerUserRoutes(app, state);
  registerGroupRoutes(app, state);
  registerIamRoutes(app, state);
  app.addHook('onRequest', async (request) => {
    const header = request.headers['x-test-principal'];
    if (typeof header === 'string') request.principal = JSON.parse(header) as Principal;
  });
  if (options.tokenRoute) app.post('/oauth2/v1/token', async () => ({ token_type: 'Bearer' }));
  if (options.faultControl) {
    await app.register(async (scope) => registerFaultControl(scope, state.faults), { prefix: '/__emulator' });
  }
  await app.ready();
  return { app, state, clock };
}

/**
 * Gives `clientId` a custom role with `permissions` over a resource set of `resources`, the way the guide's
 * step 3 does; returns the role and the set.
 */
export function grantCustomRole(
  state: EmulatorState,
  clientId: string,
  options: { label: string; permissions: readonly string[]; resources: readonly string[] },
): { roleId: string; resourceSetId: string } {
  const role = state.roles.create({
    label: options.label,
    description: 'd',
    permissions: options.permissions,
  });
  const set = state.resourceSets.create({
    label: `${options.label}-set`,
    description: 'd',
    resources: [...options.resources],
  });
  state.assignClientRole(clientId, { type: 'CUSTOM', role: role.id, resourceSet: set.id });
  return { roleId: role.id, resourceSetId: set.id };
}

/** Headers for a Super Admin API token. */
export const SSWS = {
  'x-test-principal': JSON.stringify({ kind: 'api-token', adminUserId: '00uadmin0000000000001' }),
};

/** Headers for an OAuth principal with these scopes. */
export function oauth(
  clientId: string,
  scopes: readonly string[],
  scheme: 'Bearer' | 'DPoP' = 'Bearer',
): Record<string, string> {
  const principal: Principal = { kind: 'oauth', clientId, scopes, scheme, tokenId: 'AT.test' };
  return { 'x-test-principal': JSON.stringify(principal) };
}

/** Parses a JSON body or fails with the raw text. */
export function body<T = unknown>(res: LightMyRequestResponse): T {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    throw new Error(`Response is not JSON (${res.statusCode}): ${res.body.slice(0, 200)}`);
  }
}

/** The Okta error shape (facts §4): code, summary, errorLink = code, errorId 'oae' + 22 chars, causes. */
export function assertOktaError(
  res: LightMyRequestResponse,
  status: number,
  code: string,
  summary?: string,
): {
  errorCode: string;
  errorSummary: string;
  errorCauses: { errorSummary: string }[];
} {
  const b = body<Record<string, unknown>>(res);
  if (res.statusCode !== status) throw new Error(`expected ${status}, got ${res.statusCode}: ${res.body}`);
  if (b.errorCode !== code) throw new Error(`expected ${code}, got ${String(b.errorCode)}: ${res.body}`);
  if (b.errorLink !== code) throw new Error(`errorLink must repeat errorCode: ${res.body}`);
  if (typeof b.errorId !== 'string' || !/^oae[A-Za-z0-9_-]{22}$/.test(b.errorId))
    throw new Error(`bad errorId: ${res.body}`);
  if (!Array.isArray(b.errorCauses)) throw new Error(`errorCauses must be an array: ${res.body}`);
  if (summary !== undefined && b.errorSummary !== summary)
    throw new Error(`summary ${String(b.errorSummary)} != ${summary}`);
  return b as never;
}
