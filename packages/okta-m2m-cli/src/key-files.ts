/**
 * Writing key files safely: the private key with mode 600, never over an existing file unless asked, and
 * creating the file exclusively so no other process can open it between creation and the mode change. A key
 * file that a running service reads is replaced atomically: the new content goes to a temporary file in the
 * same directory (created exclusively with the final mode, flushed to disk) that is then renamed over the old
 * one, so a reader sees the whole old file or the whole new one, never half of either; the directory is then
 * flushed too, so the rename survives a crash.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
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

/**
 * Replace (or create) a file atomically: write a temporary sibling with `mode`, flush it, rename it over
 * `path`. The temporary file is removed when anything fails; `path` is then untouched.
 * @example
 * replaceFileAtomically('/run/secrets/okta.pem', pem, 0o600);
 */
export function replaceFileAtomically(path: string, text: string, mode: number): void {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(temporary, 'wx', mode);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    syncDirectory(dirname(path));
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new CliError(
      'config',
      `Cannot write ${path}: ${(error as Error).message}.`,
      'Check the directory exists and is writable by this user.',
    );
  }
}

/** Flush a directory's entries (a rename in it) to disk; a platform that cannot open a directory skips it. */
function syncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw error;
  } finally {
    closeSync(fd);
  }
}
