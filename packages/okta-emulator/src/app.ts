import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Clock, ClientLookup } from './contracts.js';
import { createClock, toMutableClock, type MutableClock } from './clock.js';
import { OktaApiError, frameworkErrorHandler, installErrorHandler, oktaError } from './errors.js';
import { createIdGenerator } from './ids.js';
import { DEFAULT_NONCE_ROTATION_MS } from './oauth/nonce.js';
import { isProtectedPath, pathOf, registerApiAuth } from './plugins/api-auth.js';
import { registerAppsRoutes } from './routes/apps.js';
import { registerControlRoutes } from './routes/control.js';
import { registerTokenRoute } from './routes/token.js';
import { registerWellKnownRoutes } from './routes/well-known.js';
import {
  createPlatformState,
  publicStateView,
  resetPlatformState,
  restorePlatformState,
  serializePlatformState,
  type PlatformContext,
  type Stats,
} from './state.js';
import { loadManagement, type ManagementHandle } from './management-bridge.js';

/** Options of {@link buildEmulator}. */
export interface BuildEmulatorOptions {
  /** The org URL clients use (issuer, `aud`, `htu` base), e.g. `http://127.0.0.1:8080`. No trailing slash. */
  orgUrl: string;
  /** Seed for ids and seeded users (deterministic runs). */
  seed?: number;
  /** Number of users to create at start. */
  seedUsers?: number;
  /** Register `/__emulator/*` control routes. */
  control?: boolean;
  /** Per-route rate-limit quotas (per minute), passed to the management side. */
  quotas?: Record<string, number>;
  /** Concurrent in-flight request limit, passed to the management side. */
  concurrencyLimit?: number;
  /** The clock every check reads; default real time with an adjustable offset. */
  clock?: Clock;
  /** Fastify logging (off by default). */
  logger?: boolean;
  /** Use this admin API token instead of a random one. */
  adminToken?: string;
  /** DPoP nonce rotation period in ms (default 24 h). */
  nonceRotationMs?: number;
  /**
   * Require the server nonce in DPoP proofs at `/api/v1` too (RFC 9449 §9). Default false: Okta does not
   * (facts §2.4). Changeable later through `platform.dpopResourceNonce` or `POST /__emulator/dpop/resource-nonce`.
   */
  dpopResourceNonce?: boolean;
  /** A snapshot from {@link BuiltEmulator.snapshot} to start from (apps, keys, users survive a restart). */
  snapshot?: EmulatorSnapshot;
  /** Called after every request that may have changed persisted state (a successful write under `/api/v1`, `/oauth2/v1/clients` or `/__emulator`). */
  onChange?: () => void;
}

/** What `snapshot()` returns and `snapshot` restores. */
export interface EmulatorSnapshot {
  kind: 'okta-emulator-state';
  version: 1;
  orgUrl: string;
  platform: unknown;
  management?: unknown;
}

/** A built (not listening) emulator. */
export interface BuiltEmulator {
  /** The fastify app: `app.inject()` it or `app.listen()` it. */
  app: FastifyInstance;
  orgUrl: string;
  /** The org's Super Admin API token (`Authorization: SSWS <token>`). */
  readonly adminToken: string;
  clock: MutableClock;
  /** Platform state and context (apps, keys, tokens, counters). */
  platform: PlatformContext;
  /** The management half: users, IAM, rate limits, concurrency, faults. */
  management: ManagementHandle;
  /** Counters. */
  stats(): Stats;
  /** Clears apps, tokens, users and counters (admin token and signing key stay). */
  reset(): void;
  /** A JSON-serialisable snapshot of everything that should survive a restart (holds private keys). */
  snapshot(): EmulatorSnapshot;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Start of request handling on the emulator's clock (for the `Date` header). */
    receivedAt: number;
  }
}

/**
 * Builds the emulator: a fastify app with the org authorization server, the Apps API, the API-auth hook,
 * the management APIs (users, IAM) and, when `control` is set, the `/__emulator` control routes. It never
 * listens by itself.
 *
 * @example
 * const emu = await buildEmulator({ orgUrl: 'http://127.0.0.1:8080' });
 * const res = await emu.app.inject({ method: 'GET', url: '/api/v1/apps', headers: { authorization: `SSWS ${emu.adminToken}` } });
 */
