/**
 * Graceful shutdown: stop accepting connections, let in-flight requests finish within a bound, then close the
 * Okta client (the app's onClose hook). Requests still running at the bound have their connections cut.
 */
import type { FastifyInstance } from 'fastify';

/**
 * Close `app`, waiting at most `timeoutMs` for in-flight requests. Resolves `true` when everything finished in
 * time, `false` when connections had to be cut.
 * @example
 * process.once('SIGTERM', () => void closeGracefully(app, 10_000).then(() => process.exit(0)));
 */
export async function closeGracefully(app: FastifyInstance, timeoutMs: number): Promise<boolean> {
  const closing = app.close();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([closing.then(() => 'closed' as const), timedOut]);
  clearTimeout(timer);
  if (outcome === 'closed') return true;
  app.server.closeAllConnections();
  await closing;
  return false;
}
