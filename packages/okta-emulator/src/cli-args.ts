/**
 * The command line of `okta-emulator`: options, defaults, the usage text, and a `UsageError` naming a
 * bad option.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_QUOTAS } from './state/rate-limits.js';

/** Parsed command line of `okta-emulator`. */
export interface CliOptions {
  help: boolean;
  host: string;
  port: number;
  seedUsers?: number;
  seed?: number;
  quotas?: Record<string, number>;
  concurrency?: number;
  statePath?: string;
  demoAppDir?: string;
  demoAppBearer: boolean;
  control: boolean;
}

/** A command-line mistake: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `okta-emulator --help`. */
export const USAGE = `Usage: okta-emulator [options]

Runs a local, Okta-shaped org (org authorization server, Users, Apps and IAM APIs). NOT Okta.

Options:
  --host HOST          interface to bind (default 127.0.0.1)
  --port N             port (default 0: a free port)
  --seed-users N       create N users at start
  --seed N             seed for deterministic ids and users
  --quota BUCKET=N     per-minute rate limit of a bucket (repeatable), e.g. --quota '/oauth2/v1/token=5000'
                       or --quota 'GET /api/v1/users/{idOrLogin}=5000'; buckets:
${Object.keys(DEFAULT_QUOTAS)
  .map((b) => `                         ${b}`)
  .join('\n')}
  --concurrency N      concurrent in-flight request limit
  --state FILE         load state from FILE if it exists; save apps, keys and users to it on change and exit
  --demo-app DIR       create a ready API Services app and write its private key (PEM, mode 0600) to DIR
  --demo-app-bearer    make the demo app issue Bearer tokens (default: DPoP required, like a new Okta app)
  --control            enable the /__emulator control API (reset, seed, clock, faults)
  --help               show this help

Prints one JSON line to stdout: {"url":...,"adminToken":...,"demoApp":{...}}.`;

/** Parses and checks the command line; throws `UsageError` naming the bad option and the fix. */
export function parseCliArgs(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        host: { type: 'string' },
        port: { type: 'string' },
        'seed-users': { type: 'string' },
        seed: { type: 'string' },
        quota: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        state: { type: 'string' },
        'demo-app': { type: 'string' },
        'demo-app-bearer': { type: 'boolean' },
        control: { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new UsageError(
      `${(err as Error).message.split('\n')[0]} Run okta-emulator --help for the options.`,
    );
  }
  const options: CliOptions = {
    help: values.help === true,
    host: values.host ?? '127.0.0.1',
    port: values.port === undefined ? 0 : integer('--port', values.port, 0, 65535),
    demoAppBearer: values['demo-app-bearer'] === true,
    control: values.control === true,
  };
  if (options.host.trim() === '')
    throw new UsageError('--host needs a host name or address, e.g. --host 127.0.0.1.');
  if (values['seed-users'] !== undefined)
    options.seedUsers = integer('--seed-users', values['seed-users'], 0, 1_000_000);
  if (values.seed !== undefined) options.seed = integer('--seed', values.seed, 0, 2 ** 32 - 1);
  if (values.concurrency !== undefined)
    options.concurrency = integer('--concurrency', values.concurrency, 1, 100_000);
  if (values.state !== undefined) {
    if (values.state === '')
      throw new UsageError('--state needs a file path, e.g. --state ./okta-state.json.');
    options.statePath = values.state;
  }
  if (values['demo-app'] !== undefined) {
    if (values['demo-app'] === '')
      throw new UsageError('--demo-app needs a directory, e.g. --demo-app ./.okta-demo.');
    options.demoAppDir = values['demo-app'];
  }
  if (options.demoAppBearer && options.demoAppDir === undefined) {
    throw new UsageError('--demo-app-bearer only applies together with --demo-app DIR.');
  }
  if (values.quota) {
    const valid = Object.keys(DEFAULT_QUOTAS);
    const quotas: Record<string, number> = {};
    for (const q of values.quota) {
      const eq = q.lastIndexOf('=');
      const bucket = eq > 0 ? q.slice(0, eq).trim() : '';
      if (!valid.includes(bucket)) {
        throw new UsageError(
          `--quota ${q}: expected BUCKET=N where BUCKET is one of: ${valid.map((v) => `'${v}'`).join(', ')}. ` +
            `Example: --quota '/oauth2/v1/token=5000'.`,
        );
      }
      quotas[bucket] = integer(`--quota ${bucket}`, q.slice(eq + 1), 1, 1_000_000);
    }
    options.quotas = quotas;
  }
  return options;
}

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value))
    throw new UsageError(`${name} must be a whole number, got ${JSON.stringify(value)}.`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max}, got ${value}.`);
  return n;
}
