/**
 * The access-token value object. The token string is a non-enumerable property, and `toJSON` / `util.inspect`
 * show only type, scopes and times, so a token logged or serialised by accident reveals nothing.
 */
import { inspect } from 'node:util';
import type { AccessToken } from './types.js';

/**
 * Fields of a token as obtained.
 * @example
 * const init: AccessTokenInit = { value, type: 'Bearer', expiresAt, obtainedAt, scopes, requestedScopes: scopes };
 */
export interface AccessTokenInit {
  value: string;
  type: 'Bearer' | 'DPoP';
  expiresAt: number;
  obtainedAt: number;
  scopes: readonly string[];
  /** Scopes that were requested; `missingScopes` is derived from them. */
  requestedScopes: readonly string[];
  jkt?: string | undefined;
}

/**
 * An access token held by the library. Extends {@link AccessToken} with the requested scopes and those the
 * server did not grant.
 * @example
 * const token = await client.tokens.getToken();
 * if (token.missingScopes.length) console.warn('not granted:', token.missingScopes);
 */
export interface OktaAccessToken extends AccessToken {
  /** Scopes that were asked for. */
  readonly requestedScopes: readonly string[];
  /** Requested scopes the server did not grant (empty when all were granted). */
  readonly missingScopes: readonly string[];
}

/**
 * Build a token object whose secret `value` is not enumerable and never serialised.
 * @example
 * const t = createAccessToken({ value, type: 'Bearer', expiresAt, obtainedAt, scopes, requestedScopes });
 * JSON.stringify(t); // no token value in it
 */
export function createAccessToken(init: AccessTokenInit): OktaAccessToken {
  const missingScopes = init.requestedScopes.filter((s) => !init.scopes.includes(s));
  const visible = {
    type: init.type,
    expiresAt: init.expiresAt,
    obtainedAt: init.obtainedAt,
    scopes: Object.freeze([...init.scopes]),
    requestedScopes: Object.freeze([...init.requestedScopes]),
    missingScopes: Object.freeze(missingScopes),
    ...(init.jkt === undefined ? {} : { jkt: init.jkt }),
  };
  const token = { ...visible } as OktaAccessToken;
  Object.defineProperties(token, {
    value: { value: init.value, enumerable: false, writable: false },
    toJSON: { value: () => ({ ...visible }), enumerable: false },
    [inspect.custom]: {
      value: () => `AccessToken ${inspect({ ...visible, value: '[REDACTED]' })}`,
      enumerable: false,
    },
  });
  return Object.freeze(token);
}
