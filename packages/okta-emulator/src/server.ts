/**
 * The app factory and its starter: `buildEmulator(options)` builds one fastify app over one `EmulatorState`
 * (the org authorization server, the Apps, Users, Groups and IAM APIs, the request plumbing and, with
 * `control`, the `/__emulator` test knobs) and never listens; `startEmulator(options)` builds it on a free
 * (or given) port, listens, keeps the state file when asked, and returns a small handle for tests and the
 * command.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { freePort, urlHost } from './lib/listen-address.js';
import { createClock, toMutableClock, type Clock, type MutableClock } from './lib/clock.js';
import { TOKEN_PATH } from './lib/http-paths.js';
import { createIdGenerator } from './lib/ids.js';
import { registerApiAuth } from './plugins/api-auth.js';
import { registerConcurrencyLimit } from './plugins/concurrency.js';
import { frameworkErrorHandler, installErrorHandler } from './plugins/error-handler.js';
import { registerFaults } from './plugins/faults.js';
import { registerLengthRequired } from './plugins/json-body.js';
import { registerUtf8Bodies } from './plugins/body-charset.js';
import { answerClientError } from './plugins/client-errors.js';
import { installNotFound } from './plugins/not-found.js';
import { registerRateLimit } from './plugins/rate-limit.js';
import { registerRequestContext } from './plugins/request-context.js';
import { registerStats } from './plugins/stats.js';
import { registerAppGroupRoutes } from './routes/app-groups.js';
import { registerAppKeyCredentialRoutes } from './routes/app-key-credentials.js';
import { registerAppKeyRoutes } from './routes/app-keys.js';
import { registerAppUserRoutes } from './routes/app-users.js';
import { registerAppsRoutes } from './routes/apps.js';
import { registerControlRoutes } from './routes/control.js';
import { registerGroupRoutes } from './routes/groups.js';
import { registerIamRoutes } from './routes/iam.js';
import { registerTokenRoute } from './routes/token.js';
import { registerOrgRoutes } from './routes/org.js';
import { registerUserLifecycleRoutes } from './routes/user-lifecycle.js';
import { registerUserRoutes } from './routes/users.js';
import { registerUserSchemaRoutes } from './routes/user-schema.js';
import { registerWellKnownRoutes } from './routes/well-known.js';
import { createServiceApp, type ServiceAppCredentials, type ServiceAppOptions } from './service-app.js';
import { EmulatorState } from './state/emulator-state.js';
import type { Stats } from './state/org-records.js';
import { generateSigningKey } from './state/org-secrets.js';
import type { EmulatorSnapshot } from './state/snapshot.js';
import { createStateSaver, loadSnapshot, type StateSaver } from './state/state-file.js';

export type { EmulatorSnapshot };

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
  /** Per-route rate-limit quotas (per minute), by bucket name (see `DEFAULT_QUOTAS`). */
  quotas?: Record<string, number>;
  /** Concurrent in-flight request limit (default 75). */
  concurrencyLimit?: number;
  /** ORN partition of the emulated org's cell: `okta` (default) or `oktapreview` (a preview org). */
  ornPartition?: 'okta' | 'oktapreview';
  /** The clock every check reads; default real time with an adjustable offset. */
  clock?: Clock;
  /** Latency faults wait with this (default a real timer); tests inject one to stay deterministic. */
  sleep?: (ms: number) => Promise<void>;
  /** Fastify logging (off by default). */
  logger?: boolean;
  /** Use this admin API token instead of a random one. */
  adminToken?: string;
  /** DPoP nonce rotation period in ms (default 24 h). */
  nonceRotationMs?: number;
  /**
   * Require the server nonce in DPoP proofs at `/api/v1` too (RFC 9449 section 9). Default false: Okta does
   * not. Changeable later through `state.dpopResourceNonce` or `POST /__emulator/dpop/resource-nonce`.
   */
  dpopResourceNonce?: boolean;
  /** A snapshot from {@link BuiltEmulator.snapshot} to start from (apps, keys, users survive a restart). */
  snapshot?: EmulatorSnapshot;
  /** Called after every request that may have changed persisted state (a successful write under `/api/v1`, `/oauth2/v1/clients` or `/__emulator`). */
  onChange?: () => void;
}

