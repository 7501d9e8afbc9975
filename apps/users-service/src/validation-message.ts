/**
 * Turns JSON-schema validation errors into one sentence a caller can act on ("firstName must not contain
 * control characters"), instead of schema paths and regular expressions.
 */
import type { ErrorObject } from 'ajv';
import { MAX_NAME_LENGTH, NOT_BLANK, NO_CONTROL_CHARACTERS } from './schemas.js';

/**
 * Describe validation errors of one part of the request (`body`, `querystring`, `params`).
 * @example
 * describeValidation([{ keyword: 'maxLength', instancePath: '/firstName', params: { limit: 50 } }], 'body')
 * // 'firstName must be at most 50 characters.'
 */
export function describeValidation(errors: readonly Partial<ErrorObject>[], part: string): string {
  const sentences = new Set<string>();
  const empty = new Set(errors.filter((e) => e.keyword === 'minLength').map((e) => e.instancePath));
  for (const e of errors) {
    // An empty value is also blank; say it once.
    const params = (e.params ?? {}) as Record<string, unknown>;
    if (e.keyword === 'pattern' && params['pattern'] === NOT_BLANK && empty.has(e.instancePath)) continue;
    sentences.add(describe(e, part));
  }
  return [...sentences].join(' ');
}

function describe(e: Partial<ErrorObject>, part: string): string {
  const field =
    (e.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || (part === 'body' ? 'the body' : part);
  const params = (e.params ?? {}) as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${String(params['missingProperty'])} is required.`;
    case 'additionalProperties':
      return `Unexpected field "${String(params['additionalProperty'])}"; only firstName and lastName are accepted.`;
    case 'minLength':
      return `${field} must not be empty.`;
    case 'maxLength':
      return `${field} must be at most ${String(params['limit'] ?? MAX_NAME_LENGTH)} characters.`;
    case 'pattern':
      if (params['pattern'] === NO_CONTROL_CHARACTERS) return `${field} must not contain control characters.`;
      if (params['pattern'] === NOT_BLANK) return `${field} must not be blank.`;
      return `${field} has an invalid format.`;
    case 'type':
      return `${field} must be ${article(String(params['type']))}.`;
    case 'minimum':
    case 'maximum':
      return `${field} must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(params['limit'])}.`;
    default:
      return `${field} ${e.message ?? 'is invalid'}.`;
  }
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
