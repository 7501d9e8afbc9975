/**
 * What a valid user write is: the request body's shape (`profile`, `credentials`, `activate`) and the
 * profile's attributes, each problem an E0000001 cause in Okta's words.
 */
import { type OktaApiError, validationFailed, problem } from '../../lib/errors.js';
import { controlCharactersCause, hasControlCharacters } from '../../lib/text.js';
import { PROFILE_ATTRIBUTES, type UserProfile } from './user-record.js';
import { checkCustomValue, type CustomAttributeDefinition } from './user-schema.js';

/** A user write request after structural checks (management.yaml `CreateUserRequest` / `UpdateUserRequest`). */
export interface UserWriteBody {
  /** Present when the body had `profile`; values as sent (null clears on a partial update); see {@link normalizeProfile}. */
  profile?: UserProfile;
  /** A new password value (never stored, only recorded as set). */
  password?: string;
  /** A new recovery question (`credentials.recovery_question.question`). */
  recoveryQuestion?: string;
  /** `credentials.provider` on create (`{type, name}`). */
  provider?: { type: string; name: string };
  /** `type.id`. */
  typeId?: string;
  /** `groupIds` (create only). */
  groupIds?: string[];
}

const CREATE_KEYS = new Set(['profile', 'credentials', 'type', 'realmId', 'groupIds']);
const UPDATE_KEYS = new Set(['profile', 'credentials', 'type', 'realmId']);
const CREDENTIAL_KEYS = new Set(['password', 'recovery_question', 'provider', 'emails']);
const PROVIDER_TYPES = new Set(['OKTA', 'ACTIVE_DIRECTORY', 'LDAP', 'FEDERATION', 'SOCIAL', 'IMPORT']);
/** Deliberately simple: something@something.tld, no spaces. Compiled once. */
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Okta's Jackson layer answers unknown or mistyped structure with E0000003 (the guide's "wrap your fields in profile"). */
function malformed(): OktaApiError {
  return problem('E0000003');
}

/**
 * Checks the shape of a user create/update body. Unknown top-level keys (e.g. `firstName` outside
 * `profile`) and wrong container types are "not well-formed" (E0000003), as the guide's troubleshooting
 * section describes; field-level problems are left to {@link validateProfile}.
 * @example parseUserWriteBody({ profile: { firstName: 'Ada' } }, 'update')
 */
export function parseUserWriteBody(body: unknown, mode: 'create' | 'update'): UserWriteBody {
  if (!isPlainObject(body)) throw malformed();
  const allowed = mode === 'create' ? CREATE_KEYS : UPDATE_KEYS;
  for (const key of Object.keys(body)) if (!allowed.has(key)) throw malformed();
  const out: UserWriteBody = {};
  if (body.profile !== undefined && body.profile !== null) {
    if (!isPlainObject(body.profile)) throw malformed();
    // A null-prototype record: a name from the request (`__proto__`, `constructor`) is just a name.
    const profile: UserProfile = Object.create(null) as UserProfile;
    const causes: string[] = [];
    for (const [name, value] of Object.entries(body.profile)) {
      if (
        value === null ||
        typeof value === 'string' ||
        typeof value === 'number' ||
        typeof value === 'boolean'
      )
        profile[name] = value;
      else if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
        profile[name] = [...(value as string[])];
      else causes.push(`${name}: Does not match required type`);
    }
    if (causes.length > 0) throw validationFailed(causes[0]!.split(':')[0]!, causes);
    out.profile = profile;
  }
  if (body.credentials !== undefined && body.credentials !== null) {
    const credentials = body.credentials;
    if (!isPlainObject(credentials)) throw malformed();
    for (const key of Object.keys(credentials)) if (!CREDENTIAL_KEYS.has(key)) throw malformed();
    if (credentials.password !== undefined && credentials.password !== null) {
      if (!isPlainObject(credentials.password)) throw malformed();
      const value = credentials.password.value;
      if (value !== undefined) {
        if (typeof value !== 'string') throw malformed();
        if (value.length < 8) {
          throw validationFailed('password', [
            'password: Password requirements were not met. Password requirements: at least 8 characters.',
          ]);
        }
        out.password = value;
      } else if (credentials.password.hash !== undefined || credentials.password.hook !== undefined) {
        out.password = '';
      }
    }
    const rq = credentials.recovery_question;
    if (rq !== undefined && rq !== null) {
      if (!isPlainObject(rq) || typeof rq.question !== 'string') throw malformed();
      if (rq.answer !== undefined && typeof rq.answer !== 'string') throw malformed();
      if (typeof rq.answer === 'string' && rq.answer.length < 4) {
        throw validationFailed('recovery_question', [
          'recovery_question.answer: The security question answer must be at least 4 characters in length',
        ]);
      }
      out.recoveryQuestion = rq.question;
    }
    const provider = credentials.provider;
    if (provider !== undefined && provider !== null) {
      if (!isPlainObject(provider)) throw malformed();
      const type = typeof provider.type === 'string' ? provider.type : 'OKTA';
      if (!PROVIDER_TYPES.has(type)) throw malformed();
      out.provider = { type, name: typeof provider.name === 'string' ? provider.name : type };
    }
  }
  if (body.type !== undefined && body.type !== null) {
    if (!isPlainObject(body.type) || typeof body.type.id !== 'string') throw malformed();
    out.typeId = body.type.id;
  }
  if (mode === 'create' && body.groupIds !== undefined && body.groupIds !== null) {
    if (!Array.isArray(body.groupIds) || !body.groupIds.every((g) => typeof g === 'string'))
      throw malformed();
    out.groupIds = body.groupIds as string[];
  }
  return out;
}