/** A built (not listening) emulator. */
export interface BuiltEmulator {
  /** The fastify app: `app.inject()` it or `app.listen()` it. */
  app: FastifyInstance;
  orgUrl: string;
  /** The org's Super Admin API token (`Authorization: SSWS <token>`). */
  readonly adminToken: string;
  clock: MutableClock;
  /** The org: apps, keys, tokens, users, IAM objects, traffic controls, counters. */
  state: EmulatorState;
  /** Counters. */
  stats(): Stats;
  /** Back to the initial org (admin token, signing key and configuration stay). */
  reset(): void;
  /** A JSON-serialisable snapshot of everything that should survive a restart (holds private keys). */
  snapshot(): EmulatorSnapshot;
}

/**
 * Builds the emulator: one fastify app over one state. It never listens by itself.
 *
 * @example
 * const emu = await buildEmulator({ orgUrl: 'http://127.0.0.1:8080' });
 * const res = await emu.app.inject({ method: 'GET', url: '/api/v1/apps', headers: { authorization: `SSWS ${emu.adminToken}` } });
 */
export async function buildEmulator(options: BuildEmulatorOptions): Promise<BuiltEmulator> {
  const orgUrl = normalizeOrgUrl(options.orgUrl);
  const clock = options.clock ? toMutableClock(options.clock) : createClock();
  const ids = createIdGenerator(options.seed);
  const state = new EmulatorState({
    orgUrl,
    clock,
    ids,
    signingKey: await generateSigningKey(),
    ...(options.nonceRotationMs !== undefined ? { nonceRotationMs: options.nonceRotationMs } : {}),
    dpopResourceNonce: options.dpopResourceNonce === true ? 'required' : 'off',
    ...(options.adminToken !== undefined ? { adminToken: options.adminToken } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.seedUsers !== undefined ? { seedUsers: options.seedUsers } : {}),
    ...(options.quotas !== undefined ? { quotas: options.quotas } : {}),
    ...(options.concurrencyLimit !== undefined ? { concurrencyLimit: options.concurrencyLimit } : {}),
    ...(options.ornPartition !== undefined ? { ornPartition: options.ornPartition } : {}),
  });
  if (options.snapshot) state.restore(options.snapshot);

  const app = Fastify({
    frameworkErrors: frameworkErrorHandler(() => ({
      'x-okta-request-id': ids.requestId(),
      date: new Date(clock.now()).toUTCString(),
    })),
    logger: options.logger === true ? { redact: ['req.headers.authorization', 'req.headers.dpop'] } : false,
    bodyLimit: 1024 * 1024,
    // Parser refusals (431 for an over-long URL or headers, ...) close the connection cleanly.
    clientErrorHandler: answerClientError,
    // Okta ids are case-sensitive and paths are matched as sent.
    routerOptions: { ignoreTrailingSlash: false, caseSensitive: true, maxParamLength: 1000 },
  });
  installErrorHandler(app);
  installNotFound(app);
  // Okta's JSON APIs take only JSON: any other media type is E0000021 (via the error handler).
  app.removeContentTypeParser('text/plain');

  // Hook order matters: request id and Date first; traffic controls (concurrency, rate limit, faults) run
  // before authentication, so floods of bad tokens are limited as at Okta; the API-auth hook then sets
  // request.principal for the routes.
  registerRequestContext(app, state);
  registerLengthRequired(app);
  registerUtf8Bodies(app);
  registerConcurrencyLimit(app, state.concurrency, clock);
  registerRateLimit(app, state.rateLimits);
  registerFaults(app, state.faults, { clock, ...(options.sleep ? { sleep: options.sleep } : {}) });
  registerUserRoutes(app, state);
  registerGroupRoutes(app, state);
  registerIamRoutes(app, state);
  registerApiAuth(app, state);
  await registerTokenRoute(app, state);
  registerWellKnownRoutes(app, state);
  registerAppsRoutes(app, state);
  registerAppKeyRoutes(app, state);
  registerAppKeyCredentialRoutes(app, state);
  registerAppUserRoutes(app, state);
  registerAppGroupRoutes(app, state);
  registerUserLifecycleRoutes(app, state);
  registerUserSchemaRoutes(app, state);
  registerOrgRoutes(app, state);
  if (options.control === true) await registerControlRoutes(app, state);
  registerStats(app, state, options.onChange);

  return {
    app,
    orgUrl,
    get adminToken() {
      return state.adminToken;
    },
    clock,
    state,
    stats: () => state.stats,
    reset: () => state.reset(),
    snapshot: () => state.snapshot(),
  };
}

/**
 * Options of {@link startEmulator}: those of {@link buildEmulator} (the org URL comes from the address it
 * listens on; the snapshot and change hook from `statePath`), plus where to listen and the state file.
 */
