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
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
}

/** Read the whole body as UTF-8 text; throws {@link TOO_LARGE} (after destroying the stream) past `max` bytes. */
export async function readBody(
  body: AsyncIterable<Buffer> & { destroy(error?: Error): unknown },
  max: number,
  contentLength: string | readonly string[] | undefined,
): Promise<string> {
  const declared = typeof contentLength === 'string' ? Number(contentLength) : NaN;
  if (declared > max) {
    body.destroy();
    throw TOO_LARGE;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw TOO_LARGE;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
