/**
 * The service's pino logger: JSON lines, the request id on every line of a request (fastify's child logger),
 * and redaction of anything that can hold a credential (Authorization and DPoP headers, cookies, tokens,
 * keys, API keys, client assertions) wherever it appears in a logged object.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config.js';

/** The paths pino censors. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers.dpop',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.dpop',
  '*.authorization',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.apiKey',
  '*.apiKeys',
  '*.key',
  '*.privateKey',
  '*.assertion',
  '*.client_assertion',
  '*.dpop',
  '*.secret',
  'token',
  'accessToken',
  'apiKey',
  'privateKey',
];

/**
 * Create the logger.
 * @example
 * const log = createLogger('info');
 */
export function createLogger(level: LogLevel, stream?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'users-service' },
    redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
  };
  return stream === undefined ? pino(options) : pino(options, stream);
}
