/**
 * okta-emulator: a local, Okta-shaped org for development and tests. NOT Okta; its keys are for
 * development only. The public surface: build or start an emulator, its one state, clocks, ids, and the
 * error types and renderers its routes use.
 */

export { startEmulator } from './server.js';
export type { EmulatorOptions, RunningEmulator } from './server.js';
export { buildEmulator } from './server.js';
export type { BuildEmulatorOptions, BuiltEmulator, EmulatorSnapshot } from './server.js';
export type { EmulatorState } from './state/emulator-state.js';
export type { ServiceAppOptions, ServiceAppCredentials } from './service-app.js';
export { generateClientKey } from './service-app.js';
export { createClock, createFixedClock } from './lib/clock.js';
export type { Clock, MutableClock } from './lib/clock.js';
export type { Principal } from './authz/principal.js';
export { createIdGenerator } from './lib/ids.js';
export type { IdGenerator } from './lib/ids.js';
export {
  OktaApiError,
  OAuthProtocolError,
  ChallengeResponse,
  oktaErrorBody,
  renderOktaError,
  renderOAuthError,
} from './lib/errors.js';
export type { OktaErrorBody, OktaErrorOptions, OAuthErrorOptions } from './lib/errors.js';
export { installErrorHandler } from './plugins/error-handler.js';
export { OAUTH_ERRORS } from './lib/oauth-error-catalog.js';
export type { OAuthErrorKey } from './lib/oauth-error-catalog.js';
export { buildChallenge } from './oauth/challenge.js';
export type { ChallengeOptions } from './oauth/challenge.js';
