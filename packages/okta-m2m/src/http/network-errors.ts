/**
 * Describing transport failures without leaking anything: the error code only (never a URL query or header).
 * Internal to the transport.
 */

/** Abort `target` when `source` aborts (with the same reason); returns the un-link function. */
export function follow(
  target: { abort(reason?: unknown): void },
  source: AbortSignal | undefined,
): () => void {
  if (source === undefined) return () => undefined;
  if (source.aborted) {
    target.abort(source.reason);
    return () => undefined;
  }
  const onAbort = (): void => target.abort(source.reason);
  source.addEventListener('abort', onAbort, { once: true });
  return () => source.removeEventListener('abort', onAbort);
}

/** The first string `code` on the error or its cause chain (undici wraps socket errors). */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return errorCode((error as { cause?: unknown }).cause);
}

/** A short description of a network failure from its code. */
export function describeNetworkError(code: string | undefined): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ECONNRESET':
      return 'connection reset (ECONNRESET)';
    case 'UND_ERR_SOCKET':
      return 'the connection closed before the response was complete (UND_ERR_SOCKET)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host name not resolved (${code})`;
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connection timed out (${code})`;
    case undefined:
      return 'network error';
    default:
      return code.startsWith('ERR_TLS') || code.includes('CERT') || code.includes('SSL')
        ? `TLS failure (${code})`
        : `network error (${code})`;
  }
}
