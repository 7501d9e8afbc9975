/**
 * Requests the HTTP parser refuses before fastify sees them (an over-long URL or header block, a malformed
 * request line, a header timeout): an Okta-shaped JSON error with `Connection: close`, then the connection is
 * closed gracefully. The header tells a keep-alive client not to send its next request on this socket, and
 * the socket is drained and ended (not destroyed at once), so the client reads the answer instead of a reset.
 */
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { oktaErrorBody } from '../lib/errors.js';

/** How long an ended socket may wait for the client to close its side before it is destroyed. */
const LINGER_MS = 1000;

/** The status and the cause text for a parser error code. */
function describe(code: string | undefined): { status: number; cause: string } {
  if (code === 'HPE_HEADER_OVERFLOW')
    return {
      status: 431,
      cause:
        'The request line and headers are too large. Shorten the URL (fewer or shorter query parameters) or the headers.',
    };
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return { status: 408, cause: 'The request was not received in time. Send it again.' };
  return { status: 400, cause: 'The request is not a well-formed HTTP/1.1 request.' };
}

/**
 * The server's `clientError` handler: answers with an Okta error object (E0000001, the parser's status) and
 * `Connection: close`, then ends the socket after reading and discarding what the client still sends.
 *
 * @example
 * Fastify({ clientErrorHandler: answerClientError });
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const { status, cause } = describe(error.code);
  const body = JSON.stringify(oktaErrorBody('E0000001', { summaryArgs: ['request'], causes: [cause] }));
  // Unread request bytes left in the kernel buffer would turn the close into a reset: keep reading them.
  socket.on('error', () => socket.destroy());
  socket.resume();
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Bad Request'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
