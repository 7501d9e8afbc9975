/**
 * Injected fakes for unit tests of the token side: a scripted Transport (records each built request, answers
 * from a queue or a function), a manual clock, a counting uuid. An unexpected request fails the test.
 */
import { CONFIG_DEFAULTS } from '../../src/config.js';
import type {
  HttpRequest,
  HttpResponse,
  RequestFactory,
  SendOptions,
  Transport,
} from '../../src/http/types.js';

/** A response to script: status, JSON (or raw text) body, headers. */
/**
 * The token settings a TokenProvider gets from resolveConfig when nothing is configured: the documented defaults
 * for `tokenEndpoint` (the assertion audience is the endpoint).
 */
export function defaultTokenSettings(tokenEndpoint: URL): {
  audience: string;
  assertionLifetimeSeconds: number;
  refreshAheadSeconds: number;
  refreshIdleSeconds: number;
  requireAllScopes: boolean;
} {
  return {
    audience: tokenEndpoint.href,
    assertionLifetimeSeconds: CONFIG_DEFAULTS.assertionLifetimeSeconds,
    refreshAheadSeconds: CONFIG_DEFAULTS.refreshAheadSeconds,
    refreshIdleSeconds: CONFIG_DEFAULTS.refreshIdleSeconds,
    requireAllScopes: CONFIG_DEFAULTS.requireAllScopes,
  };
}

export interface ScriptedResponse {
  status: number;
  json?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

/** Build an HttpResponse for `url`. */
export function httpResponse(url: URL, r: ScriptedResponse): HttpResponse {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = v;
  return {
    status: r.status,
    headers,
    body: r.text ?? (r.json === undefined ? '' : JSON.stringify(r.json)),
    url,
  };
}

/** A Transport that answers with scripted responses and records what was built. */
export class FakeTransport implements Transport {
  readonly requests: HttpRequest[] = [];
  readonly options: SendOptions[] = [];
  /** Calls of send(), counted synchronously (before the request is built). */
  sends = 0;
  #answer: (request: HttpRequest, index: number) => ScriptedResponse | Promise<ScriptedResponse>;
  closed = false;

  constructor(
    answer:
      | ScriptedResponse[]
      | ((request: HttpRequest, index: number) => ScriptedResponse | Promise<ScriptedResponse>),
  ) {
    if (Array.isArray(answer)) {
      const queue = [...answer];
      this.#answer = () => {
        const next = queue.shift();
        if (next === undefined) throw new Error('FakeTransport: unexpected request (script exhausted)');
        return next;
      };
    } else {
      this.#answer = answer;
    }
  }

  async send(factory: RequestFactory, options: SendOptions): Promise<HttpResponse> {
    this.sends++;
    const request = await factory(1, new AbortController().signal);
    const index = this.requests.length;
    this.requests.push(request);
    this.options.push(options);
    return httpResponse(request.url, await this.#answer(request, index));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** A manual clock starting at a fixed instant. */
export function manualClock(start = Date.UTC(2026, 0, 1)): {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
} {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms) };
}

/** Sequential uuids `jti-1`, `jti-2`, ... */
export function countingUuid(prefix = 'jti'): () => string {
  let n = 0;
  return () => `${prefix}-${++n}`;
}

/** Decode a compact JWS without verifying it (tests only). */
export function decodeJwt(jwt: string): {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
} {
  const [h, p] = jwt.split('.');
  return {
    header: JSON.parse(Buffer.from(h ?? '', 'base64url').toString('utf8')) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>,
  };
}

/** Parse a form body. */
export function form(request: HttpRequest): URLSearchParams {
  return new URLSearchParams(request.body ?? '');
}

/** A logger that keeps every call. */
export function capturingLogger(): {
  entries: { level: string; obj: object; msg: string | undefined }[];
  debug: (obj: object, msg?: string) => void;
  info: (obj: object, msg?: string) => void;
  warn: (obj: object, msg?: string) => void;
  error: (obj: object, msg?: string) => void;
} {
  const entries: { level: string; obj: object; msg: string | undefined }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void entries.push({ level, obj, msg });
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
