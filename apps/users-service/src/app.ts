/**
 * `buildApp(options)`: the users service as a fastify app, built but not listening (tests `inject()` it; main
 * listens). One Okta client per app, created here and closed when the app closes. The app owns the request id,
 * the one error handler (every error is problem+json), caller authentication, the request-duration histogram
 * and the completion log line that carries the upstream statuses.
 */
import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import { Ajv } from 'ajv';
import {
  createOktaClient,
  OktaM2MError,
  type KeyStatus,
  type OktaClient,
  type OktaClientOptions,
} from 'okta-m2m';
import type { DestinationStream } from 'pino';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { ApiKey } from './api-keys.js';
import { installCallerAuth } from './caller-auth.js';
import type { LogLevel, SharedTokenStoreConfig } from './config.js';
import { createLogger } from './logger.js';
import { registerOktaMetrics } from './ops/okta-metrics.js';
import { startStatusTracker } from './ops/status-tracker.js';
import { startKeyReloader } from './ops/key-reload.js';
import { createReadiness } from './ops/readiness.js';
import { openTokenStore } from './ops/token-store.js';
import { recordUpstreamAttempts, type UpstreamRecord } from './ops/upstream-context.js';
import { mapUpstreamError, problem } from './problem.js';
import { registerConsoleRoutes } from './routes/console.js';
import { registerOperationsRoutes } from './routes/operations.js';
import { registerStatusRoute } from './routes/status.js';
import { registerUsersRoutes } from './routes/users.js';
import { problemSchema, userSchema } from './schemas.js';
import { sendProblem } from './send-problem.js';
import { describeValidation } from './validation-message.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The Okta calls made for this request. */
    upstream: UpstreamRecord;
  }
  interface FastifyInstance {
    /** Re-read the Okta client key now (main.ts calls it on SIGHUP); resolves to the key's state. */
    reloadOktaKey(reason: string): Promise<KeyStatus>;
  }
}

/**
 * Options of {@link buildApp}.
 * @example
 * const app = await buildApp({ okta: fromEnv(), apiKeys: config.apiKeys });
 */
export interface BuildAppOptions {
  /** The library's client options (e.g. `fromEnv()`); the app creates the client and closes it on close. */
  okta: OktaClientOptions;
  /** Callers allowed in. */
  apiKeys: readonly ApiKey[];
  /** Default `info`. */
  logLevel?: LogLevel | undefined;
  /** Where log lines go; default stdout. */
  logStream?: DestinationStream | undefined;
  /** How long a readiness result is reused (ms). Default 5000. */
  readinessCacheMs?: number | undefined;
  /** Share tokens with the other replicas through Redis (`REDIS_URL`, `TOKEN_STORE_KEY`). Default: per process. */
  tokenStore?: SharedTokenStoreConfig | undefined;
  /** Re-read the client key when `okta.privateKeyPath` (or its `.kid` file) changes. Default true. */
  watchKeyFile?: boolean | undefined;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Build the service. Throws the library's ConfigError or KeyError when the Okta options are unusable.
 * @example
 * const app = await buildApp({ okta, apiKeys });
 * const res = await app.inject({ url: '/users?limit=5', headers: { authorization: `Bearer ${key}` } });
 * await app.close();
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const logger = createLogger(options.logLevel ?? 'info', options.logStream);
  const tokens = await openTokenStore(options.tokenStore, logger.child({ component: 'token-store' }));
  let client: OktaClient;
  try {
    client = createOktaClient({
      ...options.okta,
      ...(tokens.store === undefined ? {} : { tokenStore: tokens.store }),
      logger: logger.child({ component: 'okta-m2m' }),
      transport: { userAgent: 'users-service/0.1.0', ...options.okta.transport },
    });
  } catch (error) {
    await tokens.close();
    throw error;
  }
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const oktaMetrics = registerOktaMetrics(registry, {
    rateLimit: () => client.transport.rateLimit,
    breakerState: () => client.transport.breakerState,
    tokenStore: () => tokens.lastState(),
    keyStatus: () => client.tokens.keyStatus(),
  });
  const keyPath = options.watchKeyFile === false ? undefined : options.okta.privateKeyPath;
  const keyReloader = startKeyReloader(client, keyPath, logger.child({ component: 'key-reload' }));
  const stopRecording = recordUpstreamAttempts();
  const tracker = startStatusTracker();
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: "The service's own requests by method, route and status.",
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const readiness = createReadiness({
    cacheMs: options.readinessCacheMs ?? 5000,
    // While the key is unusable each probe re-reads it (a file, a key function), so the service heals itself.
    gate: async () => {
      let key = client.tokens.keyStatus();
      if (!key.usable) key = await client.tokens.reloadKey();
      if (key.usable) return undefined;
      return {
        code: key.problem?.code ?? 'OKTA_M2M_KEY',
        hint: key.problem?.hint,
        detail: `no usable client key (${key.problem?.message ?? `none loaded yet from ${key.source}`})`,
      };
    },
    probe: async () => {
      const pages = client.users.pages({ limit: 1 });
      try {
        await pages.next();
      } finally {
        await pages.return(undefined);
      }
    },
  });

