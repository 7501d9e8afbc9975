import type { FastifyReply } from 'fastify';
import { OktaApiError, oktaError } from '../errors.js';

/**
 * The management half's shorthands over the platform's Okta error renderer (`src/errors.ts`): every
 * failure is Okta's error object `{errorCode, errorSummary, errorLink, errorId, errorCauses}` with the
 * catalogue status (error-codes.json). Handlers throw the result; the app's error handler renders it.
 */

/** 400 E0000001 "Api validation failed: {field}" with one `errorCauses` entry per message. */
export function validationFailed(field: string, causes: readonly string[]): OktaApiError {
  return new OktaApiError('E0000001', { summaryArgs: [field], causes });
}

/** Any other catalogue error, e.g. `problem('E0000029')` for a bad cursor. */
export function problem(code: string): OktaApiError {
  return new OktaApiError(code);
}

/** Replies with a catalogue error now (for handlers that answer rather than throw). */
export function sendOktaError(reply: FastifyReply, code: string): FastifyReply {
  return oktaError(reply, code);
}

export { OktaApiError };
export { notFound } from '../errors.js';
