/**
 * The `okta-m2m` command's entry point: runs the command line and sets the exit code.
 */
import { processIo } from './io.js';
import { runCli } from './program.js';

process.exitCode = await runCli(process.argv.slice(2), {
  io: processIo(),
  env: process.env,
  cwd: process.cwd(),
});
