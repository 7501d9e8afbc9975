/**
 * The rename form's check: the same rules as the API's JSON schema (src/schemas.ts) and the same sentences
 * (src/validation-message.ts), so the form says exactly what the API would, before anything is sent.
 */
import { MAX_NAME_LENGTH, NOT_BLANK, NO_CONTROL_CHARACTERS } from '../../src/schemas.js';
import { describeValidation } from '../../src/validation-message.js';

const noControl = new RegExp(NO_CONTROL_CHARACTERS, 'u');
const notBlank = new RegExp(NOT_BLANK, 'u');

/**
 * The problem with a name pair, or undefined when the API would accept it.
 * @example
 * checkNames({ firstName: '', lastName: 'L' }) // 'firstName must not be empty.'
 */
export function checkNames(names: { firstName: string; lastName: string }): string | undefined {
  const errors: { keyword: string; instancePath: string; params: Record<string, unknown> }[] = [];
  for (const field of ['firstName', 'lastName'] as const) {
    const value = names[field];
    const instancePath = `/${field}`;
    if (value.length === 0) errors.push({ keyword: 'minLength', instancePath, params: { limit: 1 } });
    // The schema counts code points, as ajv does.
    if ([...value].length > MAX_NAME_LENGTH)
      errors.push({ keyword: 'maxLength', instancePath, params: { limit: MAX_NAME_LENGTH } });
    if (!noControl.test(value))
      errors.push({ keyword: 'pattern', instancePath, params: { pattern: NO_CONTROL_CHARACTERS } });
    if (value.length > 0 && !notBlank.test(value))
      errors.push({ keyword: 'pattern', instancePath, params: { pattern: NOT_BLANK } });
  }
  return errors.length === 0 ? undefined : describeValidation(errors, 'body');
}
