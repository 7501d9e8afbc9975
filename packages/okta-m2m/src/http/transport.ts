/**
 * The only module that sends HTTP. Built on undici's `request` with one keep-alive `Agent` per transport
 * (connections reused, no pipelining), it adds per-attempt timeouts, an overall deadline per call, the retry
 * policy, the circuit breaker, metrics, the `Accept` and `User-Agent` headers, and a response-size cap. It never
 * follows redirects (a 3xx comes back as is: credentials must not travel to a `Location`), and it resolves with
 * the final response whatever its status; interpreting it is the caller's job (see okta-response.ts).
 *
 * Every attempt calls the caller's RequestFactory again, so a retry carries a new client assertion / DPoP proof.
 */
import { Agent, type Dispatcher } from 'undici';
import type { ResolvedTransportOptions, TlsOptions } from '../config-types.js';
import { MAX_TIMER_MS, type Clock, type Logger, type Random, type Sleep } from '../deps.js';
import {
  CircuitOpenError,
  ClosedError,
  NetworkError,
  OktaM2MError,
  ResponseError,
  TimeoutError,
} from '../errors.js';
import type { Metrics } from '../observability/metrics.js';
import type { RequestEvent } from '../observability/events.js';
import {
  CircuitBreaker,
  type BreakerPermit,
  type BreakerState,
  type CircuitBreakerOptions,
} from './circuit-breaker.js';
import { AttemptSignal } from './attempt-signal.js';
import { hasRateLimit, parseRateLimit, type RateLimitInfo } from './rate-limit.js';
import { decideRetry, type AttemptOutcome, type RetryPolicy } from './retry-policy.js';
import type {
  Circuit,
  CloseOptions,
  HttpRequest,
  HttpResponse,
  RequestFactory,
  SendOptions,
  Transport,
} from './types.js';
import { describeNetworkError, errorCode, follow } from './network-errors.js';
import { readBody, responseHeaders, TOO_LARGE } from './response-body.js';

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
  /** The API circuit's breaker state (`closed` when the breaker is turned off). */
  readonly breakerState: BreakerState;
  /** Both circuits' breaker states: `api` (management API calls) and `token` (the token endpoint). */
  readonly breakerStates: Readonly<Record<Circuit, BreakerState>>;
  /** The effective retry policy. */
  readonly retryPolicy: Readonly<RetryPolicy>;
}

const DEADLINE = Symbol('deadline');
const ATTEMPT_TIMEOUT = Symbol('attempt-timeout');

/**
 * Create a transport from resolved options (see `resolveTransportOptions`). One per client (per Okta org);
 * `close()` it on shutdown: that closes the library's own Agent, never a dispatcher the caller passed.
 * @example
 * const options = resolveTransportOptions({ timeoutMs: 5000 });
 * const transport = createTransport(options, { ...defaultDeps(), metrics: new Metrics() });
 * const res = await transport.send(
 *   () => ({ method: 'GET', url: new URL('https://example.okta.com/api/v1/users/00u1'), headers: { authorization } }),
 *   { operation: 'users.get', retryable: true },
 * );
 */
export function createTransport(options: ResolvedTransportOptions, deps: TransportDeps): OktaTransport {
  return new UndiciTransport(options, deps);
}

class UndiciTransport implements OktaTransport {
  readonly #deps: TransportDeps;
  readonly #dispatcher: Dispatcher;
  /** The library's own Agent, closed by close(); undefined when the caller passed a dispatcher. */
  readonly #ownAgent: Agent | undefined;
  readonly #policy: RetryPolicy;
  /** One breaker per circuit: the token endpoint's failures never stop API calls on a cached token. */
  readonly #breakers: Readonly<Record<Circuit, CircuitBreaker>> | undefined;
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
  /** Aborted by close({ force: true }): every call's attempt in flight is aborted too. */
  readonly #forceClose = new AbortController();
  /** The calls in flight, cancelled by close({ force: true }). */
  readonly #inFlight = new Set<Cancel>();

