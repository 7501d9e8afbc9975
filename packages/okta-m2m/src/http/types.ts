/**
 * What the transport sends and returns. The transport (http/transport.ts) is the only module that performs
 * HTTP; callers describe a request with a factory so that every retry rebuilds it (a new client assertion
 * `jti`, a new DPoP proof): a signed artefact is never sent twice.
 */

/** One HTTP request attempt. `body` is already encoded. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  url: URL;
  headers: Record<string, string>;
  body?: string | undefined;
}

/** One HTTP response, fully read. Header names are lower-case; repeated headers keep every value. */
export interface HttpResponse {
  status: number;
  headers: Readonly<Record<string, string | readonly string[]>>;
  /** The body as text ('' when empty). */
  body: string;
  /** The URL that was requested (never followed redirects: the transport does not follow them). */
  url: URL;
}

/** Builds attempt number `attempt` (1-based) of a request. Called again for every retry. */
export type RequestFactory = (attempt: number, signal: AbortSignal) => Promise<HttpRequest> | HttpRequest;

/** The two circuits, each with its own breaker: management API calls, and the token endpoint. */
export type Circuit = 'api' | 'token';

/** Options of `close()`. */
export interface CloseOptions {
  /**
   * `false` (default): graceful. New calls are refused, calls waiting to retry stop with ClosedError, and requests
   * already on the wire are let finish (up to their timeouts) before the connections close. `true`: requests in
   * flight are aborted at once (their callers get ClosedError) and the sockets are destroyed.
   */
  force?: boolean | undefined;
}

/** Per-call options. */
export interface SendOptions {
  /** The circuit (breaker) the call belongs to. Default `api`; token requests use `token`. */
  circuit?: Circuit | undefined;
  /** A name for metrics and logs, e.g. `token` or `users.get`. No identifiers or secrets. */
  operation: string;
  /** Whether failures (network, timeout, 5xx) may be retried. GETs are; token requests are (each attempt is new). */
  retryable: boolean;
  /** Caller's cancellation. */
  signal?: AbortSignal | undefined;
  /** Overrides the transport's overall deadline for this call (ms). */
  deadlineMs?: number | undefined;
}

/**
 * Sends requests with timeouts, retries, the circuit breaker and metrics. Resolves with the final response
 * whatever its status (the caller interprets it); rejects only with TimeoutError, NetworkError,
 * CircuitOpenError, ClosedError or the caller's abort reason.
 */
export interface Transport {
  send(factory: RequestFactory, options: SendOptions): Promise<HttpResponse>;
  /** The overall deadline (ms) of a call that sets none; callers spreading one call over several sends use it. */
  readonly deadlineMs?: number | undefined;
  close(options?: CloseOptions): Promise<void>;
}

/** Read one header (case-insensitive name already lower-cased by the transport); the first value if repeated. */
export function headerValue(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}

/** Every value of a header, split into separate entries when the server repeated it. */
export function headerValues(response: HttpResponse, name: string): readonly string[] {
  const value = response.headers[name.toLowerCase()];
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}
