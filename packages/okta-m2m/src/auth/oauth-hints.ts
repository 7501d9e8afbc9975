/**
 * What to do about each token-endpoint failure, in the words of the guide's troubleshooting. Matched on the
 * OAuth `error` and, where Okta reuses one `error` for many causes (`invalid_client`), on the
 * `error_description` texts of Okta's OAuth error catalogue. docs/errors.md lists the same table.
 */

/**
 * One recognised failure.
 * @example
 * const rule: OAuthHintRule = { error: 'consent_required', label: 'no scope granted', hint: 'Grant the scopes.' };
 */
export interface OAuthHintRule {
  /** The OAuth `error` value. */
  error: string;
  /** A fragment of `error_description` (case-insensitive); absent = any description. */
  match?: RegExp;
  /** Short label for docs and logs. */
  label: string;
  hint: string;
}

/**
 * Rules in match order: the first rule whose `error` and `match` fit wins.
 * @example
 * for (const rule of OAUTH_HINT_RULES) console.log(rule.error, rule.label);
 */
export const OAUTH_HINT_RULES: readonly OAuthHintRule[] = [
  {
    error: 'invalid_client',
    match: /kid is invalid/i,
    label: 'unknown key id',
    hint: "The kid in the client assertion does not name a public key registered on the app. Check that keyId (OKTA_KEY_ID) matches the kid of the public key registered under the app's Client Credentials, and that the key is ACTIVE.",
  },
  {
    error: 'invalid_client',
    match: /signature is invalid/i,
    label: 'key mismatch',
    hint: 'The client assertion was not signed by the private key of the public key registered under this kid. Check that the private key and keyId (OKTA_KEY_ID) belong to the same key pair.',
  },
  {
    error: 'invalid_client',
    match: /audience claim/i,
    label: 'wrong audience',
    hint: 'The assertion aud must be the token endpoint URL (e.g. https://your-org.okta.com/oauth2/v1/token), not the issuer or org URL. Leave audience unset (it defaults to the token endpoint) or set it to the token endpoint URL.',
  },
  {
    error: 'invalid_client',
    match: /(issuer|subject) claim/i,
    label: 'iss/sub not the client id',
    hint: "The assertion iss and sub must both be the app's client ID. Check clientId (OKTA_CLIENT_ID) against the app's General tab.",
  },
  {
    error: 'invalid_client',
    match: /already been used/i,
    label: 'assertion replay (jti)',
    hint: 'A client assertion with this jti was already used; every token request must sign a new assertion. If you pass a custom uuid function, it must return a new value on every call.',
  },
  {
    error: 'invalid_client',
    match: /expired|too far into the future|issued before the current time|'exp' claim/i,
    label: 'assertion time claims',
    hint: "The assertion iat/exp were refused. Check this host's clock (NTP) and keep assertionLifetimeSeconds at 3600 or less.",
  },
  {
    error: 'invalid_client',
    match: /does not have a JWKSet/i,
    label: 'no public key registered',
    hint: 'Register a public key on the app: General → Client Credentials → Public key / Private key → Add.',
  },
  {
    error: 'invalid_client',
    match: /signature algorithm/i,
    label: 'algorithm refused',
    hint: 'The server refused the assertion algorithm. Use an RSA key (RS256) or EC P-256 key (ES256) that matches the registered public key.',
  },
  {
    error: 'invalid_client',
    match: /'use' parameter/i,
    label: 'key use',
    hint: 'The registered public key must have "use": "sig".',
  },
  {
    error: 'invalid_client',
    match: /private_key_jwt/i,
    label: 'wrong client authentication method',
    hint: 'Set the app\'s Client authentication to "Public key / Private key" (private_key_jwt).',
  },
  {
    error: 'invalid_client',
    match: /application_type/i,
    label: 'not a service app',
    hint: 'Only API Services apps may use client credentials with the org authorization server. Create an "API Services" app.',
  },
  {
    error: 'invalid_client',
    label: 'client authentication failed',
    hint: 'Client authentication failed. Check clientId, keyId and that the private key matches a public key registered on the app.',
  },
  {
    error: 'consent_required',
    label: 'no requested scope granted',
    hint: "None of the requested scopes is granted to the app. Grant them on the app's Okta API Scopes tab (a Super Admin can), or request only granted scopes.",
  },
  {
    error: 'invalid_scope',
    match: /no scopes were requested/i,
    label: 'no scopes',
    hint: "Request at least one scope, e.g. scopes: ['okta.users.read'] (OKTA_SCOPES).",
  },
  {
    error: 'invalid_scope',
    match: /openid/i,
    label: 'openid requested',
    hint: 'Client credentials cannot request openid; remove it from scopes.',
  },
  {
    error: 'invalid_scope',
    label: 'invalid scope',
    hint: 'A requested scope is unknown to this authorization server. Okta API scopes (okta.*) are only issued by the org authorization server (/oauth2/v1/token); check the scope names and tokenEndpoint.',
  },
  {
    error: 'client_credentials_self_scope_requested',
    label: '.self scope',
    hint: 'Client credentials cannot request .self scopes; remove them from scopes.',
  },
  {
    error: 'unauthorized_client',
    label: 'grant not allowed',
    hint: 'The app is not allowed the client_credentials grant. Use an API Services app (or enable Client Credentials on the app).',
  },
  {
    error: 'invalid_grant',
    label: 'grant refused',
    hint: 'The authorization server refused the grant. If it requires DPoP-bound tokens without saying so in Okta\'s words (e.g. oidc-provider: "DPoP proof JWT not provided"), set dpop: true.',
  },
  {
    error: 'access_denied',
    label: 'network zone',
    hint: "The authorization server refused the request (Okta: the request came from outside the app's permitted network zones). Check the app's network restrictions.",
  },
  {
    error: 'unsupported_grant_type',
    label: 'grant type unsupported',
    hint: 'The authorization server does not support client_credentials here. Check tokenEndpoint.',
  },
  {
    error: 'invalid_request',
    label: 'malformed request',
    hint: 'The token request was refused as malformed. Check tokenEndpoint, and that no proxy rewrites the form body.',
  },
  {
    error: 'invalid_dpop_proof',
    label: 'DPoP proof refused',
    hint: 'The DPoP proof was refused. Check the host clock (proofs older than five minutes are rejected) and that the DPoP key uses ES256 or RS256.',
  },
  {
    error: 'use_dpop_nonce',
    label: 'DPoP nonce demanded',
    hint: 'The server kept demanding a new DPoP nonce. Retry later; if it persists, check for a proxy stripping the DPoP-Nonce header.',
  },
];

/**
 * The rule for an OAuth error, if one applies.
 * @example
 * oauthHintFor('invalid_client', 'The client_assertion JWT kid is invalid.')?.hint
 */
export function oauthHintFor(error: string, description: string | undefined): OAuthHintRule | undefined {
  return OAUTH_HINT_RULES.find(
    (rule) => rule.error === error && (rule.match === undefined || rule.match.test(description ?? '')),
  );
}
