/**
 * Reading a response for the transport: header shapes and the body as text under a size cap. Internal.
 */

/** Thrown (as a value) by {@link readBody} when the body exceeds the cap. */
export const TOO_LARGE = Symbol('too-large');

/** undici already lower-cases names and keeps repeated headers as arrays; drop undefined values. */
export function responseHeaders(
  raw: Record<string, string | string[] | undefined>,
): Record<string, string | readonly string[]> {
  const headers: Record<string, string | readonly string[]> = {};
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** The parts of a response body stream (undici's BodyReadable) that {@link readBody} uses. */
export interface BodyStream {
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  destroy(error?: Error): unknown;
}

/**
 * Read the whole body as UTF-8 text; throws {@link TOO_LARGE} (after destroying the stream) past `max` bytes.
 * Listens to the stream's events rather than iterating it asynchronously: one promise per body instead of one
 * per chunk. A stream that closes before its end rejects like an async iterator would (ERR_STREAM_PREMATURE_CLOSE).
 */
export function readBody(
  body: BodyStream,
  max: number,
  contentLength: string | readonly string[] | undefined,
): Promise<string> {
  const declared = typeof contentLength === 'string' ? Number(contentLength) : NaN;
  if (declared > max) {
    body.destroy();
    return Promise.reject(TOO_LARGE);
  }
  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (error: unknown): void => {
      if (done) return;
      done = true;
      reject(error);
    };
    body.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > max) {
        fail(TOO_LARGE);
        body.destroy();
        return;
      }
      chunks.push(chunk);
    });
    body.on('end', () => {
      if (done) return;
      done = true;
      resolve(
        chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8'),
      );
    });
    body.on('error', fail);
    // 'close' follows 'end' on every complete body: build the error only when the body really ended early.
    body.on('close', () => {
      if (!done) fail(prematureClose());
    });
  });
}

function prematureClose(): Error {
  return Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
}