/**
 * Validates a complete profile against the default schema and returns the causes, in Okta's order:
 * blank required fields (login, firstName, lastName, email), then formats and lengths, then unknown
 * attributes. Texts: "login: The field cannot be left blank" and "login: Username must be in the form of
 * an email address" are Okta's (seen on real orgs); the length/pattern texts are this emulator's.
 * @example validateProfile({ login: 'ada@example.com' }) // -> ['firstName: The field cannot be left blank', ...]
 */
export function validateProfile(
  profile: Readonly<UserProfile>,
  custom: Readonly<Record<string, CustomAttributeDefinition>> = {},
): string[] {
  const causes: string[] = [];
  for (const name of ['login', 'firstName', 'lastName', 'email']) {
    const value = profile[name];
    // A value of another type is not blank: the attribute loop below says "Does not match required type".
    if (value === undefined || value === null || (typeof value === 'string' && value.trim() === ''))
      causes.push(`${name}: The field cannot be left blank`);
  }
  const login = profile.login;
  if (typeof login === 'string' && login.trim() !== '' && !EMAIL_PATTERN.test(login)) {
    causes.push('login: Username must be in the form of an email address');
  } else if (typeof login !== 'string' || login.trim() === '') {
    causes.push('login: Username must be in the form of an email address');
  }
  for (const [name, value] of Object.entries(profile)) {
    const attribute = Object.hasOwn(PROFILE_ATTRIBUTES, name) ? PROFILE_ATTRIBUTES[name] : undefined;
    if (attribute === undefined) {
      const definition = Object.hasOwn(custom, name) ? custom[name] : undefined;
      if (definition === undefined) {
        causes.push(`Property name '${name}' is not defined in profile`);
        continue;
      }
      const cause = checkCustomValue(definition, name, value);
      if (cause !== undefined) causes.push(cause);
      continue;
    }
    if (value === null || value === '') continue;
    if (typeof value !== 'string') {
      causes.push(`${name}: Does not match required type`);
      continue;
    }
    if (hasControlCharacters(value)) causes.push(controlCharactersCause(name));
    if (attribute.email && name !== 'login' && !EMAIL_PATTERN.test(value))
      causes.push(`${name}: Does not match required pattern`);
    if (attribute.maxLength !== undefined && value.length > attribute.maxLength)
      causes.push(`${name}: The field is too long`);
    if (attribute.minLength !== undefined && value.length < attribute.minLength)
      causes.push(`${name}: The field is too short`);
  }
  return causes;
}

/**
 * A copy of a profile as a null-prototype record, values unchanged: a name from the request (`__proto__`,
 * `constructor`) stays an own property, and a number or boolean sent for a base (string) attribute is left
 * for {@link validateProfile} to refuse ("Does not match required type") as Okta does, not converted.
 * Custom attributes keep their JSON type.
 * @example normalizeProfile({ firstName: 'Ada' }) // { firstName: 'Ada' } (null prototype)
 */
export function normalizeProfile(profile: Readonly<UserProfile>): UserProfile {
  const out: UserProfile = Object.create(null) as UserProfile;
  for (const [name, value] of Object.entries(profile)) out[name] = value;
  return out;
}

/** The field an E0000001 summary names: the text before the first colon of the first cause. */
export function summaryField(causes: readonly string[]): string {
  const first = causes[0] ?? 'profile';
  const match = /^Property name '([^']*)'/.exec(first);
  if (match) return match[1] ?? 'profile';
  const colon = first.indexOf(':');
  return colon > 0 ? first.slice(0, colon) : 'profile';
}
