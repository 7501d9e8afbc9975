/**
 * The only module that sends HTTP. Built on undici's `request` with one keep-alive `Agent` per transport
 * (connections reused, no pipelining), it adds per-attempt timeouts, an overall deadline per call, the retry
 * policy, the circuit breaker, metrics, the `Accept` and `User-Agent` headers, and a response-size cap. It never
 * follows redirects (a 3xx comes back as is: credentials must not travel to a `Location`), and it resolves with
 * the final response whatever its status; interpreting it is the caller's job (see okta-response.ts).
 *
 * Every attempt calls the caller's RequestFactory again, so a retry carries a new client assertion / DPoP proof.
 */
import { Agent } from 'undici';
import type { Clock, Logger, Random, Sleep } from '../deps.js';
import {
  CircuitOpenError,
  ClosedError,
  NetworkError,
  OktaM2MError,
  ResponseError,
  TimeoutError,
} from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import {
  CircuitBreaker,
  type BreakerPermit,
  type BreakerState,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
import { AttemptSignal } from './attempt-signal.js';
import { hasRateLimit, parseRateLimit, type RateLimitInfo } from './rate-limit.js';
import {
  decideRetry,
  resolveRetryPolicy,
  type AttemptOutcome,
  type RetryOptions,
  type RetryPolicy,
} from './retry-policy.js';
import type { HttpRequest, HttpResponse, RequestFactory, SendOptions, Transport } from './types.js';
import { describeNetworkError, errorCode, follow } from './network-errors.js';
import { readBody, responseHeaders, TOO_LARGE } from './response-body.js';
import { userAgent } from './user-agent.js';

/** TLS settings passed to the connection pool: a private CA, or a client certificate for mutual TLS. */
export interface TlsOptions {
  /** Trusted CA certificate(s), PEM. Replaces the default trust store for this transport. */
  ca?: string | Buffer | readonly (string | Buffer)[] | undefined;
  /** Client certificate chain (PEM) for mutual TLS. */
  cert?: string | Buffer | undefined;
  /** Client private key (PEM) for mutual TLS. */
  key?: string | Buffer | undefined;
  /** Verify the server certificate. Default true; turning it off is for local experiments only. */
  rejectUnauthorized?: boolean | undefined;
}

/** Transport settings. Every field has a documented default. */
export interface TransportOptions {
  /** Time limit of one attempt, from sending to the last body byte (ms). Default 10 000. */
  timeoutMs?: number | undefined;
  /** Time limit of a whole call, retries and waits included (ms). Default 30 000. */
  deadlineMs?: number | undefined;
  /** The retry policy; `false` turns retries off. Default: see DEFAULT_RETRY_POLICY. */
  retry?: RetryOptions | undefined;
  /** Circuit-breaker settings; `false` turns it off. Default 5 failures in 60 s open it for 30 s. */
  breaker?: false | Partial<CircuitBreakerOptions> | undefined;
  /** Most sockets per origin. Default 32. */
  connections?: number | undefined;
  /** How long an idle keep-alive socket is kept (ms). Default 30 000 (capped by the server's keep-alive hint). */
  keepAliveTimeoutMs?: number | undefined;
  /** Largest response body accepted (bytes); more is a ResponseError. Default 10 MiB. */
  maxResponseBytes?: number | undefined;
  /** TLS options for a private CA or mutual TLS. */
  tls?: TlsOptions | undefined;
  /** A product token appended to the User-Agent, e.g. `users-service/1.2`. */
  userAgent?: string | undefined;
}

/** Side effects the transport uses. */
export interface TransportDeps {
  clock: Clock;
  sleep: Sleep;
  random: Random;
  metrics: Metrics;
  logger?: Logger | undefined;
}

/** A Transport that also exposes what it has observed. */
export interface OktaTransport extends Transport {
  /** The rate-limit headers of the latest response that carried them. */
  readonly rateLimit: RateLimitInfo | undefined;
  /** The breaker's state (`closed` when the breaker is turned off). */
  readonly breakerState: BreakerState;
  /** The effective retry policy. */
  readonly retryPolicy: Readonly<RetryPolicy>;
}

/** The documented transport defaults. */
export const TRANSPORT_DEFAULTS = Object.freeze({
  timeoutMs: 10_000,
  deadlineMs: 30_000,
  connections: 32,
  keepAliveTimeoutMs: 30_000,
  maxResponseBytes: 10 * 1024 * 1024,
});

const DEADLINE = Symbol('deadline');
/** setTimeout's largest delay; longer ones would fire at once. */
const MAX_TIMER_MS = 2_147_483_647;
const ATTEMPT_TIMEOUT = Symbol('attempt-timeout');

/**
 * Create a transport. One per client (per Okta org); `close()` it on shutdown.
 * @example
 * const transport = createTransport({ timeoutMs: 5000 }, { ...defaultDeps(), metrics: new Metrics() });
 * const res = await transport.send(
 *   () => ({ method: 'GET', url: new URL('https://example.okta.com/api/v1/users/00u1'), headers: { authorization } }),
 *   { operation: 'users.get', retryable: true },
 * );
 */
export function createTransport(options: TransportOptions, deps: TransportDeps): OktaTransport {
  return new UndiciTransport(options, deps);
}

class UndiciTransport implements OktaTransport {
  readonly #deps: TransportDeps;
  readonly #agent: Agent;
  readonly #policy: RetryPolicy;
  readonly #breaker: CircuitBreaker | undefined;
  readonly #timeoutMs: number;
  readonly #deadlineMs: number;
  readonly #maxBytes: number;
  readonly #userAgent: string;
  #rateLimit: RateLimitInfo | undefined;
  /** The headers of the latest response with rate-limit headers, parsed only when `rateLimit` is read. */
  #rateLimitHeaders: HttpResponse['headers'] | undefined;
  #closed = false;
  /** Aborted by close(): a call waiting to retry stops waiting (its timers would keep the process alive). */
  readonly #closing = new AbortController();

  constructor(options: TransportOptions, deps: TransportDeps) {
    this.#deps = deps;
    this.#policy = resolveRetryPolicy(options.retry);
    this.#timeoutMs = options.timeoutMs ?? TRANSPORT_DEFAULTS.timeoutMs;
    this.#deadlineMs = options.deadlineMs ?? TRANSPORT_DEFAULTS.deadlineMs;
    this.#maxBytes = options.maxResponseBytes ?? TRANSPORT_DEFAULTS.maxResponseBytes;
    this.#userAgent = userAgent(options.userAgent);
    this.#breaker =
      options.breaker === false
        ? undefined
        : new CircuitBreaker(options.breaker ?? {}, deps.clock, (from, to) => {
            deps.metrics.breaker({ from, to });
            deps.logger?.warn({ from, to }, `okta-m2m circuit breaker ${to}`);
          });
    const keepAlive = options.keepAliveTimeoutMs ?? TRANSPORT_DEFAULTS.keepAliveTimeoutMs;
    this.#agent = new Agent({
      connections: options.connections ?? TRANSPORT_DEFAULTS.connections,
      pipelining: 1,
      keepAliveTimeout: keepAlive,
      keepAliveMaxTimeout: Math.max(keepAlive, 600_000),
      connect: tlsConnectOptions(options.tls),
    });
  }

  /** The overall deadline (ms) applied to a call that sets none. */
  get deadlineMs(): number {
    return this.#deadlineMs;
  }

  get rateLimit(): RateLimitInfo | undefined {
    if (this.#rateLimitHeaders !== undefined) {
      this.#rateLimit = parseRateLimit(this.#rateLimitHeaders);
      this.#rateLimitHeaders = undefined;
    }
    return this.#rateLimit;
  }

  get breakerState(): BreakerState {
    return this.#breaker?.state ?? 'closed';
  }

  get retryPolicy(): Readonly<RetryPolicy> {
    return this.#policy;
  }

  async send(factory: RequestFactory, options: SendOptions): Promise<HttpResponse> {
    if (this.#closed) throw new ClosedError();
    options.signal?.throwIfAborted();
    const { clock } = this.#deps;
    const deadlineMs = options.deadlineMs ?? this.#deadlineMs;
    const deadlineAt = clock() + deadlineMs;
    // The call's signal: aborted by the caller, or by the deadline (a real timer backs up the clock arithmetic).
    // Cancelling the call cancels the attempt in flight with the same reason; the transport does both itself, so
    // nothing listens on the call's signal but the request factory.
    const call = new AbortController();
    const ctx: CallContext = { options, deadlineMs, deadlineAt, call: call.signal, attempt: undefined };
    const cancel = {
      abort: (reason: unknown): void => {
        call.abort(reason);
        ctx.attempt?.abort(reason);
      },
    };
    const unfollow = follow(cancel, options.signal);
    const deadlineTimer = setTimeout(() => cancel.abort(DEADLINE), Math.min(deadlineMs, MAX_TIMER_MS));
    try {
      for (let attempt = 1; ; attempt++) {
        const result = await this.#attempt(factory, attempt, ctx);
        // An answer below 400 ends the call (decideRetry would stop on it before consulting anything else).
        if (result.kind === 'response' && result.response.status < 400) return result.response;
        const outcome: AttemptOutcome =
          result.kind === 'response'
            ? {
                kind: 'response',
                status: result.response.status,
                rateLimit: result.rateLimit,
                response: result.response,
              }
            : { kind: result.kind, error: result.error };
        const decision = decideRetry(this.#policy, outcome, {
          attempt,
          operation: options.operation,
          retryable: options.retryable,
          now: clock(),
          deadlineAt,
          random: this.#deps.random,
        });
        if (!decision.retry) {
          if (result.kind === 'response') return result.response;
          throw result.error;
        }
        this.#deps.metrics.retry({
          operation: options.operation,
          attempt,
          delayMs: decision.delayMs,
          reason: decision.reason,
        });
        this.#deps.logger?.debug(
          { operation: options.operation, attempt, delayMs: decision.delayMs, reason: decision.reason },
          'okta-m2m retrying',
        );
        try {
          await this.#deps.sleep(decision.delayMs, AbortSignal.any([call.signal, this.#closing.signal]));
        } catch (error) {
          if (this.#closed && !call.signal.aborted) throw new ClosedError();
          throw this.#abortError(error, ctx, undefined);
        }
      }
    } finally {
      clearTimeout(deadlineTimer);
      unfollow();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    await this.#agent.close();
  }

  /** One attempt: build the request, consult the breaker, send, read the body, classify. */
  async #attempt(factory: RequestFactory, attempt: number, ctx: CallContext): Promise<AttemptResult> {
    const { clock, metrics } = this.#deps;
    if (this.#closed) throw new ClosedError();
    const remaining = ctx.deadlineAt - clock();
    if (remaining <= 0) throw deadlineError(ctx, undefined);
    // Cheap fail-fast before building a request (which may sign a proof or fetch a token).
    if (this.#breaker?.state === 'open')
      throw circuitOpen(ctx.options.operation, this.#breaker.retryAt ?? clock());

    let request: HttpRequest;
    try {
      request = await factory(attempt, ctx.call);
    } catch (error) {
      throw this.#abortError(error, ctx, undefined);
    }
    const path = request.url.pathname;
    const label = `${request.method} ${path}`;

    const permit: BreakerPermit = this.#breaker?.acquire() ?? { allowed: true, trial: false };
    if (!permit.allowed) throw circuitOpen(ctx.options.operation, permit.retryAt);

    const left = ctx.deadlineAt - clock();
    const budget = Math.max(1, Math.min(this.#timeoutMs, left));
    const kind: 'attempt' | 'deadline' = this.#timeoutMs < left ? 'attempt' : 'deadline';
    // Aborted by its timer, or by the call (see send).
    const signal = new AttemptSignal();
    if (ctx.call.aborted) signal.abort(ctx.call.reason);
    ctx.attempt = signal;
    const timer = setTimeout(() => signal.abort(ATTEMPT_TIMEOUT), Math.min(budget, MAX_TIMER_MS));
    const started = clock();
    const event = { operation: ctx.options.operation, method: request.method, path, attempt };
    try {
      const url = request.url;
      const res = await this.#agent.request({
        origin: url.origin,
        path: url.search === '' ? path : `${path}${url.search}`,
        method: request.method,
        headers: this.#headers(request),
        body: request.body ?? null,
        signal,
        headersTimeout: budget,
        bodyTimeout: budget,
      });
      const headers = responseHeaders(res.headers);
      let body: string;
      try {
        body = await readBody(res.body, this.#maxBytes, headers['content-length']);
      } catch (error) {
        if (error === TOO_LARGE) {
          metrics.request({ ...event, status: res.statusCode, durationMs: clock() - started });
          this.#breaker?.record(permit, 'success');
          throw new ResponseError(
            `${label}: the response body exceeds ${this.#maxBytes} bytes (status ${res.statusCode})`,
            res.statusCode,
            { hint: 'Request smaller pages (limit) or raise maxResponseBytes.' },
          );
        }
        throw error;
      }
      const response: HttpResponse = { status: res.statusCode, headers, body, url: request.url };
      metrics.request({ ...event, status: response.status, durationMs: clock() - started });
      this.#breaker?.record(permit, response.status >= 500 ? 'failure' : 'success');
      // Parsed when read (the `rateLimit` getter) or when the answer may be retried (429 and other failures).
      if (hasRateLimit(headers)) this.#rateLimitHeaders = headers;
      const rateLimit = response.status >= 400 ? parseRateLimit(headers) : undefined;
      return { kind: 'response', response, rateLimit };
    } catch (error) {
      if (error instanceof OktaM2MError) throw error;
      const classified = this.#classify(error, ctx, signal, label, kind, budget, attempt);
      if (classified.kind === 'fatal') {
        this.#breaker?.record(permit, 'abandoned');
        metrics.request({ ...event, durationMs: clock() - started });
        throw classified.error;
      }
      metrics.request({ ...event, failure: classified.kind, durationMs: clock() - started });
      this.#breaker?.record(permit, 'failure');
      return classified;
    } finally {
      clearTimeout(timer);
      ctx.attempt = undefined;
    }
  }

  /** Map a failed attempt to a timeout, a network error, or a fatal abort (the caller's or the deadline's). */
  #classify(
    error: unknown,
    ctx: CallContext,
    attemptSignal: AttemptSignal,
    label: string,
    kind: 'attempt' | 'deadline',
    budget: number,
    attempt: number,
  ): { kind: 'fatal'; error: unknown } | { kind: 'timeout' | 'network'; error: OktaM2MError } {
    if (ctx.options.signal?.aborted || ctx.call.aborted) {
      return { kind: 'fatal', error: this.#abortError(error, ctx, label) };
    }
    const code = errorCode(error);
    if (attemptSignal.aborted || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
      const timeout =
        kind === 'deadline'
          ? new TimeoutError(
              `${label}: no complete answer within the ${ctx.deadlineMs} ms deadline (attempt ${attempt})`,
              'deadline',
              ctx.deadlineMs,
              { cause: error, hint: TIMEOUT_HINT },
            )
          : new TimeoutError(
              `${label}: no complete answer within ${budget} ms (attempt ${attempt})`,
              'attempt',
              budget,
              {
                cause: error,
                hint: TIMEOUT_HINT,
              },
            );
      return { kind: 'timeout', error: timeout };
    }
    return {
      kind: 'network',
      error: new NetworkError(`${label}: ${describeNetworkError(code)} (attempt ${attempt})`, {
        cause: error,
        hint: 'Check that the Okta org URL is right and reachable from this host (DNS, proxy, firewall, TLS CA).',
      }),
    };
  }

  /** An error raised while the call was being cancelled: the caller's reason, or a deadline TimeoutError. */
  #abortError(error: unknown, ctx: CallContext, label: string | undefined): unknown {
    const caller = ctx.options.signal;
    if (caller?.aborted) return caller.reason;
    if (ctx.call.aborted) return deadlineError(ctx, label, error);
    return error;
  }

  #headers(request: HttpRequest): Record<string, string> {
    const headers: Record<string, string> = {};
    let accept = false;
    let agent = false;
    let type = false;
    const given = request.headers;
    for (const name of Object.keys(given)) {
      headers[name] = given[name]!;
      const lower = name.toLowerCase();
      if (lower === 'accept') accept = true;
      else if (lower === 'user-agent') agent = true;
      else if (lower === 'content-type') type = true;
    }
    if (!accept) headers['accept'] = 'application/json';
    if (!agent) headers['user-agent'] = this.#userAgent;
    if (request.body !== undefined && !type) headers['content-type'] = 'application/json';
    return headers;
  }
}

