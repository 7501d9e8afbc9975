/**
 * Writing key files safely: the private key with mode 600, never over an existing file unless asked, and
 * creating the file exclusively so no other process can open it between creation and the mode change.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CliError } from './cli-error.js';

/**
 * Write a file, refusing to replace one unless `force`.
 * @example
 * writeKeyFile('/tmp/k.pem', pem, { mode: 0o600, force: false });
 */
export function writeKeyFile(path: string, text: string, options: { mode: number; force: boolean }): void {
  if (existsSync(path) && !options.force) {
    throw new CliError(
      'usage',
      `${path} already exists; refusing to overwrite it.`,
      'Choose another path with --out, or pass --force to replace it.',
    );
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { mode: options.mode, flag: options.force ? 'w' : 'wx' });
  } catch (error) {
    throw new CliError(
      'config',
      `Cannot write ${path}: ${(error as Error).message}.`,
      'Check the directory exists and is writable.',
    );
  }
}
