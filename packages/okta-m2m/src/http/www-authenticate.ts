/**
 * Parses `WWW-Authenticate` (RFC 9110 §11.6.1): one or more challenges, each a scheme followed by a token68 or
 * comma-separated `name=value` auth-params whose values may be quoted strings containing commas, spaces and
 * backslash escapes. Okta's forms, e.g.
 * `Bearer authorization_uri="http://{org}/oauth2/v1/authorize", realm="http://{org}", scope="okta.users.read",
 * error="insufficient_scope", error_description="...", resource="/api/v1/users"` and
 * `DPoP algs="RS256 RS384 RS512 ES256 ES384 ES512", ..., error="invalid_dpop_proof", error_description="'htu' claim ..."`.
 * Pure.
 */
import type { AuthChallenge } from '../errors.js';

const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[-._~+/0-9A-Za-z]/;

/**
 * Parse every challenge in one or more `WWW-Authenticate` header values. Parameter names are lower-cased; the
 * first occurrence of a parameter wins; a token68 is stored under the key `token68`.
 * @example
 * parseWwwAuthenticate('Bearer realm="http://example.okta.com", error="insufficient_scope", scope="okta.users.read"')
 * // [{ scheme: 'Bearer', params: { realm: 'http://example.okta.com', error: 'insufficient_scope', scope: 'okta.users.read' } }]
 */
export function parseWwwAuthenticate(values: string | readonly string[] | undefined): AuthChallenge[] {
  const list = values === undefined ? [] : typeof values === 'string' ? [values] : values;
  const out: AuthChallenge[] = [];
  for (const value of list) out.push(...parseOne(value));
  return out;
}

/** The first challenge that carries an `error` parameter, else the first challenge. */
export function primaryChallenge(challenges: readonly AuthChallenge[]): AuthChallenge | undefined {
  return challenges.find((c) => c.params['error'] !== undefined) ?? challenges[0];
}

function parseOne(input: string): AuthChallenge[] {
  const challenges: AuthChallenge[] = [];
  let i = 0;
  const n = input.length;
  const skip = (chars: RegExp): void => {
    while (i < n && chars.test(input[i]!)) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TOKEN_CHAR.test(input[i]!)) i++;
    return input.slice(start, i);
  };

  while (i < n) {
    skip(/[\s,]/);
    if (i >= n) break;
    const scheme = readToken();
    if (scheme === '') {
      i++; // junk character: skip it
      continue;
    }
    const params: Record<string, string> = {};
    challenges.push({ scheme, params });
    skip(/[ \t]/);
    // token68 form: `Basic dXNlcjpwYXNz==` (a run of token68 chars, then only `=` padding, then end or comma).
    const token68 = /^[-._~+/0-9A-Za-z]+=*(?=\s*(,|$))/.exec(input.slice(i));
    if (token68 && !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+\s*=\s*[^=]/.test(input.slice(i))) {
      params['token68'] = token68[0];
      i += token68[0].length;
      continue;
    }
    // auth-params until something that is not `name=` (the next challenge's scheme).
    for (;;) {
      skip(/[\s,]/);
      const save = i;
      const name = readToken();
      skip(/[ \t]/);
      if (name === '' || input[i] !== '=') {
        i = save;
        break;
      }
      i++;
      skip(/[ \t]/);
      let value = '';
      if (input[i] === '"') {
        i++;
        while (i < n && input[i] !== '"') {
          if (input[i] === '\\' && i + 1 < n) i++;
          value += input[i];
          i++;
        }
        i++;
      } else {
        const start = i;
        while (i < n && (TOKEN_CHAR.test(input[i]!) || TOKEN68_CHAR.test(input[i]!) || input[i] === '=')) i++;
        value = input.slice(start, i);
      }
      const key = name.toLowerCase();
      if (!(key in params)) params[key] = value;
    }
  }
  return challenges;
}
