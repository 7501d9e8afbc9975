/**
 * Grant types: the one the emulator's org authorization server serves, and every one Okta knows (which
 * decides between `unauthorized_client` and `unsupported_grant_type`).
 */

/** Grant types the emulator's org AS serves. */
export const SUPPORTED_GRANT_TYPES = ['client_credentials'] as const;

/** Grant types Okta knows: a known-but-not-configured one is `unauthorized_client`, anything else unsupported. */
export const KNOWN_GRANT_TYPES = new Set([
  'authorization_code',
  'implicit',
  'password',
  'refresh_token',
  'client_credentials',
  'urn:ietf:params:oauth:grant-type:device_code',
  'urn:ietf:params:oauth:grant-type:token-exchange',
  'urn:ietf:params:oauth:grant-type:jwt-bearer',
  'urn:ietf:params:oauth:grant-type:saml2-bearer',
  'urn:openid:params:grant-type:ciba',
  'urn:okta:params:oauth:grant-type:otp',
  'urn:okta:params:oauth:grant-type:oob',
  'http://auth0.com/oauth/grant-type/mfa-oob',
  'http://auth0.com/oauth/grant-type/mfa-otp',
  'interaction_code',
]);
