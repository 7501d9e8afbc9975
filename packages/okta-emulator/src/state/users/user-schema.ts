/**
 * The default user profile schema (`/api/v1/meta/schemas/user/default`): the base attributes of Okta's
 * default schema (`PROFILE_ATTRIBUTES`) and the custom attributes an admin adds, which user profiles
 * then accept with their declared type (management.yaml `UserSchema`, `UserSchemaAttribute`, examples
 * `UserSchemaAddRequest`, `UserSchemaResponse`). Setting a custom attribute to `null` removes it.
 */
import { PROFILE_ATTRIBUTES } from './user-record.js';
import { controlCharactersCause, hasControlCharacters } from '../../lib/text.js';

/** The JSON types a custom attribute may have (management.yaml `UserSchemaAttributeType`). */
const TYPES = new Set(['string', 'boolean', 'number', 'integer', 'array']);
/** Attribute names Okta accepts: a letter or underscore, then letters, digits, underscores. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,49}$/;
/** Limit on custom attributes, so a hostile caller cannot grow the schema without bound. */
export const MAX_CUSTOM_ATTRIBUTES = 200;

/** A custom attribute as stored: its definition as sent (title, type, limits, permissions, ...). */
export type CustomAttributeDefinition = Readonly<Record<string, unknown>> & { readonly type: string };

/** The custom part of the default schema, with its timestamps. */
export interface UserSchemaState {
  custom: Record<string, CustomAttributeDefinition>;
  created: string;
  lastUpdated: string;
}

/**
 * Applies a `POST /api/v1/meta/schemas/user/default` body: `definitions.custom.properties` adds or
 * replaces attributes (null removes one). Returns the causes of every problem (empty when applied).
 * Base attributes cannot be redefined here.
 * @example applySchemaUpdate(schema, { definitions: { custom: { properties: { age: { title: 'Age', type: 'number' } } } } }, now)
 */
export function applySchemaUpdate(schema: UserSchemaState, body: unknown, now: string): string[] {
  const causes: string[] = [];
  const definitions = isObject(body) ? body.definitions : undefined;
  const custom = isObject(definitions) ? definitions.custom : undefined;
  const properties = isObject(custom) ? custom.properties : undefined;
  if (!isObject(body) || (definitions !== undefined && !isObject(definitions))) {
    return ['definitions: The value must be an object.'];
  }
  if (isObject(definitions) && definitions.base !== undefined) {
    causes.push(
      "definitions.base: The emulator serves the base attributes of Okta's default schema unchanged.",
    );
  }
  if (properties === undefined) return causes;
  if (!isObject(properties))
    return [...causes, 'definitions.custom.properties: The value must be an object.'];
  // A null-prototype record: an attribute named `__proto__` or `constructor` is just a name.
  const next: Record<string, CustomAttributeDefinition> = Object.assign(Object.create(null), schema.custom);
  for (const [name, def] of Object.entries(properties)) {
    if (!NAME.test(name)) {
      causes.push(
        `${name}: Property name must start with a letter or underscore and hold only letters, digits and underscores.`,
      );
      continue;
    }
    if (Object.hasOwn(PROFILE_ATTRIBUTES, name)) {
      causes.push(`${name}: A base attribute cannot be defined as a custom attribute.`);
      continue;
    }
    if (def === null) {
      delete next[name];
      continue;
    }
    if (!isObject(def)) {
      causes.push(`${name}: The attribute definition must be an object.`);
      continue;
    }
    if (typeof def.type !== 'string' || !TYPES.has(def.type)) {
      causes.push(`${name}: type must be one of string, boolean, number, integer, array.`);
      continue;
    }
    if (typeof def.title !== 'string' || def.title === '') {
      causes.push(`${name}: title: The field cannot be left blank`);
      continue;
    }
    next[name] = { ...def, type: def.type };
  }
  if (Object.keys(next).length > MAX_CUSTOM_ATTRIBUTES)
    causes.push(`Too many custom attributes (at most ${MAX_CUSTOM_ATTRIBUTES}).`);
  if (causes.length === 0) {
    schema.custom = next;
    schema.lastUpdated = now;
  }
  return causes;
}

/**
 * Checks a custom attribute's value against its definition; returns a cause or undefined. `null` clears it.
 * @example checkCustomValue({ type: 'number', title: 'Age' }, 'age', 33) // undefined
 */
export function checkCustomValue(
  def: CustomAttributeDefinition,
  name: string,
  value: unknown,
): string | undefined {
  if (value === null) return def.required === true ? `${name}: The field cannot be left blank` : undefined;
  const ok =
    (def.type === 'string' && typeof value === 'string') ||
    (def.type === 'boolean' && typeof value === 'boolean') ||
    (def.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
    (def.type === 'integer' && typeof value === 'number' && Number.isInteger(value)) ||
    (def.type === 'array' && Array.isArray(value));
  if (!ok) return `${name}: Property value does not match the type ${def.type}`;
  if (typeof value === 'string') {
    if (hasControlCharacters(value)) return controlCharactersCause(name);
    if (typeof def.minLength === 'number' && value.length < def.minLength)
      return `${name}: The field is too short`;
    if (typeof def.maxLength === 'number' && value.length > def.maxLength)
      return `${name}: The field is too long`;
  }
  if (Array.isArray(def.enum) && !def.enum.includes(value as never))
    return `${name}: Does not match one of the enumerated values`;
  return undefined;
}

/** The schema as `GET /api/v1/meta/schemas/user/default` returns it. */
export function userSchemaJson(
  orgUrl: string,
  schemaId: string,
  schema: UserSchemaState,
): Record<string, unknown> {
  const base: Record<string, unknown> = {};
  for (const [name, a] of Object.entries(PROFILE_ATTRIBUTES)) {
    base[name] = {
      title: name,
      type: 'string',
      ...(a.required === true ? { required: true } : {}),
      ...(a.minLength !== undefined ? { minLength: a.minLength } : {}),
      ...(a.maxLength !== undefined ? { maxLength: a.maxLength } : {}),
      ...(a.email === true ? { format: 'email' } : {}),
      mutability: 'READ_WRITE',
      scope: 'NONE',
      permissions: [{ principal: 'SELF', action: 'READ_WRITE' }],
      master: { type: 'PROFILE_MASTER' },
    };
  }
  const required = Object.entries(PROFILE_ATTRIBUTES)
    .filter(([, a]) => a.required === true)
    .map(([n]) => n);
  return {
    id: `${orgUrl}/meta/schemas/user/${schemaId}`,
    $schema: 'http://json-schema.org/draft-04/schema#',
    name: 'user',
    title: 'User',
    lastUpdated: schema.lastUpdated,
    created: schema.created,
    definitions: {
      base: { id: '#base', type: 'object', properties: base, required },
      custom: {
        id: '#custom',
        type: 'object',
        properties: schema.custom,
        required: Object.entries(schema.custom)
          .filter(([, d]) => d.required === true)
          .map(([n]) => n),
      },
    },
    type: 'object',
    properties: { profile: { allOf: [{ $ref: '#/definitions/custom' }, { $ref: '#/definitions/base' }] } },
    _links: {
      self: { href: `${orgUrl}/api/v1/meta/schemas/user/${schemaId}`, method: 'GET', rel: 'self' },
      type: { href: `${orgUrl}/api/v1/meta/types/user/default`, method: 'GET' },
    },
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
