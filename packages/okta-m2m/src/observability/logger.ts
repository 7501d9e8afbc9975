/**
 * The library's logging seam: wraps the caller's pino-compatible logger so that every object and message
 * passes through {@link redact} before it leaves the library. Without a logger the library is silent.
 */
import type { Logger } from '../deps.js';
import { redact, redactString } from './redact.js';

const SAFE = Symbol('okta-m2m.safeLogger');

/**
 * A logger that does nothing (the default: the library is silent unless given a logger).
 * @example
 * const log = options.logger ?? silentLogger;
 */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/**
 * Wrap `logger` so every logged object and message is redacted. Returns {@link silentLogger} when no logger
 * is given. Wrapping twice is harmless.
 * @example
 * const log = createSafeLogger(pino());
 * log.warn({ status: 401, error: e }, 'token request failed'); // tokens, assertions and keys are redacted
 */
export function createSafeLogger(logger: Logger | undefined): Logger {
  if (logger === undefined) return silentLogger;
  if ((logger as { [SAFE]?: boolean })[SAFE] === true) return logger;
  const wrap =
    (level: keyof Logger) =>
    (obj: object, msg?: string): void => {
      const safe = redact(obj);
      if (msg === undefined) logger[level](safe);
      else logger[level](safe, redactString(msg));
    };
  return Object.defineProperty(
    { debug: wrap('debug'), info: wrap('info'), warn: wrap('warn'), error: wrap('error') },
    SAFE,
    { value: true, enumerable: false },
  );
}
