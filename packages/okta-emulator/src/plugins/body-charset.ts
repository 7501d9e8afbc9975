/**
 * Request bodies are UTF-8: a body declared in another charset (`charset=utf-16`, `iso-8859-1`, ...) is refused
 * before it is read, instead of being decoded as UTF-8 into something the client did not send. The token
 * endpoint answers in OAuth's error format, every other path with Okta's E0000021.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { OAuthProtocolError, OktaApiError } from '../lib/errors.js';
import { isOAuthPath } from '../lib/http-paths.js';

/** Charset names that mean UTF-8 (RFC 3629; `utf8` is a common alias). */
const UTF8 = new Set(['utf-8', 'utf8']);

/**
 * The `charset` parameter of a Content-Type, lower-cased and unquoted; undefined when there is none.
 *
 * @example
 * declaredCharset('application/json; charset="UTF-16"'); // 'utf-16'
 */
export function declaredCharset(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  for (const parameter of contentType.split(';').slice(1)) {
    const eq = parameter.indexOf('=');
    if (eq === -1) continue;
    if (parameter.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    return parameter
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
}

/** True when the request carries a body (a non-zero Content-Length, or chunked). */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  if (request.headers['transfer-encoding'] !== undefined) return true;
  return length !== undefined && length !== '0';
}

/**
 * Refuses, before parsing, a body whose Content-Type declares a charset other than UTF-8: 400
 * `invalid_request` at the OAuth endpoints, 400 E0000021 (with a cause naming the charset) elsewhere.
 *
 * @example
 * registerUtf8Bodies(app);
 */
export function registerUtf8Bodies(app: FastifyInstance): void {
  app.addHook('preParsing', async (request, _reply, payload) => {
    if (!hasBody(request)) return payload;
    const charset = declaredCharset(request.headers['content-type']);
    if (charset === undefined || UTF8.has(charset)) return payload;
    const shown = charset.length > 40 ? `${charset.slice(0, 40)}...` : charset;
    const cause = `The request body is declared as charset=${JSON.stringify(shown)}; send it as UTF-8 (charset=utf-8, or no charset).`;
    if (isOAuthPath(request.url)) {
      throw new OAuthProtocolError('invalid_request', { description: `Invalid request. ${cause}` });
    }
    throw new OktaApiError('E0000021', { causes: [cause] });
  });
}