  const app = Fastify({
    // pino's own Logger type and fastify's view of it differ only in typing.
    loggerInstance: logger as FastifyBaseLogger,
    // One completion line per request (the onResponse hook below) instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 16 * 1024,
    return503OnClosing: true,
  });
  // JSON only: a text/plain body is refused (415) rather than parsed as a string.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler());
  app.addSchema(userSchema);
  app.addSchema(problemSchema);
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'users-service',
        version: '0.1.0',
        description: 'List, read and rename Okta users through an Okta service app (okta-m2m).',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
    },
  });

  app.decorate('reloadOktaKey', (reason: string) => keyReloader.reload(reason));
  app.decorateRequest('upstream', null as unknown as UpstreamRecord);
  app.addHook('onRequest', async (request, reply) => {
    request.upstream = { attempts: [] };
    void reply.header('x-request-id', request.id);
  });
  // While closing, answers end their keep-alive connection, so a request in flight at SIGTERM does not leave
  // an idle socket holding the shutdown open until the keep-alive timeout.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });
  installCallerAuth(app, options.apiKeys);
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requestDuration.observe(
      { method: request.method, route, status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    if (route === '/metrics' || route === '/healthz') return;
    request.log.info(
      {
        method: request.method,
        route,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(request.caller === undefined ? {} : { caller: request.caller }),
        ...(request.upstream.attempts.length === 0 ? {} : { upstream: request.upstream.attempts }),
        ...(request.upstream.oktaRequestId === undefined
          ? {}
          : { oktaRequestId: request.upstream.oktaRequestId }),
      },
      'request completed',
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof OktaM2MError) {
      const { problem: body, headers } = mapUpstreamError(error, Date.now());
      if (body.oktaRequestId !== undefined) request.upstream.oktaRequestId = body.oktaRequestId;
      request.log.warn(
        { code: error.code, status: body.status, err: { type: error.name, message: error.message } },
        'upstream call failed',
      );
      return sendProblem(request, reply, body, headers);
    }
    if (error.validation !== undefined) {
      const part = error.validationContext ?? 'request';
      return sendProblem(
        request,
        reply,
        problem(400, describeValidation(error.validation, part), { code: 'USERS_SERVICE_INVALID_REQUEST' }),
      );
    }
    const status = error.statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return sendProblem(
        request,
        reply,
        problem(status, error.message, { code: 'USERS_SERVICE_BAD_REQUEST' }),
      );
    }
    request.log.error({ err: error }, 'unexpected error');
    return sendProblem(
      request,
      reply,
      problem(500, 'Unexpected error; see the service log for this request id.'),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, problem(404, `No route ${request.method} ${request.url.split('?')[0]}.`)),
  );

  await app.register(async (scope) => registerUsersRoutes(scope, client));
  registerOperationsRoutes(app, { readiness, registry, tokenStore: () => tokens.state() });
  registerStatusRoute(app, client, tracker, tokens);
  registerConsoleRoutes(app);

  app.addHook('onClose', async () => {
    stopRecording();
    keyReloader.stop();
    tracker.stop();
    oktaMetrics.stop();
    await client.close();
    await tokens.close();
  });
  return app;
}

/** Strict for bodies (no type coercion, no silently dropped fields); query strings and params are coerced. */
function validatorCompiler() {
  const common = { allErrors: true, strict: false, removeAdditional: false } as const;
  const body = new Ajv({ ...common, coerceTypes: false, useDefaults: false });
  const url = new Ajv({ ...common, coerceTypes: 'array', useDefaults: true });
  for (const ajv of [body, url]) {
    ajv.addSchema(userSchema);
    ajv.addSchema(problemSchema);
  }
  return ({ schema, httpPart }: { schema: object; httpPart?: string }) =>
    (httpPart === 'body' ? body : url).compile(schema);
}
