/**
 * The fastify hooks that carry out injected faults (the rules are `state/fault-rules.ts`): status and 429
 * faults are thrown in `onRequest` and rendered by the error handler, a reset destroys the socket, latency
 * waits on the injected sleep and continues, truncated and malformed bodies rewrite the real response in
 * `onSend`.
 */
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../lib/clock.js';
import { OAuthProtocolError, OktaApiError } from '../lib/errors.js';
import { CONTROL_PREFIX, isOAuthPath, pathOf } from '../lib/http-paths.js';
import type { FaultAction, FaultsState } from '../state/fault-rules.js';
import { setRateLimitHeaders, tooManyRequests } from './rate-limit.js';

/** Options of {@link registerFaults}. */
export interface FaultHookOptions {
  clock: Clock;
  /** Injected for tests; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

const pendingBodyFaults = new WeakMap<FastifyRequest, 'truncate' | 'malformed-json'>();

/** The error a status fault answers with: OAuth's shape on the OAuth endpoints, Okta's elsewhere. */
function statusFaultError(
  path: string,
  action: Extract<FaultAction, { type: 'status' }>,
): OktaApiError | OAuthProtocolError {
  const status = action.status;
  if (isOAuthPath(path) && action.errorCode === undefined) {
    return new OAuthProtocolError('server_error', {
      status,
      error: status >= 500 ? 'server_error' : 'invalid_request',
      ...(action.errorSummary !== undefined ? { description: action.errorSummary } : {}),
    });
  }
  const code = action.errorCode ?? (status === 503 ? 'E0000181' : status >= 500 ? 'E0000009' : 'E0000001');
  const options: { status: number; summary?: string; summaryArgs?: string[] } = { status };
  if (action.errorSummary !== undefined) options.summary = action.errorSummary;
  else if (code === 'E0000001') options.summaryArgs = ['fault'];
  return new OktaApiError(code, options);
}

/**
 * Applies the fault table to every request (except `/__emulator`). Status/429/reset faults answer in
 * `onRequest`; latency delays and continues; truncated and malformed bodies rewrite the real response in
 * `onSend`.
 */
export function registerFaults(app: FastifyInstance, faults: FaultsState, options: FaultHookOptions): void {
  const sleep = options.sleep ?? ((ms: number) => delay(ms).then(() => undefined));
  // Callback-style hooks: with no rule installed the cost per request is one property read, no promise.
  app.addHook('onRequest', (request, reply, done) => {
    if (faults.empty) return done();
    const path = pathOf(request.url);
    if (path.startsWith(CONTROL_PREFIX)) return done();
    const action = faults.decide(request.method, path);
    if (action === undefined) return done();
    switch (action.type) {
      case 'latency':
        sleep(action.ms).then(() => done(), done);
        return;
      case 'status':
        return done(statusFaultError(path, action));
      case 'rate-limit': {
        const reset = Math.ceil(options.clock.now() / 1000 + (action.resetSeconds ?? 60));
        setRateLimitHeaders(
          reply,
          action.limit ?? Number(reply.getHeader('x-rate-limit-limit') ?? 0),
          0,
          reset,
        );
        return done(tooManyRequests(path));
      }
      case 'reset':
        reply.hijack();
        request.raw.socket?.destroy();
        reply.raw.destroy();
        return;
      case 'truncate':
      case 'malformed-json':
        pendingBodyFaults.set(request, action.type);
        return done();
    }
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    const kind = pendingBodyFaults.get(request);
    if (kind === undefined) return done(null, payload);
    pendingBodyFaults.delete(request);
    const text =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : '';
    if (kind === 'malformed-json') {
      reply.header('content-type', 'application/json');
      return done(null, text.length > 1 ? text.slice(0, Math.ceil(text.length / 2)) : '{"errorCode":');
    }
    // Announce the whole body, stream half of it, then drop the connection.
    const full = Buffer.from(text.length > 0 ? text : '{"truncated":true}', 'utf8');
    reply.header('content-length', String(full.length));
    const stream = new Readable({ read() {} });
    stream.push(full.subarray(0, Math.max(1, Math.floor(full.length / 2))));
    setImmediate(() => {
      reply.raw.destroy();
      stream.destroy();
    });
    done(null, stream);
  });
}
