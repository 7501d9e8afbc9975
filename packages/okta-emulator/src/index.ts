/**
 * okta-emulator: a local, Okta-shaped org for development and tests. NOT Okta; its keys are for
 * development only.
 */
export { startEmulator } from './emulator.js';
export type { EmulatorOptions, RunningEmulator } from './emulator.js';
export { buildEmulator } from './app.js';
export type { BuildEmulatorOptions, BuiltEmulator, EmulatorSnapshot } from './app.js';
export type { ServiceAppOptions, ServiceAppCredentials } from './service-app.js';
export { generateClientKey } from './service-app.js';
export { createClock, createFixedClock } from './clock.js';
export type { MutableClock } from './clock.js';
export type { Clock, Principal, ClientLookup } from './contracts.js';
export { createIdGenerator } from './ids.js';
export type { IdGenerator } from './ids.js';
export {
  OktaApiError,
  ChallengeResponse,
  oktaError,
  oktaErrorBody,
  oauthError,
  installErrorHandler,
} from './errors.js';
export type { OktaErrorBody, OktaErrorOptions } from './errors.js';
export { OAuthProtocolError, OAUTH_ERRORS } from './oauth/oauth-errors.js';
export type { OAuthErrorKey } from './oauth/oauth-errors.js';
export { buildChallenge } from './oauth/challenge.js';
export type { ChallengeOptions } from './oauth/challenge.js';
