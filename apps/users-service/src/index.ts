/**
 * users-service: the guide's sample service as a library of its parts, for tests and embedding. `main.ts` is
 * the command.
 */
export { buildApp } from './app.js';
export type { BuildAppOptions } from './app.js';
export { loadServiceConfig, ServiceConfigError, SERVICE_ENV, LOG_LEVELS } from './config.js';
export type { ServiceConfig, ServiceConfigProblem, LogLevel } from './config.js';
export { generateApiKey, hashApiKey, parseApiKeys, findApiKey, allows, API_KEY_SCOPES } from './api-keys.js';
export type { ApiKey, ApiKeyScope, GeneratedApiKey } from './api-keys.js';
export { mapUpstreamError, problem, PROBLEM_CONTENT_TYPE } from './problem.js';
export type { Problem, MappedProblem } from './problem.js';
export { toUserView } from './routes/users.js';
export type { UserView } from './routes/users.js';
