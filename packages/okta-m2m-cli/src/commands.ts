/**
 * Every `okta-m2m` command, declared in one table: its words, arguments, options, examples and the file that
 * runs it. main.ts turns the table into the parser; each command file exports one `run()`.
 */
import type { CommandModule } from './command.js';

/** One option, in commander's flag syntax. */
export interface OptionSpec {
  flags: string;
  description: string;
  /** Accepted values, checked by the parser (a usage error otherwise). */
  choices?: readonly string[];
  /** Repeatable: every value is collected into a list. */
  repeatable?: boolean;
}

/** One command. */
export interface CommandSpec {
  /** The words after `okta-m2m`, e.g. `['users', 'list']`. */
  path: readonly string[];
  summary: string;
  /** Positional arguments in commander syntax, e.g. `<id>`. */
  arguments: readonly { name: string; description: string }[];
  options: readonly OptionSpec[];
  examples: readonly string[];
  load(): Promise<CommandModule>;
}

/** Options every command has. */
export const COMMON_OPTIONS: readonly OptionSpec[] = [
  { flags: '--json', description: 'print one JSON document on stdout instead of text' },
  {
    flags: '--dotenv <path>',
    description: 'read settings from this .env file (default: ./.env when present)',
  },
  { flags: '--debug', description: 'print the stack trace of a failure' },
];

/** The client settings, each overriding its environment variable. */
export const CLIENT_OPTIONS: readonly OptionSpec[] = [
  { flags: '--org-url <url>', description: 'Okta org URL (OKTA_DOMAIN), e.g. https://acme.okta.com' },
  { flags: '--client-id <id>', description: "the service app's client ID (OKTA_CLIENT_ID)" },
  { flags: '--key-id <kid>', description: 'kid of the registered public key (OKTA_KEY_ID)' },
  { flags: '--private-key-path <path>', description: 'private key file, mode 600 (OKTA_PRIVATE_KEY_PATH)' },
  { flags: '--scopes <list>', description: 'scopes, space or comma separated (OKTA_SCOPES)' },
  {
    flags: '--dpop <mode>',
    description: 'DPoP: auto (switch when the app requires it), true or false (OKTA_DPOP)',
    choices: ['auto', 'true', 'false'],
  },
];

/** The settings of the `keys` commands: the app (Management API with OKTA_API_TOKEN) and the configured key. */
export const KEYS_OPTIONS: readonly OptionSpec[] = [
  { flags: '--org-url <url>', description: 'Okta org URL (OKTA_DOMAIN)' },
  { flags: '--client-id <id>', description: "the service app's client ID (OKTA_CLIENT_ID)" },
  { flags: '--key-id <kid>', description: 'kid this configuration signs with (OKTA_KEY_ID)' },
  {
    flags: '--private-key-path <path>',
    description: 'the configured private key file (OKTA_PRIVATE_KEY_PATH)',
  },
];

