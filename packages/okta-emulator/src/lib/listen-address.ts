/**
 * Where the emulator listens: a free port on an interface, and the host part of the org URL for it.
 */
import { createServer } from 'node:net';

/**
 * Asks the OS for a free port on `host`.
 *
 * @example
 * const port = await freePort('127.0.0.1');
 */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen({ host, port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * The host part of the org URL: wildcard binds are reached through loopback; IPv6 needs brackets.
 *
 * @example
 * urlHost('::1'); // '[::1]'
 */
export function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