  constructor(options: ResolvedTransportOptions, deps: TransportDeps) {
    this.#deps = deps;
    this.#policy = options.retry;
    this.#timeoutMs = options.timeoutMs;
    this.#deadlineMs = options.deadlineMs;
    this.#maxBytes = options.maxResponseBytes;
    this.#userAgent = options.userAgent;
    const breakerOptions = options.breaker;
    const breaker = (settings: CircuitBreakerOptions, circuit: Circuit): CircuitBreaker =>
      new CircuitBreaker(settings, deps.clock, (from, to) => {
        deps.metrics.breaker({ circuit, from, to });
        deps.logger?.warn({ circuit, from, to }, `okta-m2m circuit breaker (${circuit}) ${to}`);
      });
    this.#breakers =
      breakerOptions === false
        ? undefined
        : { api: breaker(breakerOptions, 'api'), token: breaker(breakerOptions, 'token') };
    this.#ownAgent =
      options.dispatcher === undefined
        ? new Agent({
            connections: options.connections,
            pipelining: 1,
            keepAliveTimeout: options.keepAliveTimeoutMs,
            keepAliveMaxTimeout: Math.max(options.keepAliveTimeoutMs, 600_000),
            connect: tlsConnectOptions(options.tls),
          })
        : undefined;
    this.#dispatcher = options.dispatcher ?? this.#ownAgent!;
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
    return this.#breakers?.api.state ?? 'closed';
  }

