/**
 * What to fix, for each Okta API failure, in the words of the service-app guide's troubleshooting section. Pure;
 * used by okta-response.ts. Hints never contain tokens, proofs or query strings.
 */

/** The facts a hint is chosen from. */
export interface HintInput {
  status: number;
  method: string;
  path: string;
  errorCode?: string | undefined;
  errorCauses?: readonly { errorSummary: string }[] | undefined;
  /** `error` of the WWW-Authenticate challenge, e.g. `insufficient_scope`. */
  challengeError?: string | undefined;
  challengeDescription?: string | undefined;
  /** `scope` of the challenge: the scope the endpoint needs. */
  challengeScope?: string | undefined;
  /** When the rate-limit window resets (ms since epoch). */
  resetAt?: number | undefined;
  limit?: number | undefined;
  requestId?: string | undefined;
}

/**
 * The hint for an Okta API error, or undefined when there is nothing useful to add.
 * @example
 * apiErrorHint({ status: 403, method: 'GET', path: '/api/v1/users', challengeError: 'insufficient_scope', challengeScope: 'okta.users.read' })
 * // "The access token lacks the scope okta.users.read: grant it on the app's Okta API Scopes tab and request it (scopes option)."
 */
export function apiErrorHint(input: HintInput): string | undefined {
  const { status, errorCode } = input;
  if (status === 403 && input.challengeError === 'insufficient_scope') {
    const scope = input.challengeScope ?? 'this endpoint needs';
    return `The access token lacks the scope ${scope}: grant it on the app's Okta API Scopes tab and request it (scopes option). A token fetched before the grant does not carry it; the client fetches a new one.`;
  }
  if (status === 403 && errorCode === 'E0000006') {
    return `The app's admin role does not permit this action, or the target is outside its resource set: assign a role with ${permissionFor(input.method, input.path)} (app > Admin roles) whose resource set includes the target, then retry.`;
  }
  if (status === 403 && errorCode === 'E0000005') {
    return 'This endpoint does not accept OAuth access tokens for service apps (Okta answers "Invalid session").';
  }
  if (status === 401) {
    const detail = input.challengeDescription ? ` (${input.challengeDescription})` : '';
    return `The access token was rejected as invalid or expired${detail}; the client discards it and fetches a new one once. If it persists, check that the org URL is the token's issuer and that the app is active.`;
  }
  if (status === 400 && errorCode === 'E0000003') {
    return 'The request body is not well-formed JSON; profile fields (firstName, lastName, ...) must be inside a `profile` object: {"profile":{"firstName":"..."}}.';
  }
  if (status === 400 && errorCode === 'E0000001') {
    const causes = (input.errorCauses ?? []).map((c) => c.errorSummary).filter(Boolean);
    return causes.length
      ? `Okta rejected the values: ${causes.join('; ')}.`
      : 'Okta rejected the values; check the fields against the profile schema.';
  }
  if (status === 400 && (errorCode === 'E0000031' || errorCode === 'E0000029')) {
    return errorCode === 'E0000031'
      ? 'The search/filter expression is invalid: check attribute names, operators (eq, sw, co, pr, gt...) and quoting.'
      : 'The paging cursor is invalid: follow the `next` link as given instead of building the URL.';
  }
  if (status === 404 && errorCode === 'E0000007') {
    return /^\/api\/v1\/users\//.test(input.path)
      ? 'No such user: check the id or login (logins must match exactly; deleted users are gone).'
      : 'No such resource: check the id in the path.';
  }
  if (status === 429) {
    const when = input.resetAt === undefined ? 'soon' : `at ${new Date(input.resetAt).toISOString()}`;
    const limit =
      input.limit === undefined
        ? ''
        : ` (limit ${input.limit} per window${input.limit === 0 ? ': the org concurrency limit' : ''})`;
    return `Okta rate-limited this app${limit}; the window resets ${when}. Lower the request rate, or raise the app's share on its Application Rate Limits tab.`;
  }
  if (status >= 500) {
    const id = input.requestId ? ` and quote X-Okta-Request-Id ${input.requestId}` : '';
    return `Okta-side failure (${status}); retryable requests were retried per the retry policy. If it persists, check status.okta.com${id}.`;
  }
  return undefined;
}

/** The hint for a DPoP refusal, from the challenge's `error_description` (which claim or check failed). */
export function dpopHint(description: string | undefined): string {
  const d = description ?? '';
  if (/'htu'/.test(d)) {
    return 'The proof `htu` must be the request URL without query or fragment, with a percent-decoded path and no doubled slash (no trailing `/` on the org URL).';
  }
  if (/'htm'/.test(d)) return 'The proof `htm` must be the request method.';
  if (/'ath'/.test(d))
    return 'The proof `ath` must be base64url(SHA-256(access token)) of the token sent in Authorization.';
  if (/already been used|'jti'/.test(d))
    return 'Every request needs a new proof with a fresh `jti`; a proof was reused.';
  if (/future|five minutes|'iat'|expired/.test(d))
    return "The proof's `iat` is out of range: check this host's clock (NTP).";
  if (/not (DPoP )?bound/.test(d))
    return 'The token is bound to a different key than the one that signed the proof, or is not DPoP-bound.';
  if (/must use the DPoP authentication scheme/.test(d))
    return 'A DPoP-bound token must be sent as `Authorization: DPoP <token>`.';
  if (/requires a DPoP proof|header is missing/.test(d))
    return 'A DPoP-bound token needs a `DPoP` proof header on every request.';
  if (/nonce/.test(d)) return 'The server demanded a DPoP nonce and the retry with it did not succeed.';
  return 'Okta refused the DPoP proof: check the proof (typ dpop+jwt, alg, jwk, htm, htu, iat, jti, ath) and the key it is signed with.';
}

/** The admin-role permission an endpoint needs, for the E0000006 hint. */
export function permissionFor(method: string, path: string): string {
  const m = method.toUpperCase();
  if (/^\/api\/v1\/users(\/|$)/.test(path)) {
    if (m === 'GET') return 'the permission okta.users.read ("View users and their details")';
    if (m === 'POST' && path === '/api/v1/users') return 'the permission okta.users.create';
    if (m === 'DELETE' || /\/lifecycle\//.test(path)) return 'an okta.users.lifecycle.* permission';
    return 'the permission okta.users.userprofile.manage ("Edit users\' profile attributes") or okta.users.manage';
  }
  if (/^\/api\/v1\/groups(\/|$)/.test(path))
    return m === 'GET' ? 'the permission okta.groups.read' : 'the permission okta.groups.manage';
  if (/^\/api\/v1\/apps(\/|$)/.test(path))
    return m === 'GET' ? 'the permission okta.apps.read' : 'the permission okta.apps.manage';
  return 'the permission this endpoint needs';
}
