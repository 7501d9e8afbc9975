/**
 * Pagination cursors of the Users API (`after`): opaque, URL-safe encodings of the last id (and sort key)
 * of a page, with Okta's E0000029 for a cursor that is not one.
 */
import { type OktaApiError, problem } from '../../lib/errors.js';

/** Where the next page starts: after `id`, or after `(key, id)` for results ordered by `sortBy`. */
export type Cursor = { kind: 'id'; id: string } | { kind: 'sorted'; key: string | null; id: string };

const USER_ID = /^00u[0-9A-Za-z]{17}$/;
const MAX_CURSOR_LENGTH = 1024;

function badCursor(): OktaApiError {
  return problem('E0000029');
}

/**
 * Encodes an opaque `after` cursor. Id-ordered pages use a one-character prefix plus the last user id
 * (the shape seen on real orgs: `000uy334yosnwut9j30h7`); sorted pages carry the sort key
 * too, base64url-encoded. Clients must treat both as opaque.
 * @example encodeCursor({ kind: 'id', id: '00u1abc...' }) // '000u1abc...'
 */
export function encodeCursor(cursor: Cursor): string {
  if (cursor.kind === 'id') return `0${cursor.id}`;
  return `1${Buffer.from(JSON.stringify([cursor.key, cursor.id]), 'utf8').toString('base64url')}`;
}

/**
 * Decodes an `after` value; anything this emulator did not issue is E0000029 "Invalid paging request."
 */
export function decodeCursor(value: string): Cursor {
  if (value.length < 2 || value.length > MAX_CURSOR_LENGTH) throw badCursor();
  const body = value.slice(1);
  if (value[0] === '0') {
    if (!USER_ID.test(body)) throw badCursor();
    return { kind: 'id', id: body };
  }
  if (value[0] === '1') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw badCursor();
    }
    if (
      !Array.isArray(parsed) ||
      parsed.length !== 2 ||
      !(parsed[0] === null || typeof parsed[0] === 'string') ||
      typeof parsed[1] !== 'string' ||
      !USER_ID.test(parsed[1])
    ) {
      throw badCursor();
    }
    return { kind: 'sorted', key: parsed[0] as string | null, id: parsed[1] };
  }
  throw badCursor();
}