/** The table. */
export const COMMANDS: readonly CommandSpec[] = [
  {
    path: ['keygen'],
    summary:
      'Generate a key pair: the private key as PEM (mode 600) and the public key as a JWKS to register',
    arguments: [],
    options: [
      {
        flags: '--alg <alg>',
        description: 'RS256 (RSA-2048, default) or ES256 (P-256)',
        choices: ['RS256', 'ES256'],
      },
      {
        flags: '--dpop',
        description: 'a DPoP key (ES256 unless --alg) instead of a client-authentication key',
      },
      {
        flags: '--out <path>',
        description: 'private key file (default okta-m2m-key.pem, or okta-m2m-dpop-key.pem)',
      },
      {
        flags: '--jwks-out <path>',
        description: 'public JWKS file (default: the key file name with .jwks.json)',
      },
      { flags: '--force', description: 'overwrite existing files' },
    ],
    examples: [
      'okta-m2m keygen',
      'okta-m2m keygen --alg ES256 --out ./secrets/okta.pem',
      'okta-m2m keygen --dpop --out ./secrets/dpop.pem',
    ],
    load: () => import('./commands/keygen.js'),
  },
  {
    path: ['setup'],
    summary:
      'Create or update the API Services app, key, scopes, custom role and resource set (guide steps 1-4)',
    arguments: [],
    options: [
      { flags: '--org-url <url>', description: 'Okta org URL (OKTA_DOMAIN)' },
      { flags: '--name <label>', description: 'the app label (default "okta-m2m service")' },
      {
        flags: '--key <path>',
        description: 'private key to register (default <label>.pem, generated when absent)',
      },
      { flags: '--alg <alg>', description: 'algorithm of a generated key', choices: ['RS256', 'ES256'] },
      {
        flags: '--group <id-or-name>',
        description: 'limit the resource set to this group (repeatable)',
        repeatable: true,
      },
      { flags: '--dpop', description: "require DPoP-bound tokens (Okta's default)" },
      { flags: '--no-dpop', description: 'issue Bearer tokens' },
      { flags: '--dry-run', description: 'print the plan; change nothing' },
    ],
    examples: [
      'OKTA_API_TOKEN=... okta-m2m setup --org-url https://acme.okta.com',
      'okta-m2m setup --name "billing sync" --group Billing --no-dpop',
      'okta-m2m setup --dry-run --json',
    ],
    load: () => import('./commands/setup.js'),
  },
  {
    path: ['keys', 'list'],
    summary: "List the app's registered public keys: kid, status, created; the one this configuration uses",
    arguments: [],
    options: KEYS_OPTIONS,
    examples: ['OKTA_API_TOKEN=... okta-m2m keys list', 'okta-m2m keys list --json'],
    load: () => import('./commands/keys-list.js'),
  },
  {
    path: ['keys', 'rotate'],
    summary:
      'Add a new key pair ACTIVE beside the current key and replace the private key file atomically (mode 600)',
    arguments: [],
    options: [
      ...KEYS_OPTIONS,
      {
        flags: '--out <path>',
        description: 'new private key file (default: OKTA_PRIVATE_KEY_PATH, replaced in place)',
      },
      {
        flags: '--alg <alg>',
        description: 'RS256 (RSA-2048, default) or ES256 (P-256)',
        choices: ['RS256', 'ES256'],
      },
      { flags: '--force', description: 'overwrite an existing --out file that is not the configured key' },
      { flags: '--dry-run', description: 'print the plan; change nothing' },
    ],
    examples: [
      'okta-m2m keys rotate',
      'okta-m2m keys rotate --alg ES256 --json',
      'okta-m2m keys rotate --out ./secrets/okta-next.pem --dry-run',
    ],
    load: () => import('./commands/keys-rotate.js'),
  },
  {
    path: ['keys', 'retire'],
    summary:
      'Deactivate a key (and with --delete, delete it); refused for the only ACTIVE key or the key in use here',
    arguments: [{ name: '<kid>', description: "the key's kid (or its Okta id, pks...)" }],
    options: [
      ...KEYS_OPTIONS,
      { flags: '--delete', description: 'delete the key after deactivating it' },
      { flags: '--dry-run', description: 'print the plan; change nothing' },
    ],
    examples: ['okta-m2m keys retire OLD_KID', 'okta-m2m keys retire OLD_KID --delete --json'],
    load: () => import('./commands/keys-retire.js'),
  },
  {
    path: ['token'],
    summary: 'Get an access token and print its type, expiry and granted scopes',
    arguments: [],
    options: [
      ...CLIENT_OPTIONS,
      { flags: '--show-token', description: 'also print the token itself (a secret)' },
    ],
    examples: [
      'okta-m2m token',
      'okta-m2m token --json',
      'okta-m2m token --show-token --scopes okta.users.read',
    ],
    load: () => import('./commands/token.js'),
  },
  {
    path: ['users', 'list'],
    summary: 'List users (a table, or --json, --ndjson, --csv)',
    arguments: [],
    options: [
      ...CLIENT_OPTIONS,
      { flags: '--limit <n>', description: 'users per page, 1-200 (default 20; 200 with --all)' },
      { flags: '--search <expr>', description: 'search expression, e.g. \'profile.department eq "Sales"\'' },
      { flags: '--filter <expr>', description: 'filter expression, e.g. \'status eq "ACTIVE"\'' },
      { flags: '--all', description: 'every page (a progress line on stderr when it is a terminal)' },
      { flags: '--ndjson', description: 'one JSON user per line' },
      { flags: '--csv', description: 'CSV: id, login, email, firstName, lastName, status' },
    ],
    examples: [
      'okta-m2m users list',
      'okta-m2m users list --all --csv > users.csv',
      'okta-m2m users list --filter \'status eq "ACTIVE"\' --ndjson',
    ],
    load: () => import('./commands/users-list.js'),
  },
  {
    path: ['users', 'get'],
    summary: 'Show one user by id or login',
    arguments: [{ name: '<id-or-login>', description: 'user id (00u...) or login' }],
    options: CLIENT_OPTIONS,
    examples: ['okta-m2m users get 00u1abcd', 'okta-m2m users get ada@example.com --json'],
    load: () => import('./commands/users-get.js'),
  },
  {
    path: ['users', 'set-name'],
    summary: "Change a user's first and last name (other profile fields untouched)",
    arguments: [{ name: '<id>', description: 'user id or login' }],
    options: [
      ...CLIENT_OPTIONS,
      { flags: '--first <name>', description: 'new first name (required)' },
      { flags: '--last <name>', description: 'new last name (required)' },
    ],
    examples: ['okta-m2m users set-name 00u1abcd --first Ada --last Lovelace'],
    load: () => import('./commands/users-set-name.js'),
  },
  {
    path: ['doctor'],
    summary: 'Check the configuration, key, clock, token, DPoP, scopes and admin role, and say what to fix',
    arguments: [],
    options: [
      ...CLIENT_OPTIONS,
      {
        flags: '--user <id-or-login>',
        description: 'also check that the app may read this user (resource set)',
      },
      {
        flags: '--write-probe <id-or-login>',
        description: 'rename this user and restore the name (write check)',
      },
    ],
    examples: [
      'okta-m2m doctor',
      'OKTA_API_TOKEN=... okta-m2m doctor --user ada@example.com',
      'okta-m2m doctor --write-probe 00u1abcd --json',
    ],
    load: () => import('./commands/doctor.js'),
  },
  {
    path: ['demo'],
    summary: 'Run the guide end to end against a local emulator (no Okta settings needed)',
    arguments: [],
    options: [],
    examples: ['okta-m2m demo', 'okta-m2m demo --json'],
    load: () => import('./commands/demo.js'),
  },
];
