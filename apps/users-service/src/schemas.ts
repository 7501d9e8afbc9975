/**
 * The JSON schemas of the service's API: they validate requests (before anything is sent to Okta), shape
 * responses, and become the OpenAPI document at `/openapi.json`.
 */

/** Longest first or last name Okta's default profile schema accepts. */
export const MAX_NAME_LENGTH = 50;
/** No C0/C1 control characters (tabs, newlines, escapes, NUL). */
export const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u001f\\u007f-\\u009f]*$';
/** At least one character that is not white space. */
export const NOT_BLANK = '\\S';

const name = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_NAME_LENGTH,
  allOf: [{ pattern: NO_CONTROL_CHARACTERS }, { pattern: NOT_BLANK }],
} as const;

/** The user as this service returns it. */
export const userSchema = {
  $id: 'User',
  type: 'object',
  required: ['id', 'status', 'login', 'email', 'firstName', 'lastName'],
  properties: {
    id: { type: 'string', examples: ['00u1abcdEFGH2345ijkl'] },
    status: { type: 'string', examples: ['ACTIVE'] },
    login: { type: 'string', examples: ['ada.lovelace@example.com'] },
    email: { type: 'string' },
    firstName: { type: ['string', 'null'] },
    lastName: { type: ['string', 'null'] },
    department: { type: ['string', 'null'] },
    created: { type: 'string' },
    lastUpdated: { type: 'string' },
  },
} as const;

/** A problem+json body. */
export const problemSchema = {
  $id: 'Problem',
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'OKTA_M2M_* from the library, or USERS_SERVICE_*' },
    hint: { type: 'string' },
    oktaErrorCode: { type: 'string' },
    oktaRequestId: { type: 'string' },
    requestId: { type: 'string' },
  },
} as const;

const problems = (...statuses: number[]): Record<number, { $ref: string }> =>
  Object.fromEntries(statuses.map((s) => [s, { $ref: 'Problem#' }]));

const security = [{ apiKey: [] }];

/** `GET /users`. */
export const listUsersSchema = {
  summary: 'One page of users, and the cursor of the next page',
  tags: ['users'],
  security,
  querystring: {
    type: 'object',
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 200, default: 20 },
      after: {
        type: 'string',
        minLength: 1,
        maxLength: 1024,
        description: 'The `next` of the previous page',
      },
      search: {
        type: 'string',
        minLength: 1,
        maxLength: 1024,
        description: 'An Okta search expression, e.g. profile.department eq "Engineering"',
      },
    },
  },
  response: {
    200: {
      type: 'object',
      required: ['users', 'next'],
      properties: {
        users: { type: 'array', items: { $ref: 'User#' } },
        next: {
          type: ['string', 'null'],
          description: 'Pass as `after` for the next page; null on the last',
        },
      },
    },
    ...problems(400, 401, 403, 502, 503, 504),
  },
} as const;

/** `GET /users/:idOrLogin`. */
export const getUserSchema = {
  summary: 'One user by id or login',
  tags: ['users'],
  security,
  params: {
    type: 'object',
    required: ['idOrLogin'],
    properties: { idOrLogin: { type: 'string', minLength: 1, maxLength: 256 } },
  },
  response: { 200: { $ref: 'User#' }, ...problems(400, 401, 403, 404, 502, 503, 504) },
} as const;

/** `PUT /users/:id/name`. */
export const renameUserSchema = {
  summary: "Change a user's first and last name",
  tags: ['users'],
  security,
  params: {
    type: 'object',
    required: ['id'],
    properties: { id: { type: 'string', minLength: 1, maxLength: 256 } },
  },
  body: {
    type: 'object',
    required: ['firstName', 'lastName'],
    additionalProperties: false,
    properties: { firstName: name, lastName: name },
  },
  response: { 200: { $ref: 'User#' }, ...problems(400, 401, 403, 404, 415, 502, 503, 504) },
} as const;
