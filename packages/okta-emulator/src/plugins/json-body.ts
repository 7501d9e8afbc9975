/**
 * Bodies of the management APIs: a raw-text body parser for their routes, so they decide how malformed or
 * mistyped bodies fail (E0000003 / E0000021), the JSON parse itself, the `Accept` check, sending JSON text
 * that is already serialised, and the 411 for a write that announces no body length.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ChallengeResponse, problem } from '../lib/errors.js';
import { isProtectedPath, pathOf } from '../lib/http-paths.js';

const JSON_MEDIA = /^application\/json\s*(;|$)/i;

/**
 * Makes an encapsulated fastify context read every body as raw text, so the management routes decide
 * themselves how malformed or mistyped bodies fail (Okta's E0000003 / E0000021) whatever parsers the
 * root app registers (form bodies for the token endpoint, for instance).
 */
export function useRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
}

/**
 * Parses the JSON body of a write. The Content-Type must be `application/json` (E0000021 otherwise, with
 * the catalogue's double space); the body must be well-formed JSON (E0000003 "The request body was not
 * well-formed.").
 * @example const body = readJsonBody(request);
 */
export function readJsonBody(request: FastifyRequest): unknown {
  const type = request.headers['content-type'];
  const raw = request.body;
  if (type === undefined) {
    if (raw === undefined || raw === null || raw === '') throw problem('E0000003');
    throw problem('E0000021');
  }
  if (!JSON_MEDIA.test(type)) throw problem('E0000021');
  if (typeof raw !== 'string' || raw.trim() === '') throw problem('E0000003');
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw problem('E0000003');
  }
}

/**
 * Rejects an `Accept` header that cannot take JSON (E0000021). Absent, `*\/*`, `application/*` and any
 * `...json` type pass.
 */
export function assertAcceptsJson(request: FastifyRequest): void {
  const accept = request.headers.accept;
  if (accept === undefined || accept === '') return;
  if (accept.includes('json') || accept.includes('*/*') || accept.includes('application/*')) return;
  throw problem('E0000021');
}

/** Sends a JSON text (already serialised) with Okta's content type. */
export function sendJsonText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(text);
}

/**
 * Okta refuses a POST/PUT on its APIs that announces no body length at all (neither Content-Length nor
 * chunked Transfer-Encoding) with 411 and no body. Clients such as fetch send `Content-Length: 0` for an
 * empty POST, which passes.
 *
 * @example
 * registerLengthRequired(app);
 */
export function registerLengthRequired(app: FastifyInstance): void {
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST' && request.method !== 'PUT') return;
    if (!isProtectedPath(pathOf(request.url))) return;
    const headers = request.headers;
    if (headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) {
      throw new ChallengeResponse(411);
    }
  });
}
