import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { Clock, Principal } from '../../src/contracts.js';
import { installErrorHandler } from '../../src/errors.js';
import {
  createManagementState,
  registerFaultControl,
  registerManagement,
  type ManagementHandle,
  type ManagementState,
} from '../../src/management.js';

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
  state: ManagementState;
  handle: ManagementHandle;
  clock: TestClock;
  clients: Set<string>;
}

/**
 * A small fastify app with only the management half: the platform's error handler, a request-id/Date
 * hook, and a fake principal hook that reads `x-test-principal` (JSON of a `Principal`) — a stand-in for
 * the platform's API-auth hook. No header on a protected path → no principal (the management guard's 401).
 */
export async function buildManagementApp(options: TestAppOptions = {}): Promise<TestApp> {
  const clock = options.clock ?? testClock();
  const clients = new Set(options.clients ?? ['0oaservice00000000001', '0oaservice00000000002']);
  const state = createManagementState({
    clock,
    orgUrl: ORG,
    seed: options.seed ?? 7,
    seedUsers: options.seedUsers ?? 0,
    clients: { exists: (id) => clients.has(id) },
  });
  const app = Fastify({ logger: false });
  installErrorHandler(app);
  app.decorateRequest('oktaRequestId', '');
  let n = 0;
  app.addHook('onRequest', async (request, reply) => {
    request.oktaRequestId = `reqTest${String(++n).padStart(19, '0')}`;
    reply.header('x-okta-request-id', request.oktaRequestId);
  });
  const handle = registerManagement(app, {
    state,
    clock,
    orgUrl: ORG,
    ...(options.quotas ? { quotas: options.quotas } : {}),
    ...(options.concurrencyLimit ? { concurrencyLimit: options.concurrencyLimit } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  app.addHook('onRequest', async (request) => {
    const header = request.headers['x-test-principal'];
    if (typeof header === 'string') request.principal = JSON.parse(header) as Principal;
  });
  if (options.tokenRoute) app.post('/oauth2/v1/token', async () => ({ token_type: 'Bearer' }));
  if (options.faultControl) registerFaultControl(app, handle.faults);
  await app.ready();
  return { app, state, handle, clock, clients };
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
