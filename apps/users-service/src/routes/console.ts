/**
 * The operator console: static assets built at build time (console/ → dist/console/ by
 * scripts/build-console.mjs) served by the service itself at `/` and `/console/*`, and the security headers of
 * every answer: a strict Content Security Policy (scripts, styles and calls from this origin only; no inline
 * script or style; no framing), no MIME sniffing, no referrer. The console talks to the JSON API with the
 * API key as a bearer header, so there are no cookies and no CSRF surface.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { problem } from '../problem.js';
import { sendProblem } from '../send-problem.js';

/** The policy sent with every response. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Where the built console lives: the package's dist/console, from src/routes or dist/routes alike. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/**
 * Register the console routes and the security headers.
 * @example
 * registerConsoleRoutes(app);
 */
export function registerConsoleRoutes(app: FastifyInstance, dir: string = CONSOLE_DIR): void {
  const files = new Map<string, Buffer>();
  for (const name of Object.keys(ASSETS)) {
    const path = `${dir}${name}`;
    if (existsSync(path)) files.set(name, readFileSync(path));
  }
  app.addHook('onSend', async (_request, reply) => {
    void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
  });
  const serve = (name: string) => async (request: FastifyRequest, reply: FastifyReply) => {
    const body = files.get(name);
    if (body === undefined) {
      return sendProblem(
        request,
        reply,
        problem(503, 'The console is not built.', { hint: 'Run npm run build at the repository root.' }),
      );
    }
    return reply
      .type(ASSETS[name] as string)
      .header('cache-control', 'no-cache')
      .send(body);
  };
  const hide = { schema: { hide: true } };
  app.get('/', hide, serve('index.html'));
  app.get('/console/app.js', hide, serve('app.js'));
  app.get('/console/console.css', hide, serve('console.css'));
}
