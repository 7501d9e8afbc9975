#!/usr/bin/env node
/**
 * `okta-emulator`: starts the emulator, prints a banner to stderr and one JSON line to stdout.
 * Exit codes: 0 normal shutdown, 1 start-up failure, 2 bad command line.
 */
import { USAGE, UsageError, parseCliArgs, type CliOptions } from './cli-args.js';
import { setUpDemoApp } from './demo-app.js';
import { startEmulator, type RunningEmulator } from './server.js';

const BANNER = `
################################################################################
#  okta-emulator: THIS IS NOT OKTA.                                            #
#  A local imitation of an Okta org for development and tests. Its signing     #
#  keys, admin token and demo keys are for development only; never use them,   #
#  or this server, for anything real.                                          #
################################################################################
`;

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`okta-emulator: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }

  process.stderr.write(BANNER);
  let emu: RunningEmulator;
  try {
    emu = await startEmulator({
      host: options.host,
      port: options.port,
      control: options.control,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.seedUsers !== undefined ? { seedUsers: options.seedUsers } : {}),
      ...(options.quotas !== undefined ? { quotas: options.quotas } : {}),
      ...(options.concurrency !== undefined ? { concurrencyLimit: options.concurrency } : {}),
      ...(options.statePath !== undefined ? { statePath: options.statePath } : {}),
    });
  } catch (err) {
    process.stderr.write(`okta-emulator: cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    process.stderr.write(`okta-emulator: ${signal}, shutting down\n`);
    emu.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`okta-emulator: error while closing: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const line: Record<string, unknown> = { url: emu.url, adminToken: emu.adminToken };
  if (options.demoAppDir !== undefined) {
    try {
      line.demoApp = await setUpDemoApp(emu, options.demoAppDir, !options.demoAppBearer);
    } catch (err) {
      process.stderr.write(`okta-emulator: cannot create the demo app: ${(err as Error).message}\n`);
      await emu.close();
      process.exit(1);
    }
  }
  // The admin token goes to stdout only (the JSON line), never into the diagnostic stream.
  process.stderr.write(
    `okta-emulator: listening on ${emu.url} (control API ${options.control ? 'on' : 'off'})\n`,
  );
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`okta-emulator: ${(err as Error).message}\n`);
  process.exit(1);
});