interface CallContext {
  options: SendOptions;
  deadlineMs: number;
  deadlineAt: number;
  call: AbortSignal;
  /** The attempt in flight, if any: cancelled with the call. */
  attempt: AttemptSignal | undefined;
}

type AttemptResult =
  | { kind: 'response'; response: HttpResponse; rateLimit: RateLimitInfo | undefined }
  | { kind: 'timeout' | 'network'; error: OktaM2MError };

const TIMEOUT_HINT =
  'Okta or the network is slow or unreachable; retries follow the retry policy. Raise timeoutMs/deadlineMs if slow answers are expected.';

function deadlineError(ctx: CallContext, label: string | undefined, cause?: unknown): TimeoutError {
  const what = label ?? `Okta request "${ctx.options.operation}"`;
  return new TimeoutError(
    `${what}: no answer within the ${ctx.deadlineMs} ms deadline (retries included)`,
    'deadline',
    ctx.deadlineMs,
    { cause, hint: TIMEOUT_HINT },
  );
}

function circuitOpen(operation: string, retryAt: number): CircuitOpenError {
  return new CircuitOpenError(
    `Okta request "${operation}" not sent: the circuit breaker is open after repeated failures (5xx, timeouts or network errors); next trial at ${new Date(retryAt).toISOString()}`,
    retryAt,
    {
      hint: 'Okta looks unavailable from here; check status.okta.com and the network. Calls resume automatically.',
    },
  );
}

function tlsConnectOptions(tls: TlsOptions | undefined): Record<string, unknown> {
  const connect: Record<string, unknown> = {};
  if (tls === undefined) return connect;
  if (tls.ca !== undefined) connect['ca'] = tls.ca;
  if (tls.cert !== undefined) connect['cert'] = tls.cert;
  if (tls.key !== undefined) connect['key'] = tls.key;
  if (tls.rejectUnauthorized !== undefined) connect['rejectUnauthorized'] = tls.rejectUnauthorized;
  return connect;
}
