/**
 * Where settings come from: command-line flags first, then the environment, then an optional `.env` file.
 * The result is one environment-shaped map that the library's `fromEnv()` reads, so the CLI and a service
 * configured by the guide's variables behave the same.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'dotenv';
import { fromEnv, type OktaClientOptions } from 'okta-m2m';
import { ENV_VARIABLES } from 'okta-m2m/core';
import { CliError } from './cli-error.js';

/** The Management API token variable (an Okta admin API token, sent as `SSWS`). */
export const API_TOKEN_VARIABLE = 'OKTA_API_TOKEN';

/** Flags of the client commands and the variable each one overrides. */
export const FLAG_VARIABLES = Object.freeze({
  orgUrl: ENV_VARIABLES.orgUrl,
  clientId: ENV_VARIABLES.clientId,
  keyId: ENV_VARIABLES.keyId,
  privateKeyPath: ENV_VARIABLES.privateKeyPath,
  scopes: ENV_VARIABLES.scopes,
  dpop: ENV_VARIABLES.dpop,
} as const);

/** The merged settings of one run. */
export interface Settings {
  /** Every variable, flags over environment over `.env`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The `.env` file that was read, if any. */
  readonly envFile: string | undefined;
}

/**
 * Merge flags, the environment and a `.env` file. `--env-file PATH` must exist; without it `./.env` is read
 * when present.
 * @example
 * const settings = loadSettings({ orgUrl: 'http://127.0.0.1:8080' }, process.env, process.cwd());
 */
export function loadSettings(
  flags: Readonly<Record<string, unknown>>,
  environment: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Settings {
  const explicit = typeof flags['dotenv'] === 'string' ? flags['dotenv'] : undefined;
  const path = resolve(cwd, explicit ?? '.env');
  let fileVars: Record<string, string> = {};
  let envFile: string | undefined;
  if (explicit !== undefined || existsSync(path)) {
    try {
      fileVars = parse(readFileSync(path));
      envFile = path;
    } catch (error) {
      throw new CliError(
        'config',
        `Cannot read the settings file ${path}: ${(error as Error).message}.`,
        'Give an existing file with --dotenv, or remove the option.',
      );
    }
  }
  const env: Record<string, string | undefined> = { ...fileVars };
  for (const [name, value] of Object.entries(environment)) {
    if (value !== undefined && value !== '') env[name] = value;
  }
  for (const [flag, variable] of Object.entries(FLAG_VARIABLES)) {
    const value = flags[flag];
    if (typeof value === 'string' && value !== '') env[variable] = value;
  }
  return { env, envFile };
}

/**
 * The library options these settings describe (throws the library's ConfigError listing every problem).
 * @example
 * const client = createOktaClient(clientOptions(settings));
 */
export function clientOptions(settings: Settings): OktaClientOptions {
  return fromEnv(settings.env);
}

/**
 * The admin API token, or a config failure naming the variable.
 * @example
 * const token = requireApiToken(settings, 'setup');
 */
export function requireApiToken(settings: Settings, purpose: string): string {
  const token = settings.env[API_TOKEN_VARIABLE];
  if (token === undefined || token.trim() === '') {
    throw new CliError(
      'config',
      `${purpose} needs an Okta admin API token in ${API_TOKEN_VARIABLE}.`,
      `Create one in the Admin Console (Security → API → Tokens) as a Super Admin and export ${API_TOKEN_VARIABLE}=..., or put it in .env.`,
    );
  }
  return token.trim();
}