  get breakerStates(): Readonly<Record<Circuit, BreakerState>> {
    return {
      api: this.#breakers?.api.state ?? 'closed',
      token: this.#breakers?.token.state ?? 'closed',
    };
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
    // One breaker verdict per call (not per attempt): ask once, before anything is built or sent.
    const breaker = this.#breakers?.[options.circuit ?? 'api'];
    const permit: BreakerPermit = breaker?.acquire(deadlineMs) ?? { allowed: true, trial: false };
    if (!permit.allowed) throw circuitOpen(options.operation, options.circuit ?? 'api', permit.retryAt);
    // The call's signal: aborted by the caller, by the deadline (a real timer backs up the clock arithmetic), or
    // by close({ force: true }). Cancelling the call cancels the attempt in flight with the same reason; the
    // transport does both itself, so nothing listens on the call's signal but the request factory, and
    // close({ force: true }) reaches the call through the in-flight set instead of a listener per call.
    const call = new AbortController();
    const ctx: CallContext = {
      options,
      deadlineMs,
      deadlineAt,
      call: call.signal,
      verdict: 'abandoned',
      inFactory: false,
      attempt: undefined,
    };
    const cancel: Cancel = {
      abort: (reason: unknown): void => {
        call.abort(reason);
        ctx.attempt?.abort(reason);
      },
    };
    const unfollow = follow(cancel, options.signal);
    this.#inFlight.add(cancel);
    const deadlineTimer = setTimeout(() => cancel.abort(DEADLINE), Math.min(deadlineMs, MAX_TIMER_MS));
    try {
      for (let attempt = 1; ; attempt++) {
        const result = await this.#attempt(factory, attempt, ctx);
        ctx.verdict = result.kind !== 'response' || result.response.status >= 500 ? 'failure' : 'success';
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
        if (!decision.retry) return settle(result);
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
          if (this.#closed) throw new ClosedError(undefined, { cause: error });
          throw this.#abortError(error, ctx, undefined);
        }
        // Other calls opened the breaker while this one waited: stop retrying, and give the caller the real
        // answer (a 5xx with its request id, or the network error), not a CircuitOpenError.
        if (breaker !== undefined && breaker.state === 'open' && !permit.trial) return settle(result);
      }
    } catch (error) {
      // Closed or cancelled by the caller: no verdict. Out of time while this circuit's server had the request: a
      // failure. Out of time while the factory ran (waiting for a token: the token endpoint's circuit judges that):
      // no verdict here. Otherwise (a network error or timeout of the last attempt, a factory that failed) the last
      // verdict stands.
      if (this.#closed || options.signal?.aborted === true) ctx.verdict = 'abandoned';
      else if (isDeadline(error) && !ctx.inFactory) ctx.verdict = 'failure';
      throw error;
    } finally {
      breaker?.record(permit, ctx.verdict);
      clearTimeout(deadlineTimer);
      this.#inFlight.delete(cancel);
      unfollow();
    }
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (options.force === true && !this.#forceClose.signal.aborted) {
      this.#closed = true;
      this.#closing.abort();
      this.#forceClose.abort(new ClosedError('The Okta client was closed with force: the call was aborted.'));
      for (const cancel of this.#inFlight) cancel.abort(this.#forceClose.signal.reason);
      // The in-flight attempts are aborted above; a dispatcher the caller passed stays theirs to close.
      await this.#ownAgent?.destroy();
      return;
    }
    if (this.#closed) return;
    this.#closed = true;
    this.#closing.abort();
    await this.#ownAgent?.close();
  }

  /** One attempt: build the request, consult the breaker, send, read the body, classify. */
  async #attempt(factory: RequestFactory, attempt: number, ctx: CallContext): Promise<AttemptResult> {
    const { clock, metrics } = this.#deps;
    if (this.#closed) throw new ClosedError();
    const remaining = ctx.deadlineAt - clock();
    if (remaining <= 0) throw deadlineError(ctx, undefined);

    let request: HttpRequest;
    ctx.inFactory = true;
    try {
      request = await factory(attempt, ctx.call);
    } catch (error) {
      throw this.#abortError(error, ctx, undefined);
    }
    ctx.inFactory = false;
    const path = request.url.pathname;
    const label = `${request.method} ${path}`;

    const left = ctx.deadlineAt - clock();
    const budget = Math.max(1, Math.min(this.#timeoutMs, left));
    const kind: 'attempt' | 'deadline' = this.#timeoutMs < left ? 'attempt' : 'deadline';
    // Aborted by its timer, or by the call (see send).
    const signal = new AttemptSignal();
    if (ctx.call.aborted) signal.abort(ctx.call.reason);
    ctx.attempt = signal;
    const timer = setTimeout(() => signal.abort(ATTEMPT_TIMEOUT), Math.min(budget, MAX_TIMER_MS));
    const started = clock();
    try {
      const url = request.url;
      const res = await this.#dispatcher.request({
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
          metrics.request({
            ...attemptEvent(ctx, request.method, path, attempt),
            status: res.statusCode,
            durationMs: clock() - started,
          });
          ctx.verdict = 'success';
          throw new ResponseError(
            `${label}: the response body exceeds ${this.#maxBytes} bytes (status ${res.statusCode})`,
            res.statusCode,
            { hint: 'Request smaller pages (limit) or raise maxResponseBytes.' },
          );
        }
        throw error;
      }
      const response: HttpResponse = { status: res.statusCode, headers, body, url: request.url };
      metrics.request({
        operation: ctx.options.operation,
        method: request.method,
        path,
        attempt,
        status: response.status,
        durationMs: clock() - started,
      });
      // Parsed when read (the `rateLimit` getter) or when the answer may be retried (429 and other failures).
      let rateLimit: RateLimitInfo | undefined;
      if (response.status >= 400) {
        rateLimit = parseRateLimit(headers);
        if (rateLimit !== undefined) {
          this.#rateLimit = rateLimit;
          this.#rateLimitHeaders = undefined;
        }
      } else if (hasRateLimit(headers)) {
        this.#rateLimitHeaders = headers;
      }
      return { kind: 'response', response, rateLimit };
    } catch (error) {
      if (error instanceof OktaM2MError) throw error;
      const classified = this.#classify(error, ctx, signal, label, kind, budget, attempt);
      if (classified.kind === 'fatal') {
        metrics.request({
          ...attemptEvent(ctx, request.method, path, attempt),
          durationMs: clock() - started,
        });
        throw classified.error;
      }
      metrics.request({
        ...attemptEvent(ctx, request.method, path, attempt),
        failure: classified.kind,
        durationMs: clock() - started,
      });
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

  /**
   * An error raised while the call was being cancelled: the caller's reason, a ClosedError after
   * close({ force: true }), or a deadline TimeoutError.
   */
  #abortError(error: unknown, ctx: CallContext, label: string | undefined): unknown {
    const caller = ctx.options.signal;
    if (caller?.aborted) return caller.reason;
    if (this.#forceClose.signal.aborted) return this.#forceClose.signal.reason;
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
  /** The call's breaker outcome so far: the last attempt's, `abandoned` until one finished. */
  verdict: 'success' | 'failure' | 'abandoned';
  /** True while the request factory runs (e.g. waits for a token): a deadline then says nothing of this circuit. */
  inFactory: boolean;
  /** The attempt in flight, if any: cancelled with the call. */
  attempt: AttemptSignal | undefined;
}

/** Cancels one call and its attempt in flight. */
interface Cancel {
  abort(reason: unknown): void;
}

/** The call's result: the last response, or the last attempt's error. */
function settle(result: AttemptResult): HttpResponse {
  if (result.kind === 'response') return result.response;
  throw result.error;
}

function isDeadline(error: unknown): boolean {
  return error instanceof TimeoutError && error.kind === 'deadline';
}

/** The metrics event of an attempt that produced no usable response (a successful one is built in place). */
function attemptEvent(
  ctx: CallContext,
  method: string,
  path: string,
  attempt: number,
): Omit<RequestEvent, 'durationMs'> {
  return { operation: ctx.options.operation, method, path, attempt };
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

function circuitOpen(operation: string, circuit: Circuit, retryAt: number): CircuitOpenError {
  const what = circuit === 'token' ? 'token endpoint' : 'management API';
  return new CircuitOpenError(
    `Okta request "${operation}" not sent: the ${what} circuit breaker is open after repeated failed calls (5xx, timeouts or network errors); next trial at ${new Date(retryAt).toISOString()}`,
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
