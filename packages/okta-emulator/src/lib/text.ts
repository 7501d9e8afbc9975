/**
 * Text rules shared by every name the org stores (profile attributes, group names, role and resource-set
 * labels): no control characters.
 */

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * True when `value` holds a C0 or C1 control character (NUL, line breaks, escape, DEL, ...), which Okta
 * refuses in names.
 *
 * @example
 * hasControlCharacters('Ada\u0000'); // true
 */
export function hasControlCharacters(value: string): boolean {
  return CONTROL_CHARACTERS.test(value);
}

/**
 * The E0000001 cause for a field with control characters.
 *
 * @example
 * controlCharactersCause('firstName'); // 'firstName: The field contains control characters'
 */
export function controlCharactersCause(field: string): string {
  return `${field}: The field contains control characters`;
}