export interface EmulatorOptions extends Omit<BuildEmulatorOptions, 'orgUrl' | 'snapshot' | 'onChange'> {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free port). */
  port?: number;
  /** Register `/__emulator/*` control routes (default true here; the CLI needs `--control`). */
  control?: boolean;
  /** Load state from this JSON file at start (if it exists) and save it on change and on close. */
  statePath?: string;
}

/** A running emulator, as tests and the CLI use it. */
export interface RunningEmulator {
  /** `http://127.0.0.1:PORT`: the org URL and issuer. */
  url: string;
  /** `${url}/oauth2/v1/token`. */
  tokenEndpoint: string;
  /** Super Admin API token: `Authorization: SSWS <adminToken>`. */
  adminToken: string;
  app: FastifyInstance;
  clock: { now(): number; set(ms: number): void; advance(ms: number): void };
  /** Creates a ready API Services app (key, scopes, admin role) and returns its credentials. */
  createServiceApp(opts?: ServiceAppOptions): Promise<ServiceAppCredentials>;
  /**
   * Switches the resource-server nonce mode: `true` demands the current nonce in `/api/v1` proofs, `'always'`
   * refuses every DPoP-bound API request with a new nonce, `false` turns it off (the `DpopResourceNonceMode` of src/state/org-records.ts).
   */
  setDpopResourceNonce(mode: boolean | 'always'): void;
  stats(): {
    tokenRequests: number;
    tokenRequestsByClient: Record<string, number>;
    /** `success` or the OAuth `error` code of each token request (see `Stats` in src/state/org-records.ts). */
    tokenRequestsByOutcome: Record<string, number>;
    tokensIssued: number;
    apiRequests: number;
  };
  /** Clears apps, tokens, users and counters. */
  reset(): void;
  close(): Promise<void>;
  /** The built emulator (its one state, snapshot). */
  built: BuiltEmulator;
}

/**
 * Builds and starts an emulator on 127.0.0.1 (port 0 by default), with the control API on.
 *
 * @example
 * const emu = await startEmulator();
 * const { clientId, keyId, privateKeyPem } = await emu.createServiceApp({ dpop: false });
 * // ... point a client at emu.url ...
 * await emu.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const { host: hostOption, port: portOption, statePath, control, seedUsers, ...buildOptions } = options;
  const host = hostOption ?? '127.0.0.1';
  const snapshot = statePath ? loadSnapshot(statePath) : undefined;
  let saver: StateSaver | undefined;
  let built: BuiltEmulator | undefined;
  let url = '';
  for (let attempt = 0; ; attempt++) {
    const fixedPort = portOption !== undefined && portOption > 0 ? portOption : undefined;
    const port = fixedPort ?? (await freePort(host));
    url = `http://${urlHost(host)}:${port}`;
    built = await buildEmulator({
      ...buildOptions,
      orgUrl: url,
      control: control ?? true,
      // A loaded state already has its users.
      ...(seedUsers !== undefined && !snapshot ? { seedUsers } : {}),
      ...(snapshot ? { snapshot } : {}),
      onChange: () => saver?.schedule(),
    });
    try {
      await built.app.listen({ host, port });
      break;
    } catch (err) {
      await built.app.close();
      // Port 0 is resolved before building (the org URL must be known); another process may take it first.
      if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || fixedPort !== undefined || attempt >= 4)
        throw err;
    }
  }
  const emu = built;
  if (statePath) {
    saver = createStateSaver(statePath, () => emu.snapshot());
    saver.flush();
  }
  let counter = 0;
  let closed = false;
  return {
    url,
    tokenEndpoint: url + TOKEN_PATH,
    get adminToken() {
      return emu.adminToken;
    },
    app: emu.app,
    clock: emu.clock,
    built: emu,
    createServiceApp: async (opts?: ServiceAppOptions) => {
      counter++;
      const credentials = await createServiceApp(
        emu.app,
        { orgUrl: url, adminToken: emu.adminToken, counter },
        opts,
      );
      saver?.schedule();
      return credentials;
    },
    setDpopResourceNonce: (mode: boolean | 'always') => {
      emu.state.dpopResourceNonce = mode === 'always' ? 'always' : mode ? 'required' : 'off';
    },
    stats: () => {
      const s = emu.stats();
      return structuredClone(s);
    },
    reset: () => {
      emu.reset();
      saver?.schedule();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await emu.app.close();
      saver?.flush();
    },
  };
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