export async function buildEmulator(options: BuildEmulatorOptions): Promise<BuiltEmulator> {
  const orgUrl = normalizeOrgUrl(options.orgUrl);
  const clock = options.clock ? toMutableClock(options.clock) : createClock();
  const ids = createIdGenerator(options.seed);
  const state = await createPlatformState({
    ids,
    clock,
    ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
  });
  const ctx: PlatformContext = {
    orgUrl,
    clock,
    ids,
    state,
    nonceRotationMs: options.nonceRotationMs ?? DEFAULT_NONCE_ROTATION_MS,
    dpopResourceNonce: options.dpopResourceNonce === true ? 'required' : 'off',
  };
  if (options.snapshot) {
    const snap = options.snapshot as Partial<EmulatorSnapshot>;
    if (snap.kind !== 'okta-emulator-state' || snap.version !== 1) {
      throw new TypeError('The saved state is not an okta-emulator state file (kind/version mismatch).');
    }
    restorePlatformState(state, snap.platform);
  }

  const app = Fastify({
    frameworkErrors: frameworkErrorHandler(() => ({
      'x-okta-request-id': ids.requestId(),
      date: new Date(clock.now()).toUTCString(),
    })),
    logger: options.logger === true ? { redact: ['req.headers.authorization', 'req.headers.dpop'] } : false,
    bodyLimit: 1024 * 1024,
    // Okta ids are case-sensitive and paths are matched as sent.
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true, maxParamLength: 1000 },
  });
  installErrorHandler(app);
  installNotFound(app);
  // Okta's JSON APIs take only JSON: any other media type is E0000021 (via the error handler).
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('oktaRequestId', '');
  app.decorateRequest('receivedAt', 0);

  // Every response: X-Okta-Request-Id and a Date on the emulator's clock (SDKs compute 429 waits from it).
  app.addHook('onRequest', async (request, reply) => {
    request.oktaRequestId = ids.requestId();
    request.receivedAt = clock.now();
    reply.header('x-okta-request-id', request.oktaRequestId);
    reply.header('date', new Date(request.receivedAt).toUTCString());
  });
  // Okta refuses a POST/PUT that announces no body length at all (neither Content-Length nor chunked
  // Transfer-Encoding) with 411 and no body (facts §3.6, DOC-CORE). Clients such as fetch send
  // `Content-Length: 0` for an empty POST, which passes.
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'POST' && request.method !== 'PUT') return;
    if (!isProtectedPath(pathOf(request.url))) return;
    const headers = request.headers;
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
      return reply.code(411).send();
    }
  });
  // Traffic hooks of the management half (concurrency → rate limit → faults) run before authentication, so
  // floods of bad tokens are limited like at Okta; the API-auth hook then sets request.principal.
  const clients: ClientLookup = { exists: (clientId) => state.apps.has(clientId) };
  const management = loadManagement(app, {
    clock,
    orgUrl,
    clients,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.seedUsers !== undefined ? { seedUsers: options.seedUsers } : {}),
    ...(options.quotas !== undefined ? { quotas: options.quotas } : {}),
    ...(options.concurrencyLimit !== undefined ? { concurrencyLimit: options.concurrencyLimit } : {}),
    ...(options.snapshot?.management !== undefined ? { snapshot: options.snapshot.management } : {}),
  });
  registerApiAuth(app, ctx);

  await registerTokenRoute(app, ctx);
  registerWellKnownRoutes(app, ctx);
  registerAppsRoutes(app, ctx);

  const built: BuiltEmulator = {
    app,
    orgUrl,
    get adminToken() {
      return state.adminToken;
    },
    clock,
    platform: ctx,
    management,
    stats: () => state.stats,
    reset() {
      resetPlatformState(state, clock);
      management.reset();
    },
    snapshot: () => ({
      kind: 'okta-emulator-state',
      version: 1,
      orgUrl,
      platform: serializePlatformState(state),
      management: management.snapshot(),
    }),
  };

  if (options.control === true) {
    await registerControlRoutes(app, {
      ctx,
      management,
      reset: () => built.reset(),
      publicState: () => ({
        ...publicStateView(state, clock.now()),
        management: management.publicView(),
      }),
    });
  }

  app.addHook('onResponse', async (request, reply) => {
    const path = pathOf(request.url);
    if (isProtectedPath(path)) {
      const route = `${request.method} ${request.routeOptions.url ?? 'unmatched'}`;
      state.stats.apiRequests++;
      state.stats.apiRequestsByRoute[route] = (state.stats.apiRequestsByRoute[route] ?? 0) + 1;
    }
    // Only management and control writes change what is persisted (token requests do not).
    const persistent = isProtectedPath(path) || path.startsWith('/__emulator/');
    if (
      options.onChange &&
      persistent &&
      request.method !== 'GET' &&
      request.method !== 'HEAD' &&
      reply.statusCode < 400
    ) {
      options.onChange();
    }
  });
  return built;
}

/** Unknown paths → 404 E0000008; a known path with another method → 405 E0000022 (Okta's codes). */
function installNotFound(app: FastifyInstance): void {
  const routes: { method: string; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = new RegExp(
      '^' + route.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+') + '$',
    );
    for (const method of methods) routes.push({ method: String(method), pattern });
  });
  app.setNotFoundHandler(async (request: FastifyRequest, reply) => {
    const path = pathOf(request.url);
    if (routes.some((r) => r.method !== request.method && r.pattern.test(path))) {
      return oktaError(reply, 'E0000022');
    }
    throw new OktaApiError('E0000008');
  });
}

function normalizeOrgUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(
      `orgUrl must be an absolute http(s) URL such as http://127.0.0.1:8080, got ${JSON.stringify(value)}.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`orgUrl must use http or https, got ${url.protocol}`);
  }
  return `${url.protocol}//${url.host}`;
}
